"""Talking to a person: tables and colour on a terminal, plain text when piped, JSON.

Only the CLI prints; the library never does. rich is imported lazily so that
``sop --help`` starts fast.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from soplib.i18n import N_, _

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:
    from rich.console import Console


def console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    # highlight=False: never colour numbers or ids rich merely guesses at.
    return Console(stderr=stderr, highlight=False, soft_wrap=not sys.stdout.isatty())


def emit_json(value: Any) -> None:
    """Print ``value`` as indented JSON (UTF-8), exactly as ``json.dumps(indent=2)`` lays it out.

    Written in pieces as it is encoded, never as one string, and faster than
    the standard encoder (which, with indentation, is pure Python and yields
    every comma and key as a separate piece): a coverage report of 20,000 staff
    lists ~750,000 people, 140 MB of JSON, in a third of the time and a fifth
    of the memory.
    """
    writer = _JsonWriter(sys.stdout)
    writer.value(value, 0)
    writer.pieces.append("\n")
    writer.flush()


class _JsonWriter:
    """JSON with ``json.dumps(indent=2, ensure_ascii=False)``'s exact layout, written in batches."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.pieces: list[str] = []

    def flush(self) -> None:
        self.out.write("".join(self.pieces))
        self.pieces.clear()

    def value(self, value: Any, level: int) -> None:
        if isinstance(value, dict):
            self._object(value, level)
        elif isinstance(value, list | tuple):
            self._array(value, level)
        else:
            self.pieces.append(_scalar(value))

    def _object(self, value: dict[Any, Any], level: int) -> None:
        if not value:
            self.pieces.append("{}")
            return
        pieces, encode = self.pieces, _encode_str
        first, comma = "{\n" + "  " * (level + 1), ",\n" + "  " * (level + 1)
        for key, item in value.items():
            head = first + encode(_key(key)) + ": "
            first = comma
            if isinstance(item, str):  # most values: one piece, no call
                pieces.append(head + encode(item))
            else:
                pieces.append(head)
                self.value(item, level + 1)
        pieces.append("\n" + "  " * level + "}")
        if len(pieces) > 16384:
            self.flush()

    def _array(self, value: list[Any] | tuple[Any, ...], level: int) -> None:
        if not value:
            self.pieces.append("[]")
            return
        first, comma = "[\n" + "  " * (level + 1), ",\n" + "  " * (level + 1)
        if set(map(type, value)) == {str}:  # a list of ids or names: encoded and joined in C
            self.pieces.append(first + comma.join(map(_encode_str, value)) + "\n" + "  " * level + "]")
            return
        for item in value:
            self.pieces.append(first)
            first = comma
            self.value(item, level + 1)
            if len(self.pieces) > 16384:
                self.flush()
        self.pieces.append("\n" + "  " * level + "]")


_encode_str: Any = json.encoder.encode_basestring  # the C version when available, as json.dumps uses


def _scalar(value: Any) -> str:
    # In the order, and with the spellings, of json.encoder's own checks.
    if isinstance(value, str):
        return str(_encode_str(value))
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float | int | bool) or key is None:
        return _scalar(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def shown(value: Any, *, lines: bool = False) -> str:
    """``value`` as text for a person: control characters (terminal escape sequences,
    tabs, line separators) become spaces, so text from a document or a CSV file can
    neither drive the terminal nor break a tab-separated line. ``lines``: keep ``\\n``.
    """
    text = "" if value is None else str(value)
    return "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") and not (lines and ch == "\n") else ch
        for ch in text
    )


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table on a terminal; tab-separated lines with a header when piped."""
    if not sys.stdout.isatty():
        click.echo("\t".join(columns))
        for row in rows:
            click.echo("\t".join(shown(v) for v in row))
        return
    from rich.table import Table
    from rich.text import Text

    t = Table(title=Text(shown(title)) if title else None, title_justify="left")
    for col in columns:
        t.add_column(col)
    for row in rows:
        # Text, not str: a value like "[red]" is shown as typed, never read as rich markup.
        t.add_row(*(Text(shown(v, lines=True)) for v in row))
    console().print(t)


def success(message: str) -> None:
    """A one-line confirmation (green on a terminal)."""
    if sys.stdout.isatty():
        console().print(f"[green]{_escape(shown(message))}[/green]")
    else:
        click.echo(shown(message))


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


_DIFF_STYLES = {
    "header": "bold",
    "dim": "dim",
    "kept": "",
    "removed": "red",
    "added": "green",
    "changed": "yellow",
    "moved": "cyan",
    "delete": "bold red strike",
    "insert": "bold green underline",
}


def emit_diff(
    diffs: Sequence[Any],
    *,
    fmt: str,
    title: str,
    unified_text: str,
    output: Path | None = None,
    force: bool = False,
) -> None:
    """Print (or write to ``output``) structural diffs in ``fmt``: unified, text, json or html."""
    from soplib.outputs.redline import redline_html, redline_json, redline_text, text_lines

    if fmt == "unified":
        data = unified_text
    elif fmt == "json":
        data = json.dumps(redline_json(diffs), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        data = redline_html(diffs, title=title)
    elif output is None and sys.stdout.isatty():
        from rich.text import Text

        out = console()
        for line in text_lines(diffs):
            text = Text()
            for style, part in line:
                text.append(part, style=_DIFF_STYLES.get(style, ""))
            out.print(text)
        return
    else:
        data = redline_text(diffs)
    if output is not None:
        write_file(output, data.encode(), force=force)
        return
    click.echo(data, nl=False)


def write_file(path: Path, data: bytes, *, force: bool) -> None:
    """Write an output file whole (or not at all) and say so."""
    from soplib.errors import RefusedError
    from soplib.files import write_output

    if path.exists() and not path.is_dir() and not force:
        raise RefusedError(
            "{path} already exists; give a new file name, or add --force to replace it", path=path
        )
    write_output(path, data, force=force)
    success(_("wrote {path}", path=path))


def document_language() -> str:
    """The language of a document the command writes (a print, a report, a pack).

    ``--lang``/``$SOP_LANG``, else the office profile's language, else ``id``
    (set by the ``sop`` group; see ``soplib.cli.main._language``).
    """
    meta = click.get_current_context().meta
    return str(meta.get("soplib.document_language", "id"))


def empty(message: str) -> None:
    """What an empty result says instead of a bare table header (on stderr when piped, so data stays
    clean).
    """
    if sys.stdout.isatty():
        console().print(f"[dim]{_escape(message)}[/dim]")
    else:
        click.echo(message, err=True)


def outside_store(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Click callback for output files: refuse one inside the store (it would damage the record).

    The path is resolved first, so a symlink or ``..`` pointing into the store is refused too.
    """
    if value is None:
        return None
    store = Path(ctx.find_root().obj["store"])
    try:
        target, root = value.resolve(), store.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise click.BadParameter(_("cannot resolve {path}: {reason}", path=value, reason=exc)) from None
    if target == root or root in target.parents:
        raise click.BadParameter(
            _(
                "{path} is inside the store {store}; write it somewhere outside the store",
                path=value,
                store=store,
            )
        )
    return value


def output_options(*, required: bool = False) -> Callable[[F], F]:
    """``-o FILE`` (outside the store) and ``--force`` (replace an existing file): the one rule for
    outputs.
    """

    def decorate(f: F) -> F:
        f = click.option(
            "--force",
            is_flag=True,
            help=N_("Replace FILE if it exists (otherwise an existing file is refused)."),
        )(f)
        return click.option(
            "--output",
            "-o",
            required=required,
            metavar="FILE",
            type=click.Path(path_type=Path),
            callback=outside_store,
            help=N_("Write to FILE (a new file; --force to replace one)."),
        )(f)

    return decorate


def diff_format_option(f: Any) -> Any:
    """``--format unified|text|json|html`` and ``-o FILE`` for diff commands."""
    f = output_options()(f)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["unified", "text", "json", "html"]),
        default="text",
        show_default=True,
        help=N_("unified line diff, structural text redline, JSON (schema in docs/cli.md) or an HTML page."),
    )(f)


class DateType(click.ParamType):  # type: ignore[type-arg]
    """``YYYY-MM-DD``, as a ``datetime.date``; anything else is a usage error (exit 2)."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return (
                date.fromisoformat(str(value).strip())
                if len(str(value).strip()) == 10
                else date.fromisoformat("x")
            )
        except ValueError:
            self.fail(
                _("{value} is not a date: use YYYY-MM-DD, e.g. 2026-01-31", value=repr(value)), param, ctx
            )


DATE = DateType()
