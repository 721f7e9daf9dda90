"""The SOP document: YAML front matter plus a Markdown body of reviewable items.

A document is parsed once into sections (headings) and items (each top-level
list item with its sub-items, each table body row, each top-level paragraph or
other block). An item's key (``prosedur/3``) addresses it within its version.
The source text is kept as it is, so rendering an unmodified document gives
the input back byte for byte, and :func:`edit` changes only the lines of the
items it touches.

    >>> doc = parse(text, source="kpu-01.md")
    >>> doc.item("prosedur/2").text
    'Petugas memeriksa kelengkapan berkas.'
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sop_store import validate_doc_id
from soplib.errors import InvalidInputError, SopFormatError

ItemKind = Literal["list_item", "table_row", "paragraph", "block"]

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MD = MarkdownIt("commonmark").enable("table")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
_KEY = re.compile(rf"{_SLUG.pattern}/[1-9][0-9]{{0,5}}")
_LIST_MARKER = re.compile(r"^(\s*)([-+*]|\d{1,9}[.)])([ \t]+|$)")
PREAMBLE = "preamble"
# Line ends as CommonMark (and markdown-it) count them. str.splitlines() also
# breaks at U+2028, U+0085, form feed ...; markdown-it does not, and its line
# numbers are what items are cut by, so the two must agree.
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


def split_lines(text: str) -> list[str]:
    """``text`` cut into lines (ends kept) at ``\\n``, ``\\r\\n`` and ``\\r`` only, as Markdown counts them.

    >>> split_lines("a\\fb\\r\\nc")
    ['a\\x0cb\\r\\n', 'c']
    """
    return [line for line in _LINE_END.split(text) if line]


def _tuple_of_str(value: Any) -> Any:
    # A single string is a one-entry list: `legal_basis: UU 7/2017` reads naturally.
    if isinstance(value, str):
        return (value,)
    return value


class Audience(BaseModel):
    """To whom an SOP applies: units and/or positions (both empty: everyone)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    units: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()

    _strings = field_validator("units", "positions", mode="before")(_tuple_of_str)

    @property
    def is_everyone(self) -> bool:
        return not self.units and not self.positions

    def includes(self, *, unit: str, position: str) -> bool:
        """True if a person of ``unit`` and ``position`` is in this audience.

        Both lists set must both match; an empty list matches anyone.
        """
        return (not self.units or unit in self.units) and (not self.positions or position in self.positions)


class FrontMatter(BaseModel):
    """The identity part of an SOP (SOP AP layout); the YAML between ``---`` lines."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str
    title: str = Field(min_length=1)
    number: str | None = None
    unit: str | None = None
    legal_basis: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    records: tuple[str, ...] = ()
    review_interval_months: int | None = Field(default=None, ge=1, le=120)
    audience: Audience = Audience()

    _lists = field_validator(
        "legal_basis", "related", "qualifications", "equipment", "warnings", "records", mode="before"
    )(_tuple_of_str)

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        if isinstance(value, int):
            value = str(value)
        validate_doc_id(value)
        return value

    @field_validator("related")
    @classmethod
    def _related(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for ref in value:
            validate_doc_id(ref)
        return value

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


FIELDS = tuple(FrontMatter.model_fields)


class Section(BaseModel):
    """A heading; items after it (until the next heading) belong to it."""

    model_config = ConfigDict(frozen=True)

    slug: str
    title: str
    level: int
    line: int


class Item(BaseModel):
    """One reviewable unit of a document."""

    model_config = ConfigDict(frozen=True)

    key: str
    section: str
    ordinal: int
    kind: ItemKind
    text: str
    start_line: int
    end_line: int
    fingerprint: str
    marker: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "text": self.text,
            "lines": [self.start_line, self.end_line],
            "fingerprint": self.fingerprint,
        }


def normalise(text: str) -> str:
    """Whitespace-normalised text: what fingerprints are computed over."""
    return " ".join(text.split())


def fingerprint(text: str) -> str:
    """Fingerprint of an item's text, blind to whitespace (16 hex digits)."""
    return hashlib.sha256(normalise(text).encode()).hexdigest()[:16]


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-") or "section"


def _matching(pattern: re.Pattern[str], value: str, message: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidInputError(message)
    return value


def validate_key(key: str) -> str:
    """Return ``key`` if it has the form of an item key (``prosedur/3``), else raise."""
    return _matching(
        _KEY,
        key,
        f"invalid item key {key!r}: expected SECTION/N such as 'prosedur/3' "
        "(`sop show ID --json` lists the keys)",
    )


def validate_section(slug: str) -> str:
    """Return ``slug`` if it has the form of a section slug (``prosedur``), else raise."""
    return _matching(
        _SLUG,
        slug,
        f"invalid section {slug!r}: expected a slug such as 'prosedur' (the part of an item key before '/')",
    )


class SopDocument(BaseModel):
    """A parsed SOP. ``text`` is the exact source; everything else is derived."""

    model_config = ConfigDict(frozen=True)

    text: str
    front: FrontMatter
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    body_start: int  # 0-based index of the first body line in ``lines``

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
    def body_fingerprint(self) -> str:
        """sha256 over the normalised text of every heading and item, in order.

        Equal for two versions that differ only in whitespace; acknowledgements
        carry over between such versions.
        """
        h = hashlib.sha256()
        for part in [*(f"# {s.title}" for s in self.sections), *(i.text for i in self.items)]:
            h.update(normalise(part).encode() + b"\n")
        return h.hexdigest()

    @property
    def content_fingerprint(self) -> str:
        """sha256 of the exact bytes: what approvals and acknowledgements are bound to."""
        return hashlib.sha256(self.text.encode()).hexdigest()

    def item(self, key: str) -> Item:
        validate_key(key)
        for item in self.items:
            if item.key == key:
                return item
        close = difflib.get_close_matches(key, [i.key for i in self.items], n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        from soplib.errors import NotFoundError

        raise NotFoundError(f"{self.id} has no item {key}{hint}; `sop show {self.id} --json` lists them")

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
            "items": len(self.items),
        }


# -- parsing ---------------------------------------------------------------------


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SopFormatError("not UTF-8 text; save the file as UTF-8", source=source, line=line) from exc


def _split_front(lines: list[str], source: str) -> tuple[str, int]:
    if not lines or lines[0].lstrip("\ufeff").rstrip("\r\n") != "---":
        raise SopFormatError(
            "no front matter: the file must start with a '---' line, then 'id:' and 'title:', then '---'",
            source=source,
            line=1,
        )
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n") in ("---", "..."):
            return "".join(lines[1:i]), i + 1
    raise SopFormatError("the front matter is not closed by a '---' line", source=source, line=1)


def _field_line(front_text: str, name: str) -> int:
    """The file line of front-matter key ``name`` (top level first, then nested); else 1."""
    lines = [line.rstrip("\r\n") for line in split_lines(front_text)]
    for nested in (False, True):
        for n, line in enumerate(lines, start=2):
            if (line.lstrip(" -") if nested else line).startswith(f"{name}:"):
                return n
    return 1


def _safe_load(text: str) -> Any:
    # yaml.safe_load, but with libyaml's CSafeLoader when PyYAML has it (~10x faster).
    loader = _LOADER(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _front(front_text: str, source: str) -> FrontMatter:
    try:
        data = _safe_load(front_text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark else 1
        raise SopFormatError(
            f"front matter is not valid YAML: {exc.problem}", source=source, line=line
        ) from exc
    except yaml.YAMLError as exc:  # a ReaderError: a character YAML does not allow (a control character)
        position = getattr(exc, "position", None)
        line = front_text[:position].count("\n") + 2 if isinstance(position, int) else 1
        first = (str(exc).splitlines() or ["?"])[0]  # the rest names the "<unicode string>"
        raise SopFormatError(f"front matter is not valid YAML: {first}", source=source, line=line) from exc
    if not isinstance(data, dict):
        raise SopFormatError("front matter must be a mapping of 'key: value' lines", source=source, line=2)
    try:
        return FrontMatter.model_validate(data)
    except ValidationError as exc:
        raise _front_error(exc, front_text, source) from exc


def _front_error(exc: ValidationError, front_text: str, source: str) -> SopFormatError:
    # An unknown key is usually a misspelt known one: report it before the "missing" it causes.
    err = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    loc = [str(p) for p in err["loc"]]
    name = loc[-1] if err["type"] == "extra_forbidden" and loc else (loc[0] if loc else "?")
    line = _field_line(front_text, name)
    where = repr(".".join(loc))  # repr: a key may hold a line break or a control character
    if err["type"] == "extra_forbidden":
        known = FIELDS if len(loc) == 1 else tuple(Audience.model_fields)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(known)})"
        return SopFormatError(f"unknown front-matter key {where}{hint}", source=source, line=line)
    if err["type"] == "missing":
        return SopFormatError(f"missing required front-matter key '{name}'", source=source, line=1)
    message = str(err["msg"]).removeprefix("Value error, ")
    return SopFormatError(f"front-matter key {where}: {message}", source=source, line=line)


def _list_item_text(lines: Sequence[str]) -> tuple[str, str]:
    first = lines[0].rstrip("\r\n")
    m = _LIST_MARKER.match(first)
    if not m:
        return first.strip(), ""
    width = len(m.group(0))
    out = [first[width:]]
    for line in lines[1:]:
        stripped = line.rstrip("\r\n")
        indent = len(stripped) - len(stripped.lstrip(" "))
        out.append(stripped[min(indent, width) :])
    return "\n".join(out).strip(), m.group(2)


def split_cells(row: str) -> list[str]:
    """The cells of a GFM table row (``| a | b |`` -> ``['a', 'b']``)."""
    row = row.strip()
    row = row.removeprefix("|")
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]


def _trim(lines: list[str], start: int, end: int) -> int:
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


@dataclass
class _Block:
    kind: ItemKind
    start: int  # 0-based, into the whole file
    end: int  # exclusive
    text: str
    marker: str = ""


def _blocks(tokens: list[Token], lines: list[str], offset: int) -> Iterable[_Block | Section]:
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.level != 0 or tok.map is None or tok.nesting == -1:
            i += 1
            continue
        start, end = tok.map[0] + offset, tok.map[1] + offset
        if tok.type == "heading_open":
            title = tokens[i + 1].content.strip()
            yield Section(slug="", title=title, level=int(tok.tag[1]), line=start + 1)
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            for sub in tokens[i + 1 :]:
                if sub.level == 0:
                    break
                if sub.type == "list_item_open" and sub.level == 1 and sub.map:
                    s, e = sub.map[0] + offset, sub.map[1] + offset
                    e = _trim(lines, s, e)
                    text, marker = _list_item_text(lines[s:e])
                    yield _Block("list_item", s, e, text, marker)
        elif tok.type == "table_open":
            for sub in tokens[i + 1 :]:
                if sub.level == 0:
                    break
                if sub.type == "tr_open" and sub.level == 2 and sub.map:
                    s = sub.map[0] + offset
                    text = " | ".join(split_cells(lines[s]))
                    yield _Block("table_row", s, s + 1, text)
        elif tok.type == "paragraph_open":
            e = _trim(lines, start, end)
            yield _Block("paragraph", start, e, "".join(lines[start:e]).strip())
        else:
            e = _trim(lines, start, end)
            yield _Block("block", start, e, "".join(lines[start:e]).strip())
        i += 1


def _table_body_only(tokens: list[Token]) -> list[Token]:
    # Header rows (inside thead) are part of the table's frame, not reviewable rows.
    out, in_head = [], False
    for tok in tokens:
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif in_head and tok.type == "tr_open":
            continue
        out.append(tok)
    return out


def parse(data: str | bytes, *, source: str = "<text>") -> SopDocument:
    """Parse an SOP; raise :class:`SopFormatError` naming ``source`` and the line."""
    text = _decode(data, source) if isinstance(data, bytes) else data
    lines = split_lines(text)
    front_text, body_start = _split_front(lines, source)
    front = _front(front_text, source)
    body = "".join(lines[body_start:])
    tokens = _table_body_only(_MD.parse(body))
    sections: list[Section] = []
    items: list[Item] = []
    slugs: dict[str, int] = {}
    current, ordinal = PREAMBLE, 0
    for block in _blocks(tokens, lines, body_start):
        if isinstance(block, Section):
            base = slugify(block.title)
            slugs[base] = slugs.get(base, 0) + 1
            slug = base if slugs[base] == 1 else f"{base}-{slugs[base]}"
            sections.append(block.model_copy(update={"slug": slug}))
            current, ordinal = slug, 0
            continue
        ordinal += 1
        items.append(
            Item(
                key=f"{current}/{ordinal}",
                section=current,
                ordinal=ordinal,
                kind=block.kind,
                text=block.text,
                start_line=block.start + 1,
                end_line=block.end,
                fingerprint=fingerprint(block.text),
                marker=block.marker,
            )
        )
    if not items:
        raise SopFormatError(
            "the body has no steps: add a list, a table or a paragraph after the front matter",
            source=source,
            line=body_start + 1,
        )
    return SopDocument(
        text=text, front=front, sections=tuple(sections), items=tuple(items), body_start=body_start
    )


def load(path: Path | str) -> SopDocument:
    """Read and parse an SOP file."""
    return parse(read_file(path), source=str(path))


def read_file(path: Path | str) -> bytes:
    """The bytes of a file a person named; refuses a folder, a device or a pipe.

    ``/dev/zero`` or a FIFO would otherwise be read forever.
    """
    path = Path(path)
    try:
        if not path.is_file():
            what = "a folder" if path.is_dir() else "not a regular file" if path.exists() else "missing"
            raise InvalidInputError(f"cannot read {path}: {what}; give the path of a file")
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
