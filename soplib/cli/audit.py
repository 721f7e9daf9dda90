"""Audit commands: ``sop audit verify|anchor|history|report|pack``, ``sop due|print|blame``."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import click

from soplib.cli.evidence import acks
from soplib.cli.main import SopCommand, SopSubGroup, by_option, json_option, open_store
from soplib.cli.output import (
    DATE,
    document_language,
    emit_json,
    empty,
    output_options,
    success,
    table,
    write_file,
)
from soplib.i18n import N_, _
from soplib.labels import label


@click.group(cls=SopSubGroup)
def audit() -> None:
    """Integrity verification, anchors and history for auditors (docs/audit.md)."""


audit.add_command(acks)


@audit.command()
@click.option(
    "--receipt",
    "receipts",
    multiple=True,
    type=click.Path(path_type=Path),
    help=N_("An anchor receipt (from `sop audit anchor --out`) whose head must still be in the history."),
)
@click.option(
    "--head",
    "heads",
    multiple=True,
    metavar="COMMIT",
    help=N_("A head recorded elsewhere (e.g. printed on a report) that must still be in the history."),
)
@click.option(
    "--allowed-signers",
    "allowed_signers",
    type=click.Path(path_type=Path),
    help=N_(
        "Check signatures against this ssh allowed_signers file (the auditor's own copy; principals are "
        "staff ids)."
    ),
)
@click.option(
    "--require-signatures", is_flag=True, help=N_("Every commit must carry a good signature by its actor.")
)
@json_option
@click.pass_context
def verify(
    ctx: click.Context,
    receipts: tuple[Path, ...],
    heads: tuple[str, ...],
    allowed_signers: Path | None,
    require_signatures: bool,
    as_json: bool,
) -> None:
    """Replay and check the whole store; exit 1 and list the findings if anything is wrong."""
    from soplib.audit.anchors import read_receipt
    from soplib.files import read_file

    recorded = [*heads, *(read_receipt(read_file(r, limit=1 << 20), name=str(r)) for r in receipts)]
    report = open_store(ctx).audit.verify(
        recorded_heads=recorded, allowed_signers=allowed_signers, require_signatures=require_signatures
    )
    if as_json:
        emit_json(report.to_json())
    elif report.ok:
        success(
            _(
                "verified: {commits} commits ({replayed} replayed), {sops} SOPs, {versions} versions, "
                "{anchors} anchors, "
                "{signed} signed commits, {acks} acknowledgements; head {head}",
                commits=report.commits,
                replayed=report.replayed,
                sops=report.sops,
                versions=report.versions,
                anchors=report.anchors,
                signed=report.signed_commits,
                acks=report.acknowledgements,
                head=report.head,
            )
        )
    else:
        table(
            _("{n} findings (head {head})", n=len(report.findings), head=report.head),
            [_("kind"), _("subject"), _("message")],
            [[f.kind, f.subject, f.message] for f in report.findings],
        )
    if not report.ok:
        if not as_json:
            click.echo(_("error: the store did not verify ({n} findings)", n=len(report.findings)), err=True)
        sys.exit(1)


@audit.command()
@by_option
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    help=N_("Also write a receipt (JSON) to FILE (a new file); keep it outside the store."),
)
@json_option
@click.pass_context
def anchor(ctx: click.Context, by: str, out: Path | None, as_json: bool) -> None:
    """Record the current head so that a later rewrite of history is detected."""
    from soplib.audit.anchors import receipt
    from soplib.cli.output import outside_store
    from soplib.errors import InvalidInputError, RefusedError

    if out is not None:
        outside_store(ctx, click.Option(["--out"]), out)
        # Checked before the anchor is made: a receipt is never overwritten, and an
        # anchor whose receipt cannot be written would be recorded without one.
        if out.exists():
            raise RefusedError(
                "{path} already exists; a receipt is never overwritten, give a new file name", path=out
            )
        if not out.parent.is_dir():
            raise InvalidInputError(
                "folder {folder} does not exist; create it or give another path", folder=out.parent
            )
    store = open_store(ctx)
    record = store.audit.anchor(by=by)
    data = receipt(record, store.path.resolve())
    if out is not None:
        from soplib.files import write_output

        write_output(out, (json.dumps(data, indent=2) + "\n").encode())
    if as_json:
        emit_json(data)
        return
    success(
        _(
            "anchor {id}: head {head} recorded by commit {commit}",
            id=record.id,
            head=record.head,
            commit=record.commit,
        )
    )
    if out is not None:
        click.echo(_("receipt written to {path}; keep it outside the store", path=out))


@audit.command("report")
@click.option(
    "--as-of", "as_of", type=DATE, help=N_("The report as the record stood at the end of DATE (office time).")
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html", "md", "json", "csv"]),
    help=N_("pdf, html, md, json or csv (default: from the file name's extension, else html)."),
)
@output_options(required=True)
@click.pass_context
def report(ctx: click.Context, as_of: date | None, fmt: str | None, output: Path, force: bool) -> None:
    """The audit report: register, sessions, A-E grade, coverage, overdue reviews, store head; as PDF, HTML,
    Markdown (translated), JSON or CSV (machine-readable).
    """
    from soplib.outputs.from_store import office_profile
    from soplib.outputs.report_render import render_report_bytes, report_format

    fmt = fmt or report_format(output.name)
    store = open_store(ctx)
    result = store.audit.report(as_of=as_of)
    office = office_profile(store, snapshot=store.snapshot(result.head) if result.head else None)
    data = render_report_bytes(result, fmt, language=document_language(), office=office)
    write_file(output, data, force=force)
    click.echo(_("grade {grade}; store head {head}", grade=result.grade.letter, head=result.head))


@audit.command("pack")
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    help=N_("The evidence as the record stood at the end of DATE (office time)."),
)
@output_options(required=True)
@click.pass_context
def pack(ctx: click.Context, as_of: date | None, output: Path, force: bool) -> None:
    """The evidence pack (zip): the audit report, minutes, worksheets, attendance and acknowledgement
    lists, SOPs before and after, as PDF beside JSON and CSV, an index page, and a SHA-256 manifest
    with the store head."""
    if output.suffix.lower() != ".zip":
        raise click.BadParameter(
            _("{path}: the evidence pack is a zip file; give a name ending in .zip", path=output)
        )
    data = open_store(ctx).audit.pack(as_of=as_of, language=document_language())
    write_file(output, data, force=force)
    click.echo(_("{n} bytes; check it with `sha256sum -c manifest.sha256` inside", n=len(data)))


@audit.command("history")
@click.argument("sop_id")
@click.option(
    "--as-of", "as_of", type=DATE, help=N_("The record as it stood at the end of DATE (office time).")
)
@json_option
@click.pass_context
def history_(ctx: click.Context, sop_id: str, as_of: date | None, as_json: bool) -> None:
    """Every version of an SOP: date, approver, session, decisions, effective date, status."""
    hist = open_store(ctx).audit.history(sop_id, as_of=as_of)
    if as_json:
        emit_json(hist.to_json())
        return
    on, as_of_commit = _("on"), _("record as of commit")
    title = f"{hist.id}: {hist.title} ({on} {hist.on.isoformat()}"
    title += f", {as_of_commit} {(hist.as_of.commit or '-')[:10]})" if hist.as_of else ")"
    table(
        title,
        [
            _("version"), _("status"), _("date"), _("by"), _("action"), _("approved by"), _("session"),
            _("decisions"), _("effective"), _("acks"),
        ],
        [
            [
                v.version, label("status", v.status), v.created.date().isoformat(), v.by,
                label("action", v.action),
                v.approver.label() if v.approver else "", v.session or "", _counts(v.decisions),
                v.effective_date.isoformat(), v.acknowledgements,
            ]
            for v in hist.versions
        ],
    )  # fmt: skip
    if hist.declared:
        click.echo(
            _(
                "declared on import (as the importer stated, before soplib): {facts}",
                facts=_declared(hist.declared),
            )
        )
    if hist.last_kept:
        click.echo(
            _(
                "last evaluated and kept unchanged: {day} in session {session}",
                day=hist.last_kept.date.isoformat(),
                session=hist.last_kept.session,
            )
        )


def _declared(declared: Mapping[str, object]) -> str:
    parts = []
    for key in ("made", "revision", "effective"):
        if declared.get(key) is not None:
            parts.append(f"{key} {declared[key]}")
    ratified = declared.get("ratified_by")
    if isinstance(ratified, dict):
        parts.append(
            f"ratified by {ratified.get('name')}"
            + (f" ({ratified.get('position')})" if ratified.get("position") else "")
        )
    return ", ".join(parts) or "-"


def _counts(decisions: object) -> str:
    if not isinstance(decisions, dict):
        return ""
    return " ".join(f"{k} {decisions.get(k, 0)}" for k in ("kept", "removed", "replaced", "added"))


@click.command(cls=SopCommand)
@click.option(
    "--within", "within", type=click.IntRange(min=0), default=30, show_default=True, metavar="DAYS",
    help=N_("Include reviews due within DAYS from today (overdue ones always)."),
)  # fmt: skip
@json_option
@click.pass_context
def due(ctx: click.Context, within: int, as_json: bool) -> None:
    """SOPs whose periodic review (review_interval_months) is due or overdue."""
    rows = open_store(ctx).audit.due(within_days=within)
    if as_json:
        emit_json([r.to_json() for r in rows])
        return
    if not rows:
        empty(_("no periodic review is due within {days} days, and none is overdue", days=within))
        return
    table(
        _("Periodic reviews due within {days} days", days=within),
        [_("id"), _("title"), _("version"), _("counted from"), _("months"), _("due"), _("days left")],
        [
            [
                r.id,
                r.title,
                r.version,
                r.counted_from.isoformat(),
                r.interval_months,
                r.due_date.isoformat(),
                r.days_left,
            ]
            for r in rows
        ],
    )


@click.command("print", cls=SopCommand)
@click.argument("sop_id")
@click.option(
    "--version", "-v", "version", type=click.IntRange(min=1), help=N_("Version (default: current).")
)
@output_options(required=True)
@click.pass_context
def print_(ctx: click.Context, sop_id: str, version: int | None, output: Path, force: bool) -> None:
    """Print one SOP in the SOP AP layout (PermenPAN-RB 35/2012) as FILE.pdf or FILE.html, with its
    flowchart.
    """
    from soplib.outputs import output_format, print_sop
    from soplib.outputs.from_store import print_input_from_store

    fmt = output_format(output)  # refused before anything is read or written
    data = print_input_from_store(open_store(ctx), sop_id, version=version, language=document_language())
    write_file(output, print_sop(data, fmt), force=force)


@click.command(cls=SopCommand)
@click.argument("sop_id")
@click.option(
    "--version", "-v", "version", type=click.IntRange(min=1), help=N_("Version (default: current).")
)
@json_option
@click.pass_context
def blame(ctx: click.Context, sop_id: str, version: int | None, as_json: bool) -> None:
    """For every item of a version: the version and decision that introduced its text."""
    result = open_store(ctx).sops.blame(sop_id, version=version)
    if as_json:
        emit_json(result.to_json())
        return
    table(
        f"{result.id} v{result.version}: {result.title}",
        [_("item"), _("version"), _("origin"), _("session"), _("date"), _("by"), _("reason"), _("text")],
        [
            [
                i.key,
                i.source.version,
                label("origin", i.source.origin),
                i.source.session or "",
                i.source.date.date().isoformat(),
                i.source.by,
                i.source.reason or "",
                i.text,
            ]
            for i in result.items
        ],
    )


COMMANDS = [audit, due, print_, blame]
