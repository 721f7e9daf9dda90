"""Parsing an SOP: front matter (:mod:`~soplib.documents.yamlsafe`, checked by pydantic) and body items.

The body is parsed once with markdown-it-py (CommonMark plus GFM tables) into
sections (headings) and items (each top-level list item with its sub-items,
each table body row, each top-level paragraph or other block). The source text
is kept as it is, so rendering an unmodified document gives the input back byte
for byte, and edits change only the lines of the items they touch.

    >>> doc = parse(text, source="kpu-01.md")
    >>> doc.item("prosedur/2").text
    'Petugas memeriksa kelengkapan berkas.'
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from soplib.documents.blocks import body_blocks
from soplib.documents.model import (
    LIST_FIELDS,
    SCALAR_FIELDS,
    Audience,
    Declared,
    FrontMatter,
    Item,
    Ratifier,
    Section,
    SopDocument,
    fingerprint,
    split_lines,
)
from soplib.documents.yamlsafe import YamlError, read_yaml_with_lines
from soplib.errors import SopFormatError

PREAMBLE = "preamble"
MAX_BYTES = 4 * 1024 * 1024
"""The largest SOP file soplib reads (4 MiB: a long SOP is tens of KiB)."""
_FRONT_MAX = 256 * 1024


def _fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


FIELDS = _fields(FrontMatter)


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-") or "section"


# -- front matter ---------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Front:
    front: FrontMatter
    key_lines: dict[str, int]
    entry_lines: dict[str, list[int]]
    end_line: int  # the closing '---' line


def _front(front_text: str, source: str, closing: int) -> _Front:
    if len(front_text) > _FRONT_MAX:
        raise SopFormatError("the front matter is longer than 256 KiB", source=source, line=2)
    try:
        data, key_lines, entry_lines = read_yaml_with_lines(front_text, first_line=2)
    except YamlError as exc:
        if "mapping values are not allowed" in str(exc.params.get("problem", "")):
            raise SopFormatError(
                "front matter is not valid YAML: a value holding ': ' must be quoted, "
                'e.g. title: "Pelayanan: Informasi Publik"',
                source=source,
                line=exc.line,
            ) from None
        raise SopFormatError(exc.template, source=source, line=exc.line, **exc.params) from None
    if not isinstance(data, dict):
        raise SopFormatError("front matter must be a mapping of 'key: value' lines", source=source, line=2)
    try:
        front = FrontMatter(**data)
    except ValidationError as exc:
        raise _front_error(exc, key_lines, front_text, source) from None
    except TypeError as exc:  # an unknown keyword (caught by pydantic too, kept as a net)
        raise SopFormatError("front matter: {reason}", source=source, line=2, reason=exc) from None
    return _Front(front, key_lines, entry_lines, closing)


def _front_error(
    exc: ValidationError, key_lines: dict[str, int], front_text: str, source: str
) -> SopFormatError:
    # An unknown key is usually a misspelt known one: report it before the "missing" it causes.
    errors = exc.errors()
    err = min(errors, key=lambda e: e["type"] not in ("unexpected_keyword_argument", "extra_forbidden"))
    loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
    name = loc[-1] if loc else "?"
    line = 1
    for n in range(len(loc), 0, -1):  # the deepest key the file has a line for
        if ".".join(loc[:n]) in key_lines:
            line = key_lines[".".join(loc[:n])]
            break
    where = repr(".".join(loc))  # repr: a key may hold a line break or a control character
    if err["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
        known = {
            1: FIELDS,
            2: {"audience": _fields(Audience), "declared": _fields(Declared)}.get(loc[0], FIELDS),
        }
        choices = known.get(len(loc), _fields(Ratifier))
        close = difflib.get_close_matches(name, choices, n=1)
        if close:
            return SopFormatError(
                "unknown front-matter key {key} (did you mean '{close}'?)",
                source=source,
                line=line,
                key=where,
                close=close[0],
            )
        return SopFormatError(
            "unknown front-matter key {key} (known keys: {known})",
            source=source,
            line=line,
            key=where,
            known=", ".join(choices),
        )
    if err["type"] == "missing" or err["type"] == "missing_argument":
        parent = key_lines.get(".".join(loc[:-1]), 1) if len(loc) > 1 else 1
        return SopFormatError(
            "missing required front-matter key {key}", source=source, line=parent, key=where
        )
    message = str(err["msg"]).removeprefix("Value error, ")
    if err["type"].startswith("date_"):
        detail = message.split(", ", 1)[-1]
        message = f"not a real date, as YYYY-MM-DD ({detail})"
    return SopFormatError(
        "front-matter key {key}: {reason}", source=source, line=line, key=where, reason=message
    )


def _identity_items(front: _Front) -> list[Item]:
    """The identity part's items: each reviewable scalar field, each entry of each list field."""
    items: list[Item] = []
    starts = sorted(front.key_lines.values())

    def block_end(line: int) -> int:
        later = [s for s in starts if s > line]
        return (later[0] if later else front.end_line) - 1

    for name in SCALAR_FIELDS:
        value = getattr(front.front, name)
        if value is None:
            continue
        line = front.key_lines.get(name, 1)
        text = str(value)
        items.append(Item(name, name, 0, "field", text, line, block_end(line), fingerprint(text)))
    for name in LIST_FIELDS:
        values: tuple[str, ...] = getattr(front.front, name)
        key_line = front.key_lines.get(name, 1)
        entries = front.entry_lines.get(name) or [key_line] * len(values)
        end = block_end(key_line)
        for n, text in enumerate(values, start=1):
            start = entries[n - 1] if n - 1 < len(entries) else key_line
            stop = (
                (entries[n] - 1)
                if n < len(entries) and entries[n] > start
                else (start if start == key_line else end)
            )
            items.append(
                Item(f"{name}/{n}", name, n, "field_entry", text, start, max(start, stop), fingerprint(text))
            )
    return items


# Parsed documents by their exact text. A document is immutable and a function of
# its text alone, so the same text parses once: an operation parses the blob it
# stores (so replay sees what the write saw) right after the caller parsed the
# same text, and a review reads the same pinned versions again and again.
_PARSED: OrderedDict[str, SopDocument] = OrderedDict()
_PARSED_MAX = 1024


def parse(data: str | bytes, *, source: str = "<text>") -> SopDocument:
    """Parse an SOP; :class:`SopFormatError` naming ``source`` and the line if it breaks a rule."""
    if len(data) > MAX_BYTES:
        raise SopFormatError(
            "the file is larger than 4 MiB; an SOP is a few pages of text", source=source, line=1
        )
    text = _decode(data, source) if isinstance(data, bytes) else data
    doc = _PARSED.get(text)
    if doc is None:
        doc = _parse_text(text, source)
        _PARSED[text] = doc
        if len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return doc


def _parse_text(text: str, source: str) -> SopDocument:
    lines = split_lines(text)
    front_text, body_start = _split_front(lines, source)
    front = _front(front_text, source, body_start)
    sections: list[Section] = []
    items: list[Item] = _identity_items(front)
    # A heading may not take the name of an identity field ("# Records" would clash with records/1).
    slugs: dict[str, int] = dict.fromkeys((*LIST_FIELDS, *SCALAR_FIELDS), 1)
    current, ordinal = PREAMBLE, 0
    for block in body_blocks(lines, body_start):
        if isinstance(block, Section):
            base = slugify(block.title)
            slugs[base] = slugs.get(base, 0) + 1
            slug = base if slugs[base] == 1 else f"{base}-{slugs[base]}"
            sections.append(dataclasses.replace(block, slug=slug))
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
                cells=block.cells,
            )
        )
    if not any(not i.is_identity for i in items):
        raise SopFormatError(
            "the body has no steps: add a list, a table or a paragraph after the front matter",
            source=source,
            line=body_start + 1,
        )
    return SopDocument(
        text=text, front=front.front, sections=tuple(sections), items=tuple(items), body_start=body_start
    )


def load(path: Path | str) -> SopDocument:
    """Read and parse an SOP file."""
    from soplib.files import read_file

    return parse(read_file(path, limit=MAX_BYTES), source=str(path))
