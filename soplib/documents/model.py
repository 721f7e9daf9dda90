"""The SOP document: its identity part (front matter) and its reviewable items.

A parsed document keeps its exact source text; everything else is derived:
the front matter (:class:`FrontMatter`, checked by pydantic), the sections
(headings) and the *items* a review decides on, each with a key:

- the body's items: each top-level list item, table row, paragraph or other
  block, keyed ``<section slug>/<n>`` (``prosedur/3``);
- the identity part's items: each entry of a list field (``legal_basis/2``,
  ``equipment/1``: field names contain ``_`` or are single words, section
  slugs never contain ``_``... and the field names are reserved) and each
  reviewable scalar field (``title``, ``number``, ``unit``,
  ``review_interval_months``), keyed by the field's name.

docs/format.md describes the format for the people who write SOPs.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator
from pydantic.dataclasses import dataclass as checked

from sop_store import validate_doc_id
from soplib.errors import InvalidInputError, NotFoundError
from soplib.values import HIDDEN, Value

ItemKind = Literal["list_item", "table_row", "paragraph", "block", "field", "field_entry"]
BODY_KINDS = ("list_item", "table_row", "paragraph", "block")
LIST_FIELDS = ("legal_basis", "related", "qualifications", "equipment", "warnings", "records")
SCALAR_FIELDS = ("title", "number", "unit", "review_interval_months")
"""The identity fields a review decides on (list entries and scalar values)."""

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
_KEY = re.compile(rf"(?:{_SLUG.pattern}|{'|'.join(LIST_FIELDS)})/[1-9][0-9]{{0,5}}|{'|'.join(SCALAR_FIELDS)}")


def _tuple_of_str(value: Any) -> Any:
    # A single string is a one-entry list: `legal_basis: UU 7/2017` reads naturally.
    if isinstance(value, str):
        return (value,)
    return value


@checked(frozen=True, config=_STRICT)
class Audience(Value):
    """To whom an SOP applies: units and/or positions (both empty: everyone)."""

    units: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()

    _strings = field_validator("units", "positions", mode="before")(_tuple_of_str)

    @property
    def is_everyone(self) -> bool:
        return not self.units and not self.positions

    def includes(self, *, unit: str, position: str) -> bool:
        """True if a person of ``unit`` and ``position`` is in this audience (an empty list matches
        anyone).
        """
        return (not self.units or unit in self.units) and (not self.positions or position in self.positions)


@checked(frozen=True, config=_STRICT)
class Ratifier(Value):
    """Who ratified (*disahkan oleh*) an SOP before it came into soplib, as declared."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    nip: Annotated[str, Field(max_length=64)] | None = None
    position: Annotated[str, Field(max_length=300)] | None = None


@checked(frozen=True, config=_STRICT)
class Declared(Value):
    """An SOP's history before it came into soplib, as its importer declares it (docs/format.md)."""

    made: date | None = None
    revised: tuple[date, ...] = ()
    revision: Annotated[int, Field(ge=0, le=999)] | None = None
    effective: date | None = None
    ratified_by: Ratifier | None = None

    @field_validator("revised", mode="before")
    @classmethod
    def _one_date(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str | date) else value

    @property
    def revision_number(self) -> int:
        """Revisions before import: ``revision``, else the number of revised dates."""
        return self.revision if self.revision is not None else len(self.revised)


@checked(frozen=True, config=_STRICT)
class FrontMatter(Value):
    """The identity part of an SOP (SOP AP layout): the YAML between the ``---`` lines."""

    id: str
    title: Annotated[str, Field(min_length=1, max_length=500)]
    number: Annotated[str, Field(max_length=200)] | None = None
    unit: Annotated[str, Field(max_length=300)] | None = None
    legal_basis: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    records: tuple[str, ...] = ()
    review_interval_months: Annotated[int, Field(ge=1, le=120)] | None = None
    audience: Audience = field(default_factory=Audience)
    declared: Declared | None = None

    _lists = field_validator(*LIST_FIELDS, mode="before")(_tuple_of_str)

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        validate_doc_id(value)
        return value

    @field_validator("related")
    @classmethod
    def _related(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for ref in value:
            validate_doc_id(ref)
        return value

    def to_json(self) -> dict[str, Any]:
        # `declared` only when set: the stored meta of every SOP without one stays as it was.
        out = super().to_json()
        if out.get("declared") is None:
            out.pop("declared", None)
        return out


FIELDS = (
    "id",
    *SCALAR_FIELDS[:1],
    *SCALAR_FIELDS[1:3],
    *LIST_FIELDS,
    "review_interval_months",
    "audience",
    "declared",
)


@dataclass(frozen=True)
class Section(Value):
    """A heading; items after it (until the next heading) belong to it."""

    slug: str
    title: str
    level: int
    line: int


@dataclass(frozen=True)
class Item(Value):
    """One reviewable unit of a document (a step, a table row, a legal basis entry, the title ...)."""

    key: str
    section: str
    ordinal: int
    kind: ItemKind
    text: str
    start_line: int
    end_line: int
    fingerprint: str
    marker: str = field(default="", metadata=HIDDEN)
    cells: tuple[str, ...] = ()  # a table row's cells as a person reads them (``\\|`` is ``|``)

    @property
    def is_identity(self) -> bool:
        """True for an item of the identity part (front matter)."""
        return self.kind in ("field", "field_entry")


def normalise(text: str) -> str:
    """Whitespace-normalised text: what fingerprints are computed over."""
    return " ".join(text.split())


def fingerprint(text: str) -> str:
    """Fingerprint of an item's text, blind to whitespace (16 hex digits)."""
    return hashlib.sha256(normalise(text).encode()).hexdigest()[:16]


def validate_key(key: str) -> str:
    """Return ``key`` if it has the form of an item key (``prosedur/3``, ``legal_basis/2``, ``title``)."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise InvalidInputError(
            "invalid item key {key}: expected SECTION/N such as 'prosedur/3', FIELD/N such as "
            "'legal_basis/2', or a field such as 'title'",
            key=repr(key),
        )
    return key


def validate_section(slug: str) -> str:
    """Return ``slug`` if it names a section (``prosedur``) or a list field (``equipment``), else raise."""
    if not isinstance(slug, str) or not (_SLUG.fullmatch(slug) or slug in LIST_FIELDS):
        raise InvalidInputError(
            "invalid section {slug}: expected a slug such as 'prosedur' (the part of an item key before '/')",
            slug=repr(slug),
        )
    return slug


def split_lines(text: str) -> list[str]:
    """``text`` cut into lines (ends kept) at ``\\n``, ``\\r\\n`` and ``\\r`` only, as Markdown counts them.

    >>> split_lines("a\\fb\\r\\nc")
    ['a\\x0cb\\r\\n', 'c']
    """
    return [line for line in _LINE_END.split(text) if line]


# Line ends as CommonMark (and markdown-it) count them. str.splitlines() also
# breaks at U+2028, U+0085, form feed ...; markdown-it does not, and its line
# numbers are what items are cut by, so the two must agree.
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


@dataclass(frozen=True)
class SopDocument(Value):
    """A parsed SOP. ``text`` is the exact source; everything else is derived from it."""

    text: str = field(metadata=HIDDEN)
    front: FrontMatter
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    body_start: int = field(metadata=HIDDEN)  # 0-based index of the first body line in ``lines``

    @property
    def id(self) -> str:
        return self.front.id

    @property
    def title(self) -> str:
        return self.front.title

    @property
    def lines(self) -> list[str]:
        return split_lines(self.text)

    @property
    def body_items(self) -> tuple[Item, ...]:
        """The procedure's items (lists, table rows, paragraphs), without the identity part."""
        return tuple(i for i in self.items if not i.is_identity)

    @property
    def identity_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.is_identity)

    @property
    def body_fingerprint(self) -> str:
        """sha256 over the normalised text of every heading and body item, in order.

        Equal for two versions that differ only in whitespace; acknowledgements
        carry over between such versions.
        """
        h = hashlib.sha256()
        for part in [*(f"# {s.title}" for s in self.sections), *(i.text for i in self.body_items)]:
            h.update(normalise(part).encode() + b"\n")
        return h.hexdigest()

    @property
    def content_fingerprint(self) -> str:
        """sha256 of the exact bytes: what approvals and acknowledgements are bound to."""
        return hashlib.sha256(self.text.encode()).hexdigest()

    def item(self, key: str) -> Item:
        """The item with ``key``; :class:`NotFoundError` (with the closest key) if there is none."""
        validate_key(key)
        for item in self.items:
            if item.key == key:
                return item
        close = difflib.get_close_matches(key, [i.key for i in self.items], n=1)
        if close:
            raise NotFoundError(
                "{id} has no item {key} (did you mean {close}?)", id=self.id, key=key, close=close[0]
            )
        raise NotFoundError("{id} has no item {key}", id=self.id, key=key)

    def section(self, slug: str) -> Section | None:
        for section in self.sections:
            if section.slug == slug:
                return section
        return None

    def section_items(self, slug: str) -> list[Item]:
        return [i for i in self.items if i.section == slug]

    def meta(self) -> dict[str, Any]:
        """What the store keeps beside each version (front matter and fingerprints)."""
        return {
            "front": self.front.to_json(),
            "content_sha256": self.content_fingerprint,
            "body_sha256": self.body_fingerprint,
            "items": len(self.body_items),
        }

    def _json_extra(self) -> dict[str, Any]:
        return {"content_sha256": self.content_fingerprint, "body_sha256": self.body_fingerprint}
