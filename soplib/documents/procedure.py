"""The procedure of an SOP as steps in the SOP AP columns (docs/format.md, "The procedure table").

A document's body holds its procedure as a GFM table or a list. This module
reads each table or list into a :class:`Procedure`: its columns recognised by
their header (number, activity, actors, the *mutu baku* columns, notes), and
one :class:`Step` per row or list item with its actors, its flowchart symbol
and, for a decision, the steps its *Ya* and *Tidak* branches lead to. Printing
(the SOP AP layout, the flowchart) and Word export read the procedure from
here, so a document means the same thing in every output.

    >>> [p.kind for p in procedures(doc)]
    ['list', 'table']
    >>> step = procedures(doc)[1].steps[0]
    >>> step.activity, step.actors, step.symbol
    ('Mengajukan formulir', ('Peminjam',), 'start')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from soplib.documents.blocks import split_cells, unescape_cell
from soplib.documents.model import Item, SopDocument

Role = Literal[
    "number", "activity", "actor", "actors", "inputs", "time", "output", "notes", "symbol", "other"
]
Symbol = Literal["start", "end", "process", "decision", "document"]

# Header text (normalised: lower case, letters and digits only) -> role.
_ROLES: dict[str, Role] = {
    **dict.fromkeys(("no", "nomor", "nomer", ""), "number"),
    **dict.fromkeys(("kegiatan", "uraiankegiatan", "aktivitas", "activity", "activities"), "activity"),
    **dict.fromkeys(("pelaksana", "actor", "actors"), "actors"),
    **dict.fromkeys(
        (
            "kelengkapan",
            "persyaratan",
            "persyaratankelengkapan",
            "kelengkapanpersyaratan",
            "inputs",
            "input",
            "requirements",
        ),
        "inputs",
    ),
    **dict.fromkeys(("waktu", "time"), "time"),
    **dict.fromkeys(("output", "hasil", "keluaran", "outputs"), "output"),
    **dict.fromkeys(("keterangan", "notes", "note", "remarks", "ket"), "notes"),
    **dict.fromkeys(("simbol", "symbol"), "symbol"),
}
# `Pelaksana: Kepala Subbagian` / `Actor: Head of unit`: one column per actor.
_ACTOR_COLUMN = re.compile(r"^\s*(?:pelaksana|actor)\s*:\s*(?P<name>\S.*?)\s*$", re.IGNORECASE)
_SYMBOL_WORDS: dict[str, Symbol] = {
    **dict.fromkeys(("mulai", "start", "begin"), "start"),
    **dict.fromkeys(("selesai", "end", "finish", "stop"), "end"),
    **dict.fromkeys(("proses", "process"), "process"),
    **dict.fromkeys(("keputusan", "decision", "putusan"), "decision"),
    **dict.fromkeys(("dokumen", "document"), "document"),
}
_FIRST_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# `ya 5`, `ya: 5`, `yes->5`, `tidak → 3`: a branch word and the step number it leads to.
_BRANCH = re.compile(r"\b(ya|yes|tidak|no)\b\s*(?::|=|->|→|ke|to)?\s*([0-9]{1,4}[a-z]?)", re.IGNORECASE)
_ACTOR_SPLIT = re.compile(r"\s*[,/;]\s*|\s+dan\s+|\s+and\s+")


def normalise_header(text: str) -> str:
    """A header cell as lower-case ASCII letters and digits.

    >>> normalise_header("Uraian  Kegiatan:")
    'uraiankegiatan'
    """
    folded = unicodedata.normalize("NFKD", text).lower()
    return "".join(ch for ch in folded if ch.isalnum() and ch.isascii())


@dataclass(frozen=True)
class Column:
    """One column of a procedure table: its header as written and the role it plays."""

    header: str
    role: Role
    actor: str | None = None  # for a per-actor column: the position it stands for


def column_of(header: str) -> Column:
    """The :class:`Column` a header cell names (``other`` when it is not one of the SOP AP columns)."""
    text = unescape_cell(header).strip()
    match = _ACTOR_COLUMN.match(text)
    if match:
        return Column(text, "actor", match.group("name"))
    return Column(text, _ROLES.get(normalise_header(text), "other"))


@dataclass(frozen=True)
class Step:
    """One step of a procedure, in the SOP AP columns.

    ``yes`` and ``no`` are indexes into :attr:`Procedure.steps` (decisions only).
    """

    key: str
    number: str
    activity: str
    actors: tuple[str, ...]
    symbol: Symbol
    yes: int | None = None
    no: int | None = None
    inputs: str = ""
    time: str = ""
    output: str = ""
    notes: str = ""
    other: tuple[str, ...] = ()


@dataclass(frozen=True)
class Procedure:
    """A list or table of a document read as steps."""

    kind: Literal["table", "list"]
    section: str
    title: str
    columns: tuple[Column, ...]
    actors: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def has_actor_columns(self) -> bool:
        """True when actors are named (a ``Pelaksana`` column or one column per actor)."""
        return any(c.role in ("actor", "actors") for c in self.columns)

    @property
    def other_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.role == "other")


def _symbol_word(text: str) -> Symbol | None:
    match = _FIRST_WORD.search(text)
    return _SYMBOL_WORDS.get(match.group().lower()) if match else None


def _branches(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for word, target in _BRANCH.findall(text):
        out.setdefault("yes" if word.lower() in ("ya", "yes") else "no", target.lower())
    return out


def table_header(doc: SopDocument, first_row: Item) -> list[str]:
    """The header cells of the table whose first body row is ``first_row`` ([] if there is none)."""
    index = first_row.start_line - 3  # header line, delimiter line, then the first body row
    lines = doc.lines
    return split_cells(lines[index].rstrip("\r\n")) if index >= doc.body_start else []


def runs(items: Sequence[Item]) -> Iterator[list[Item]]:
    """Consecutive items of one kind and section that form one block (one list, one table)."""
    run: list[Item] = []
    for item in items:
        last = run[-1] if run else None
        if last and (
            item.kind != last.kind or item.section != last.section or item.start_line > last.end_line + 2
        ):
            yield run
            run = []
        run.append(item)
    if run:
        yield run


def _default_symbols(count: int, activities: Sequence[str]) -> list[Symbol]:
    out: list[Symbol] = []
    for i in range(count):
        if activities[i].rstrip().endswith("?"):
            out.append("decision")
        elif i == 0:
            out.append("start")
        elif i == count - 1:
            out.append("end")
        else:
            out.append("process")
    return out


def _resolve(numbers: Sequence[str], target: str | None) -> int | None:
    if target is None:
        return None
    for i, number in enumerate(numbers):
        if number.lower().rstrip(".") == target:
            return i
    return None


@dataclass
class _Row:
    key: str
    cells: dict[Role, str]
    actors: list[str]
    stated: Symbol | None
    branch_text: str
    other: list[str]


def _table_rows(doc: SopDocument, run: list[Item], columns: list[Column]) -> list[_Row]:
    rows = []
    for item in run:
        cells = list(item.cells)
        cells += [""] * (len(columns) - len(cells))
        by_role: dict[Role, str] = {}
        actors: list[str] = []
        stated: Symbol | None = None
        branch_text = ""
        other: list[str] = []
        for column, cell in zip(columns, cells, strict=False):
            if column.role == "actor":
                if cell.strip():
                    actors.append(column.actor or column.header)
                    stated = stated or _symbol_word(cell) or "process"
                    branch_text += " " + cell
            elif column.role == "actors":
                actors += [a for a in _ACTOR_SPLIT.split(cell.strip()) if a]
            elif column.role == "symbol":
                stated = _symbol_word(cell) or stated
                branch_text += " " + cell
            elif column.role == "other":
                other.append(cell.strip())
            else:
                by_role[column.role] = cell.strip()
        # A mark that names no symbol ("x", "v") leaves the default in place.
        if stated == "process" and not any(
            _symbol_word(c) == "process"
            for col, c in zip(columns, cells, strict=False)
            if col.role == "actor"
        ):
            stated = None
        rows.append(_Row(item.key, by_role, actors, stated, branch_text, other))
    return rows


def _procedure_from_rows(
    kind: Literal["table", "list"], section: str, title: str, columns: list[Column], rows: list[_Row]
) -> Procedure:
    activities = [r.cells.get("activity", "") for r in rows]
    defaults = _default_symbols(len(rows), activities)
    numbers = [r.cells.get("number", "") or str(i + 1) for i, r in enumerate(rows)]
    steps = []
    for i, row in enumerate(rows):
        symbol = row.stated or defaults[i]
        yes = no = None
        if symbol == "decision":
            targets = _branches(row.branch_text)
            yes = _resolve(numbers, targets.get("yes"))
            no = _resolve(numbers, targets.get("no"))
            if yes is None and i + 1 < len(rows):
                yes = i + 1
            if no is None and i > 0:
                no = i - 1
        steps.append(
            Step(
                key=row.key,
                number=row.cells.get("number", ""),
                activity=activities[i],
                actors=tuple(row.actors),
                symbol=symbol,
                yes=yes,
                no=no,
                inputs=row.cells.get("inputs", ""),
                time=row.cells.get("time", ""),
                output=row.cells.get("output", ""),
                notes=row.cells.get("notes", ""),
                other=tuple(row.other),
            )
        )
    actors: list[str] = [c.actor or c.header for c in columns if c.role == "actor"]
    for step in steps:
        actors += [a for a in step.actors if a not in actors]
    return Procedure(kind, section, title, tuple(columns), tuple(actors), tuple(steps))


def _list_number(item: Item) -> str:
    return item.marker.rstrip(".)") if item.marker[:1].isdigit() else ""


def procedures(doc: SopDocument) -> list[Procedure]:
    """Every table and list of ``doc`` read as a :class:`Procedure`, in document order."""
    titles = {s.slug: s.title for s in doc.sections}
    out = []
    for run in runs(doc.body_items):
        first = run[0]
        title = titles.get(first.section, "")
        if first.kind == "table_row":
            columns = [column_of(h) for h in table_header(doc, first)]
            out.append(
                _procedure_from_rows("table", first.section, title, columns, _table_rows(doc, run, columns))
            )
        elif first.kind == "list_item":
            rows = [
                _Row(i.key, {"activity": i.text, "number": _list_number(i)}, [], None, "", []) for i in run
            ]
            out.append(_procedure_from_rows("list", first.section, title, [], rows))
    return out
