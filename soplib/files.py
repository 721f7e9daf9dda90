"""Files a person hands in or asks for: read with bounds, CSV read strictly and written safely, outputs
written whole.

- :func:`read_file`: a regular file only (``/dev/zero`` or a FIFO would be read
  forever), at most ``limit`` bytes.
- :func:`read_rows`: a CSV as spreadsheets export it (comma or semicolon, a
  byte-order mark, Indonesian or English headers); every refusal names the
  file, the row (the header is row 1) and the column.
- :func:`csv_bytes`: CSV for people's spreadsheets, with every text cell that a
  spreadsheet would run as a formula neutralised (OWASP: a leading ``'``).
- :func:`write_output`: the named file, complete or not at all: written to a
  temporary file beside it and renamed into place, so a failure (a full disk,
  a size limit) leaves any earlier file untouched and no partial one.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from soplib.errors import InvalidInputError, Phrase, RefusedError

Row = dict[str, str]
DEFAULT_LIMIT = 64 * 1024 * 1024


def read_file(path: Path | str, *, limit: int = DEFAULT_LIMIT) -> bytes:
    """The bytes of a file a person named; refuses a folder, a device, a pipe, or more than ``limit``
    bytes.
    """
    path = Path(path)
    try:
        if not path.is_file():
            what = (
                Phrase("a folder")
                if path.is_dir()
                else Phrase("not a regular file")
                if path.exists()
                else Phrase("missing")
            )
            raise InvalidInputError(
                "cannot read {path}: {what}; give the path of a file", path=path, what=what
            )
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InvalidInputError(
            "cannot read {path}: {reason}", path=path, reason=exc.strerror or exc
        ) from exc
    if len(data) > limit:
        raise InvalidInputError(
            "{path} is larger than {limit} bytes; give a smaller file", path=path, limit=limit
        )
    return data


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
            "{name}: row {row}: not UTF-8 text (byte {byte}); save the file as 'CSV UTF-8'",
            name=name,
            row=row,
            byte=exc.start,
        ) from None


def _header_key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


def read_rows(
    data: bytes,
    *,
    name: str,
    columns: Sequence[str],
    aliases: Mapping[str, str] | None = None,
    extra_ok: bool = False,
) -> list[tuple[int, Row]]:
    """The rows of a CSV whose header names ``columns`` (any order, any case, or an alias of each).

    Comma or semicolon separated (Indonesian-locale spreadsheets write ``;``).
    Returns ``(row number, {column: stripped value})`` for every non-blank row.
    A missing or repeated column, a row with the wrong number of cells or a
    control character refuses the whole file; an unknown column too, unless
    ``extra_ok`` (then it is ignored).

    >>> aliases = {"nip": "id", "nama": "name"}
    >>> read_rows(b"NIP;Nama\\n1980;Ani\\n", name="a.csv", columns=["id", "name"], aliases=aliases)
    [(2, {'id': '1980', 'name': 'Ani'})]
    """
    text = _decode(data, name)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    known = {_header_key(c): c for c in columns} | {_header_key(a): c for a, c in (aliases or {}).items()}
    expected = ",".join(columns)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInputError(
            "{name} is empty; the first row must be: {columns}", name=name, columns=expected
        ) from None
    except csv.Error as exc:
        raise InvalidInputError("{name}: row 1: not valid CSV ({reason})", name=name, reason=exc) from None
    mapped: list[str | None] = []
    for col in header:
        target = known.get(_header_key(col))
        if target is None and not extra_ok:
            raise InvalidInputError(
                "{name}: row 1: unknown column {col}; the header must name {columns} (comma or semicolon "
                "separated)",
                name=name,
                col=repr(col),
                columns=expected,
            )
        if target is not None and target in mapped:
            raise InvalidInputError("{name}: row 1: column {col} appears twice", name=name, col=repr(col))
        mapped.append(target)
    missing = [c for c in columns if c not in mapped]
    if missing:
        raise InvalidInputError(
            "{name}: row 1: missing column {col}; the header must name {columns}",
            name=name,
            col=repr(missing[0]),
            columns=expected,
        )
    rows: list[tuple[int, Row]] = []
    try:
        for cells in reader:
            number = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise InvalidInputError(
                    "{name}: row {row}: {n} cells but the header has {m}; quote values that contain {sep}",
                    name=name,
                    row=number,
                    n=len(cells),
                    m=len(header),
                    sep=Phrase("semicolons") if delimiter == ";" else Phrase("commas"),
                )
            row = {col: cell.strip() for col, cell in zip(mapped, cells, strict=True) if col is not None}
            for col, value in row.items():
                # C0 and C1 controls (U+009B is a terminal's escape sequence introducer).
                if any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in value):
                    raise InvalidInputError(
                        "{name}: row {row}, column {col}: control character in value",
                        name=name,
                        row=number,
                        col=col,
                    )
            rows.append((number, row))
    except csv.Error as exc:
        raise InvalidInputError(
            "{name}: row {row}: not valid CSV ({reason})", name=name, row=reader.line_num, reason=exc
        ) from None
    if not rows:
        raise InvalidInputError("{name} has a header but no rows", name=name)
    return rows


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text starting with ``= + - @`` tab or CR gets a leading ``'``.

    Numbers are left as they are (``-3`` days left is a number, not a formula).

    >>> safe_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A CSV file (UTF-8, ``\\n``) with every text cell neutralised by :func:`safe_cell`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([[safe_cell("" if c is None else c) for c in row] for row in rows])
    return buf.getvalue().encode()


def write_output(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to exactly ``path``, whole or not at all.

    A new file; over an existing one only with ``force``. The bytes go to a
    temporary file in the same folder, renamed over ``path`` once complete: a
    failure leaves an earlier file as it was and no partial file.
    """
    if path.is_dir():
        raise InvalidInputError("{path} is a folder; give a file name", path=path)
    if path.exists() and not path.is_file():
        # A device, a pipe, a socket: renaming over it would replace it (run as root, --force over
        # /dev/null turned it into a file and broke every program that opens it, git and ssh too).
        raise InvalidInputError(
            "{path} is not a regular file (a device or a pipe); give a file name", path=path
        )
    folder = path.parent
    if not folder.is_dir():
        raise InvalidInputError(
            "folder {folder} does not exist; create it or give another path", folder=folder
        )
    if path.exists() and not force:
        raise RefusedError("{path} already exists; give a new file name, or force to replace it", path=path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if not force and path.exists():
            raise RefusedError(
                "{path} already exists; give a new file name, or force to replace it", path=path
            )
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InvalidInputError(
                "cannot write {path}: {reason}", path=path, reason=exc.strerror or exc
            ) from exc
        raise
