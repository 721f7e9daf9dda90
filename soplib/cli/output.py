"""Talking to a person: tables and colour on a terminal, plain text when piped, JSON.

Only the CLI prints; the library never does. rich is imported lazily so that
``sop --help`` starts fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console


def console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    # highlight=False: never colour numbers or ids rich merely guesses at.
    return Console(stderr=stderr, highlight=False, soft_wrap=not sys.stdout.isatty())


def emit_json(value: Any) -> None:
    """Print ``value`` as indented JSON (UTF-8, keys in a stable order).

    Written in pieces as it is encoded, never as one string: a coverage report
    of 20,000 staff lists ~750,000 names (150 MB of JSON), and holding the text
    and its encoded bytes too would double the command's memory.
    """
    out = sys.stdout
    pending: list[str] = []
    for chunk in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(value):
        pending.append(chunk)
        if len(pending) >= 16384:
            out.write("".join(pending))
            pending.clear()
    pending.append("\n")
    out.write("".join(pending))


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table on a terminal; tab-separated lines with a header when piped."""
    if not sys.stdout.isatty():
        click.echo("\t".join(columns))
        for row in rows:
            click.echo("\t".join("" if v is None else str(v) for v in row))
        return
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    for col in columns:
        t.add_column(col)
    for row in rows:
        t.add_row(*("" if v is None else str(v) for v in row))
    console().print(t)


def success(message: str) -> None:
    """A one-line confirmation (green on a terminal)."""
    if sys.stdout.isatty():
        console().print(f"[green]{_escape(message)}[/green]")
    else:
        click.echo(message)


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
) -> None:
    """Print (or write to ``output``) structural diffs in ``fmt``: unified, text, json or html."""
    from soplib.render import render_html, render_json, render_text, text_lines

    if fmt == "unified":
        data = unified_text
    elif fmt == "json":
        data = json.dumps(render_json(diffs), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        data = render_html(diffs, title=title)
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
        data = render_text(diffs)
    if output is not None:
        output.write_text(data, encoding="utf-8")
        success(f"wrote {output}")
        return
    click.echo(data, nl=False)


def diff_format_option(f: Any) -> Any:
    """``--format unified|text|json|html`` and ``-o FILE`` for diff commands."""
    f = click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write to FILE instead of printing.",
    )(f)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["unified", "text", "json", "html"]),
        default="text",
        show_default=True,
        help="unified line diff, structural text redline, JSON (schema in docs/cli.md) or an HTML page.",
    )(f)
