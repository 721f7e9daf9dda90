"""Commands on SOPs themselves: init, add, update, list, show, history, diff."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from soplib.cli.main import SopCommand, by_option, json_option, open_store
from soplib.cli.output import DATE, diff_format_option, emit_diff, emit_json, empty, success, table
from soplib.i18n import N_, _
from soplib.labels import label


@click.command(cls=SopCommand)
@click.option("--language", type=click.Choice(["id", "en"]), help=N_("Language of the office's documents."))
@click.option(
    "--time-zone",
    metavar="ZONE",
    help=N_("The office's time zone (Asia/Jakarta, Asia/Makassar, Asia/Jayapura)."),
)
@click.option("--office-name", metavar="TEXT", help=N_("The office's name, printed on every document."))
@click.pass_context
def init(ctx: click.Context, language: str | None, time_zone: str | None, office_name: str | None) -> None:
    """Create a new, empty store (a bare git repository)."""
    from soplib.store import Store

    path = ctx.obj["store"]
    Store.init(path, language=language, time_zone=time_zone, office_name=office_name).close()
    success(_("created an empty SOP store at {path}", path=path))


@click.command(cls=SopCommand)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@by_option
@click.option("--message", "-m", default="", help=N_("Why these SOPs are added."))
@click.option(
    "--effective-date",
    type=DATE,
    help=N_("Date they take effect (default: today, in the office's time zone)."),
)
@click.pass_context
def add(
    ctx: click.Context, files: tuple[Path, ...], by: str, message: str, effective_date: date | None
) -> None:
    """Add new SOPs (version 1). Every file is validated first; all are added in one commit or none."""
    from soplib.documents.parse import load

    docs = [load(f) for f in files]
    for v in open_store(ctx).sops.add(docs, by=by, message=message, effective=effective_date):
        success(_("added {id} v{version}: {title}", id=v.id, version=v.version, title=v.document.title))


@click.command(cls=SopCommand)
@click.argument("file", type=click.Path(path_type=Path))
@by_option
@click.option("--message", "-m", required=True, help=N_("Why the SOP changed (required)."))
@click.option(
    "--base",
    type=click.IntRange(min=1),
    help=N_("The version the file was edited from (default: the one `sop show` wrote into it)."),
)
@click.option(
    "--effective-date",
    type=DATE,
    help=N_("Date it takes effect (default: today, in the office's time zone)."),
)
@click.option(
    "--editorial",
    metavar="REASON",
    help=N_(
        "Mark the change editorial (wording, typos): acknowledgements of the previous version carry over."
    ),
)
@click.pass_context
def update(
    ctx: click.Context,
    file: Path,
    by: str,
    message: str,
    base: int | None,
    effective_date: date | None,
    editorial: str | None,
) -> None:
    """Save a new version of an SOP directly, outside a review (recorded as 'update').

    The file must be edited from the current version: start from `sop show ID > FILE`,
    which writes the version into the file's first line.
    """
    from soplib.documents.parse import load
    from soplib.errors import InvalidInputError

    if editorial is not None and not editorial.strip():
        raise InvalidInputError("--editorial needs a reason, e.g. --editorial 'perbaikan salah ketik'")
    v = open_store(ctx).sops.update(
        load(file), by=by, message=message, base=base, effective=effective_date, editorial=editorial
    )
    note = _("; acknowledgements of the previous version carry over (editorial)") if editorial else ""
    success(_("saved {id} v{version}", id=v.id, version=v.version) + note)


@click.command("list", cls=SopCommand)
@json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """The SOP register: every SOP with its current version."""
    rows = open_store(ctx).sops.list()
    if as_json:
        emit_json([r.to_json() for r in rows])
        return
    if not rows:
        empty(_("the store has no SOPs yet; add them with `sop add FILE.md`"))
        return
    table(
        _("SOPs"),
        [_("id"), _("title"), _("unit"), _("version"), _("status"), _("effective")],
        [
            [r.id, r.title, r.unit, r.version, label("status", r.status), r.effective.isoformat()]
            for r in rows
        ],
    )


@click.command(cls=SopCommand)
@click.argument("sop_id")
@click.option(
    "--version", "-v", "version", type=click.IntRange(min=1), help=N_("Version (default: current).")
)
@click.option(
    "--raw", is_flag=True, help=N_("The stored bytes exactly, without the line naming the version.")
)
@json_option
@click.pass_context
def show(ctx: click.Context, sop_id: str, version: int | None, raw: bool, as_json: bool) -> None:
    """Print an SOP (Markdown, with a first line naming its version), or its metadata and items with
    --json.
    """
    store = open_store(ctx)
    if as_json:
        emit_json(store.sops.get(sop_id, version=version).to_json())
        return
    record = store.sops.record(sop_id)
    number = record.latest.version if version is None else version
    data = store.sops.text(sop_id, version=number)
    if not raw:
        from soplib.documents.sops import with_base

        data = with_base(data.decode("utf-8"), record.id, number).encode()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@click.command(cls=SopCommand)
@click.argument("sop_id")
@json_option
@click.pass_context
def history(ctx: click.Context, sop_id: str, as_json: bool) -> None:
    """Every version of an SOP: date, who, action, effective date, approver, commit, message."""
    store = open_store(ctx)
    versions = store.sops.history(sop_id)
    commits = {v.version: store.sops.commit_of(sop_id, v.version) for v in versions}
    if as_json:
        emit_json([{**v.to_json(), "commit": commits[v.version]} for v in versions])
        return
    table(
        _("History of {id}", id=sop_id),
        [
            _("version"), _("date"), _("by"), _("action"), _("effective"), _("approver"), _("commit"),
            _("message"),
        ],
        [
            [
                v.version, v.created.date().isoformat(), v.by, label("action", v.action),
                v.effective.isoformat(),
                v.approver.label() if v.approver else "", (commits[v.version] or "")[:10], v.message,
            ]
            for v in versions
        ],
    )  # fmt: skip


@click.command(cls=SopCommand)
@click.argument("sop_id")
@click.argument("v1", type=click.IntRange(min=1))
@click.argument("v2", type=click.IntRange(min=1))
@diff_format_option
@click.pass_context
def diff(
    ctx: click.Context, sop_id: str, v1: int, v2: int, fmt: str, output: Path | None, force: bool
) -> None:
    """Show what changed between two versions of an SOP (structural redline, unified, JSON or HTML)."""
    from soplib.documents.diff import structural, unified

    store = open_store(ctx)
    old, new = store.sops.get(sop_id, version=v1), store.sops.get(sop_id, version=v2)
    d = structural(old.document, new.document, old_label=f"v{v1}", new_label=f"v{v2}")
    emit_diff(
        [d],
        fmt=fmt,
        title=f"{sop_id}: v{v1} -> v{v2}",
        unified_text=unified(old.text, new.text, old_label=f"{sop_id} v{v1}", new_label=f"{sop_id} v{v2}"),
        output=output,
        force=force,
    )


COMMANDS = [init, add, update, list_, show, history, diff]
