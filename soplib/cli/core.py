"""Commands on SOPs themselves: init, add, update, list, show, history, diff."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from soplib.cli.main import by_option, json_option, open_store
from soplib.cli.output import diff_format_option, emit_diff, emit_json, success, table


@click.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create a new, empty store (a bare git repository)."""
    from soplib import Store

    path = ctx.obj["store"]
    Store.init(path).close()
    success(f"created an empty SOP store at {path}")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@by_option
@click.option("--message", "-m", default="", help="Why these SOPs are added.")
@click.option("--effective-date", metavar="YYYY-MM-DD", help="Date they take effect (default: today).")
@click.pass_context
def add(
    ctx: click.Context, files: tuple[Path, ...], by: str, message: str, effective_date: str | None
) -> None:
    """Add new SOPs (version 1). Every file is validated first; all are added in one commit or none."""
    from soplib import load, parse_date

    docs = [load(f) for f in files]
    store = open_store(ctx)
    added = store.add(docs, by=by, message=message, effective_date=parse_date(effective_date))
    for v in added:
        success(f"added {v.id} v{v.version}: {v.document.title}")


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@by_option
@click.option("--message", "-m", required=True, help="Why the SOP changed (required).")
@click.option("--effective-date", metavar="YYYY-MM-DD", help="Date it takes effect (default: today).")
@click.option(
    "--editorial",
    metavar="REASON",
    help="Mark the change editorial (wording, typos): acknowledgements of the previous version carry over.",
)
@click.pass_context
def update(
    ctx: click.Context, file: Path, by: str, message: str, effective_date: str | None, editorial: str | None
) -> None:
    """Save a new version of an SOP directly, without a review session (recorded as 'update')."""
    from soplib import InvalidInputError, load, parse_date

    if editorial is not None and not editorial.strip():
        raise InvalidInputError("--editorial needs a reason, e.g. --editorial 'perbaikan salah ketik'")
    store = open_store(ctx)
    v = store.update(
        load(file), by=by, message=message, effective_date=parse_date(effective_date), editorial=editorial
    )
    note = "; acknowledgements of the previous version carry over (editorial)" if editorial else ""
    success(f"saved {v.id} v{v.version}{note}")


@click.command("list")
@json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """The SOP register: every SOP with its current version."""
    rows = open_store(ctx).sops()
    if as_json:
        emit_json([r.to_json() for r in rows])
        return
    table(
        "SOPs",
        ["id", "title", "unit", "version", "status", "effective"],
        [[r.id, r.title, r.unit, r.version, r.status, r.effective_date] for r in rows],
    )


@click.command()
@click.argument("sop_id")
@click.option("--version", "-v", "version", type=click.IntRange(min=1), help="Version (default: current).")
@json_option
@click.pass_context
def show(ctx: click.Context, sop_id: str, version: int | None, as_json: bool) -> None:
    """Print an SOP exactly as stored (Markdown), or its metadata and items with --json."""
    store = open_store(ctx)
    if as_json:
        emit_json(store.get(sop_id, version=version).to_json())
        return
    data = store.text(sop_id, version=version)
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@click.command()
@click.argument("sop_id")
@json_option
@click.pass_context
def history(ctx: click.Context, sop_id: str, as_json: bool) -> None:
    """Every version of an SOP: date, who, action, message, commit."""
    entries = open_store(ctx).history(sop_id)
    if as_json:
        emit_json([e.to_json() for e in entries])
        return
    table(
        f"History of {sop_id}",
        ["version", "date", "by", "action", "effective", "commit", "message"],
        [
            [e.version, e.date, e.by, e.action, e.effective_date, (e.commit or "")[:10], e.message]
            for e in entries
        ],
    )


@click.command()
@click.argument("sop_id")
@click.argument("v1", type=click.IntRange(min=1))
@click.argument("v2", type=click.IntRange(min=1))
@diff_format_option
@click.pass_context
def diff(ctx: click.Context, sop_id: str, v1: int, v2: int, fmt: str, output: Path | None) -> None:
    """Show what changed between two versions of an SOP (structural redline, unified, JSON or HTML)."""
    from soplib import structural, unified

    store = open_store(ctx)
    old, new = store.get(sop_id, version=v1), store.get(sop_id, version=v2)
    d = structural(old.document, new.document, old_label=f"v{v1}", new_label=f"v{v2}")
    emit_diff(
        [d],
        fmt=fmt,
        title=f"{sop_id}: v{v1} -> v{v2}",
        unified_text=unified(old.text, new.text, old_label=f"{sop_id} v{v1}", new_label=f"{sop_id} v{v2}"),
        output=output,
    )


COMMANDS = [init, add, update, list_, show, history, diff]
