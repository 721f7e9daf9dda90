"""The identity part of an SOP AP document (*bagian identitas*) read from its Word table(s).

Two layouts are read, often in the same document: rows of ``label | value``
(Nomor SOP, Tanggal Pembuatan, ..., Disahkan oleh, Nama SOP; a ``:`` cell
between them is skipped), and a grid of label rows over value rows (Dasar
Hukum | Kualifikasi Pelaksana, then their values). A cell that is neither a
label nor the value of one (the office's logo and name) is reported, not
guessed at.

    >>> identity = Identity()
    >>> identity.read(grid, words, report, table=1)
    >>> identity.front["title"], identity.declared["made"]
    ('Peminjaman Barang Milik Negara', datetime.date(2019, 3, 1))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sop_store import validate_doc_id
from soplib.errors import InvalidInputError
from soplib.i18n import _
from soplib.word.cells import CellContent, WordText
from soplib.word.grid import distinct
from soplib.word.labels import field_of, find_dates, interval_months, revision_number
from soplib.word.report import Collector

LIST_FIELDS = ("legal_basis", "qualifications", "equipment", "warnings", "records")
_EMPTY = re.compile(r"^[\s\-–—_.:/]*$|^(?:n/?a|tidak ada|none)$", re.IGNORECASE)
_MARKER = re.compile(r"^\s*(?:\d{1,3}[.)]|[a-z][.)]|[-•*▪●○◦–])\s+", re.IGNORECASE)
_NIP = re.compile(r"^(?:NIP|NRP|NIK|ID)\.?\s*[:.]?\s*([0-9][0-9 ]{5,30}[0-9]|[A-Za-z0-9./-]{3,40})$", re.I)
_BARE_NIP = re.compile(r"^[0-9][0-9 ]{16,24}[0-9]$")
# "Ditetapkan di Mataram", "pada tanggal ...", "Disahkan oleh,": the block's opening words, not its signer.
_LEAD = re.compile(
    r"^(?:ditetapkan|disahkan|pada\s+tanggal|mengesahkan|mengetahui|menyetujui|approved|ratified)\b", re.I
)
_SIGN_MARK = re.compile(
    r"^\(?\s*(?:ttd|t\.t\.d|tertanda|tanda\s*tangan|signed|signature|\$\{?\w*\}?|[.…_\-]+)\s*\.?\)?$", re.I
)


def entries(lines: tuple[str, ...] | list[str]) -> list[str]:
    """A list cell's entries: one per marked line (``1.``, ``-``, ``•``), else one per line.

    An unmarked line after a marked one continues that entry (a long title wrapped by hand).
    """
    clean = [line.strip() for line in lines if line.strip()]
    if not any(_MARKER.match(line) for line in clean):
        return [line for line in clean if not _EMPTY.match(line)]
    out: list[str] = []
    for line in clean:
        if _MARKER.match(line) or not out:
            out.append(_MARKER.sub("", line, count=1).strip())
        else:
            out[-1] = f"{out[-1]} {line}"
    return [e for e in out if e and not _EMPTY.match(e)]


def ratifier(lines: tuple[str, ...]) -> dict[str, str]:
    """Position, name and NIP from the lines of a *Disahkan oleh* cell or signature block."""
    kept = [line.strip() for line in lines if line.strip() and not _SIGN_MARK.match(line.strip())]
    kept = [
        line
        for line in kept
        if not (_LEAD.match(line) or line.endswith(":") or (find_dates(line) and len(line) < 60))
    ]
    nip, at = None, len(kept)
    for i, line in enumerate(kept):
        m = _NIP.match(line)
        if m or _BARE_NIP.match(line):
            nip, at = (m.group(1) if m else line).replace(" ", ""), i
            break
    before = kept[:at]
    if not before:
        return {}
    out = {"name": before[-1]}
    if len(before) > 1:
        out["position"] = " ".join(before[:-1]).rstrip(",")
    if nip and not _EMPTY.match(nip):
        out["nip"] = nip
    return out


@dataclass
class Identity:
    """Identity fields gathered from every identity table of a document (first value wins)."""

    front: dict[str, Any] = field(default_factory=dict)
    declared: dict[str, Any] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    def read(self, grid: list[list[Any]], words: WordText, report: Collector, *, table: int) -> None:
        cache: dict[int, CellContent] = {}

        def content(tc: Any) -> CellContent:
            if id(tc) not in cache:
                cache[id(tc)] = words.cell(tc)
            return cache[id(tc)]

        used: list[Any] = []
        for r, row in enumerate(grid):
            cells = distinct(row)
            for k, (_col, tc) in enumerate(cells):
                if any(tc is u for u in used):  # already read as the value of a label
                    continue
                label, inline = _label(content(tc))
                name = field_of(label) if label else None
                if name is None:
                    continue
                used.append(tc)
                where = f"table {table}, row {r + 1}, cell {k + 1}"
                value_tc = None
                if inline:
                    value = CellContent((inline,), ())
                else:
                    value_tc, where = _value_cell(grid, r, cells, k, content, table)
                    value = content(value_tc) if value_tc is not None else CellContent((), ())
                    if value_tc is not None:
                        used.append(value_tc)
                self._take(name, label, value, where, report)
        for r, row in enumerate(grid):
            for k, (_col, tc) in enumerate(distinct(row)):
                if any(tc is u for u in used):
                    continue
                used.append(tc)  # a cell merged over several rows is reported once
                c = content(tc)
                if c.text.strip():
                    report.dropped(
                        "cell", f"table {table}, row {r + 1}, cell {k + 1}",
                        _("not an identity label or its value (the office's name or logo?)"), c.text,
                    )  # fmt: skip
                for s in c.shapes:
                    report.dropped(
                        s.kind, f"table {table}, row {r + 1}, cell {k + 1}",
                        _("pictures and drawings are not kept (a logo or stamp is printed from the office)"),
                    )  # fmt: skip

    def _take(self, name: str, label: str, value: CellContent, where: str, report: Collector) -> None:
        if value.lines and value.lines[0].lstrip().startswith(":"):  # ": 04/SOP/..." typed in the value
            value = CellContent((value.lines[0].lstrip()[1:].strip(), *value.lines[1:]), value.shapes)
        text = value.text.strip()
        if name in self.seen:
            if text:
                report.dropped(
                    "row", where, _("a second '{label}' row; the first one is kept", label=label), text
                )
            return
        self.seen.add(name)
        for s in value.shapes:
            report.dropped(s.kind, where, _("a picture or drawing (signature, stamp) is not kept"))
        if not text or _EMPTY.match(text):
            return
        taken = _parse(name, value, text)
        if taken is None:
            report.dropped(
                "value",
                where,
                _("'{label}': no value understood (dates as 3 Desember 2026)", label=label),
                text,
            )
            return
        target, result = taken
        if target.startswith("declared."):
            key = target.removeprefix("declared.")
            self.declared[key] = result
            if (
                key == "revised"
                and (n := revision_number(text)) is not None
                and "revision" not in self.declared
            ):
                self.declared["revision"] = n
        elif target == "related":
            self._related(result, where, report)
            return
        else:
            self.front[target] = result
        report.mapped(target, where, _show(result))

    def _related(self, items: list[str], where: str, report: Collector) -> None:
        ids = []
        for item in items:
            candidate = item.strip().upper()
            try:
                validate_doc_id(candidate)
            except InvalidInputError:
                report.dropped(
                    "entry", where,
                    _("'related' holds SOP ids only; add it by id once that SOP is in the store"), item,
                )  # fmt: skip
                continue
            ids.append(candidate)
        if ids:
            self.front["related"] = ids
            report.mapped("related", where, ", ".join(ids))


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _label(c: CellContent) -> tuple[str, str]:
    """A cell's label, and the value written after ``:`` in the same cell (``Nomor SOP: 04/SOP``)."""
    if not c.lines:
        return "", ""
    first = c.lines[0].strip()
    if field_of(first):
        return first, "\n".join(c.lines[1:]).strip()
    head, sep, tail = first.partition(":")
    if sep and field_of(head):
        return head.strip(), "\n".join([tail, *c.lines[1:]]).strip()
    return first, ""


def _value_cell(
    grid: list[list[Any]], r: int, cells: list[tuple[int, Any]], k: int, content: Any, table: int
) -> tuple[Any, str]:
    def is_label(tc: Any) -> bool:
        return bool(field_of(_label(content(tc))[0]))

    # A row of labels over a row of values (the Dasar Hukum | Kualifikasi grid) ...
    col = cells[k][0]
    below = grid[r + 1][col] if r + 1 < len(grid) else None
    value_below = below is not None and below is not cells[k][1] and not is_label(below)
    # ... else the value is to the right in the same row, a ":" cell skipped; a cell that reads
    # like a label is still the value when nothing under the label is one (a title "Evaluasi").
    for j in range(k + 1, len(cells)):
        tc = cells[j][1]
        text = content(tc).text.strip()
        if text == ":":
            continue
        if text and is_label(tc) and value_below:
            break
        return tc, f"table {table}, row {r + 1}, cell {j + 1}"
    if value_below:
        index = next(i for i, (_c, tc) in enumerate(distinct(grid[r + 1])) if tc is below)
        return below, f"table {table}, row {r + 2}, cell {index + 1}"
    return None, f"table {table}, row {r + 1}"


def _parse(name: str, value: CellContent, text: str) -> tuple[str, Any] | None:
    if name in ("title", "number", "unit"):
        return name, " ".join(line.strip() for line in value.lines if line.strip())
    if name in LIST_FIELDS or name in ("audience_units", "audience_positions"):
        items = entries(value.lines)
        return (name, items) if items else None
    if name == "related":
        items = entries(value.lines)
        return (name, items) if items else None
    if name in ("made", "effective"):
        dates = find_dates(text)
        return (f"declared.{name}", dates[0]) if dates else None
    if name == "revised":
        dates = find_dates(text)
        return ("declared.revised", dates) if dates else None
    if name == "revision":
        n = revision_number(text)
        return ("declared.revision", n) if n is not None and n <= 999 else None
    if name == "ratified_by":
        who = ratifier(value.lines)
        return ("declared.ratified_by", who) if who else None
    if name == "review_interval_months":
        months = interval_months(text)
        return (name, months) if months and 1 <= months <= 120 else None
    return None
