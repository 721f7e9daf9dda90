"""Talking to a person: tables and colour on a terminal, plain text when piped, JSON.

Only the CLI prints; the library never does. rich is imported lazily so that
``sop --help`` starts fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console


def console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    # highlight=False: never colour numbers or ids rich merely guesses at.
    return Console(stderr=stderr, highlight=False, soft_wrap=not sys.stdout.isatty())


def emit_json(value: Any) -> None:
    """Print ``value`` as indented JSON (UTF-8, keys in a stable order)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


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
