"""CSV files a person hands in (staff lists, attendance lists): checked strictly.

Spreadsheets export CSV in many shapes, so the rules are narrow and every
refusal names the file, the row (as the spreadsheet numbers it: the header is
row 1) and the column, so the person can fix it and try again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from soplib.document import read_file
from soplib.errors import InvalidInputError

Row = dict[str, str]


def read_source(source: Path | str | bytes) -> tuple[bytes, str]:
    """The bytes of ``source`` (a path or the content itself) and a name for messages."""
    if isinstance(source, bytes):
        return source, "<csv>"
    return read_file(source), str(source)


def _decode(data: bytes, name: str) -> str:
    try:
        # utf-8-sig: spreadsheet programs often start the file with a byte-order mark.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise InvalidInputError(
            f"{name}: row {row}: not UTF-8 text (byte {exc.start}); save the file as 'CSV UTF-8'"
        ) from None


def read_rows(data: bytes, *, name: str, columns: Sequence[str]) -> list[tuple[int, Row]]:
    """The rows of a CSV whose header has exactly ``columns`` (any order).

    Returns ``(row number, {column: stripped value})`` for every non-blank row;
    an unknown, missing or repeated column, a row with the wrong number of
    cells or a control character refuses the whole file.

    >>> read_rows(b"id\\n1980\\n", name="a.csv", columns=["id"])
    [(2, {'id': '1980'})]
    """
    text = _decode(data, name)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInputError(f"{name} is empty; the first row must be: {','.join(columns)}") from None
    except csv.Error as exc:
        raise InvalidInputError(f"{name}: row 1: not valid CSV ({exc})") from None
    expected = ",".join(columns)
    for col in header:
        if col not in columns:
            raise InvalidInputError(
                f"{name}: row 1: unknown column {col!r}; the header must be exactly {expected}"
            )
        if header.count(col) > 1:
            raise InvalidInputError(f"{name}: row 1: column {col!r} appears twice")
    missing = [c for c in columns if c not in header]
    if missing:
        raise InvalidInputError(
            f"{name}: row 1: missing column {missing[0]!r}; the header must be {expected}"
        )
    rows: list[tuple[int, Row]] = []
    try:
        for cells in reader:
            number = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise InvalidInputError(
                    f"{name}: row {number}: {len(cells)} cells but the header has {len(header)}; "
                    "quote values that contain commas"
                )
            row = {col: cell.strip() for col, cell in zip(header, cells, strict=True)}
            for col, value in row.items():
                # C0 and C1 controls (U+009B is a terminal's escape sequence introducer).
                if any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in value):
                    raise InvalidInputError(f"{name}: row {number}, column {col}: control character in value")
            rows.append((number, row))
    except csv.Error as exc:
        raise InvalidInputError(f"{name}: row {reader.line_num}: not valid CSV ({exc})") from None
    if not rows:
        raise InvalidInputError(f"{name} has a header but no rows")
    return rows
