"""Audit commands: ``sop audit verify|anchor|history|report|pack``, ``sop due|print|blame``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from soplib.cli.main import by_option, json_option, open_store
from soplib.cli.output import emit_json, outside_store, success, table

F = TypeVar("F", bound=Callable[..., Any])


@click.group()
def audit() -> None:
    """Integrity verification, anchors and history for auditors (docs/audit.md)."""


@audit.command()
@click.option(
    "--receipt",
    "receipts",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="An anchor receipt (from `sop audit anchor --out`) whose head must still be in the history.",
)
@click.option(
    "--head",
    "heads",
    multiple=True,
    metavar="COMMIT",
    help="A head recorded elsewhere (e.g. printed on a report) that must still be in the history.",
)
@click.option(
    "--allowed-signers",
    "allowed_signers",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Check signatures against this ssh allowed_signers file (the auditor's own copy).",
)
@click.option("--require-signatures", is_flag=True, help="A history without good signatures is a finding.")
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
    """Check the store's integrity; exit 1 and list the findings if anything is wrong."""
    from soplib.anchor import read_receipt
    from soplib.verify import verify

    recorded = [*heads, *(read_receipt(r) for r in receipts)]
    report = verify(
        open_store(ctx),
        recorded_heads=recorded,
        allowed_signers=allowed_signers,
        require_signatures=require_signatures,
    )
    if as_json:
        emit_json(report.to_json())
    elif report.ok:
        success(
            f"verified: {report.commits} commits, {report.sops} SOPs, {report.versions} versions, "
            f"{report.anchors} anchors, {report.signed_commits} signed commits, "
            f"{report.acknowledgements} acknowledgements; head {report.head}"
        )
    else:
        table(
            f"{len(report.findings)} findings (head {report.head})",
            ["kind", "subject", "message"],
            [[f.kind, f.subject, f.message] for f in report.findings],
        )
    if not report.ok:
        if not as_json:
            click.echo(f"error: the store did not verify ({len(report.findings)} findings)", err=True)
        sys.exit(1)


@audit.command()
@by_option
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=outside_store,
    help="Also write a receipt (JSON) to FILE (a new file); keep it outside the store.",
)
@json_option
@click.pass_context
def anchor(ctx: click.Context, by: str, out: Path | None, as_json: bool) -> None:
    """Record the current head so that a later rewrite of history is detected."""
    from soplib.anchor import anchor

    store = open_store(ctx)
    # Create the receipt first (never over an older receipt): a path that cannot be
    # written must fail before the anchor is made.
    handle = out.open("x", encoding="utf-8") if out is not None else None
    try:
        record = anchor(store, by=by)
    except BaseException:
        if handle is not None and out is not None:
            handle.close()
            out.unlink()
        raise
    receipt = {"store": str(store.path.resolve()), **record.to_json()}
    if handle is not None:
        with handle:
            handle.write(json.dumps(receipt, indent=2) + "\n")
    if as_json:
        emit_json(receipt)
        return
    success(f"anchor {record.number}: head {record.head} recorded by commit {record.commit}")
    if out is not None:
        click.echo(f"receipt written to {out}; keep it outside the store")


def as_of_option(what: str) -> Callable[[F], F]:
    """``--as-of DATE``: ``what`` as the record stood at the end of DATE."""
    return click.option(
        "--as-of", "as_of", metavar="YYYY-MM-DD", help=f"{what} as the record stood at the end of DATE."
    )


def new_file_options(what: str) -> Callable[[F], F]:
    """``-o/--output FILE`` (required, a new file) and ``--force`` (replace it)."""

    def decorate(f: F) -> F:
        f = click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")(f)
        return click.option(
            "-o",
            "--output",
            "output",
            required=True,
            type=click.Path(path_type=Path, dir_okay=False),
            callback=outside_store,
            help=f"The {what} to write (a new file unless --force).",
        )(f)

    return decorate


@audit.command("report")
@as_of_option("The report")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md", "json", "csv"]),
    default="html",
    show_default=True,
    help="html (self-contained page), md, json, or csv (the register, one row per SOP).",
)
@new_file_options("file")
@click.pass_context
def report(ctx: click.Context, as_of: str | None, fmt: str, output: Path, force: bool) -> None:
    """The audit report: register, sessions, A-E grade, coverage, overdue reviews, store head."""
    from soplib.report import audit_report, write_output
    from soplib.report_render import render_report

    result = audit_report(open_store(ctx), on=as_of)
    write_output(output, render_report(result, fmt).encode(), force=force)
    success(f"wrote {output} (grade {result.grade.letter}; store head {result.head})")


@audit.command("pack")
@as_of_option("The evidence")
@new_file_options("zip file")
@click.pass_context
def pack(ctx: click.Context, as_of: str | None, output: Path, force: bool) -> None:
    """The evidence pack (zip): SOPs before/after, redlines, worksheets, session records,
    attendance lists, coverage, and a SHA-256 manifest with the store head."""
    from soplib.errors import InvalidInputError
    from soplib.pack import build_pack
    from soplib.report import write_output

    if output.suffix.lower() != ".zip":
        raise InvalidInputError(f"{output}: the evidence pack is a zip file; give a name ending in .zip")
    data = build_pack(open_store(ctx), on=as_of)
    write_output(output, data, force=force)
    success(f"wrote {output} ({len(data)} bytes); check it with `sha256sum -c manifest.sha256` inside")


@audit.command("history")
@click.argument("sop_id")
@as_of_option("Show the record")
@json_option
@click.pass_context
def history_(ctx: click.Context, sop_id: str, as_of: str | None, as_json: bool) -> None:
    """Every version of an SOP: date, approver, session, decisions, effective date, status."""
    from soplib.audit import audit_history

    hist = audit_history(open_store(ctx), sop_id, on=as_of)
    if as_json:
        emit_json(hist.to_json())
        return
    title = f"{hist.id}: {hist.title} (on {hist.on}"
    title += f", record as of commit {(hist.as_of.commit or 'none')[:10]})" if hist.as_of else ")"
    table(
        title,
        [
            "version",
            "status",
            "date",
            "by",
            "action",
            "approved by",
            "session",
            "decisions",
            "effective",
            "acks",
        ],
        [
            [
                v.version,
                v.status,
                v.date,
                v.by,
                v.action,
                v.approved_by,
                v.session,
                _counts(v.decisions),
                v.effective_date,
                v.extra.get("acknowledgements", ""),
            ]
            for v in hist.versions
        ],
    )


def _counts(decisions: object) -> str:
    if not isinstance(decisions, dict):
        return ""
    return " ".join(f"{k} {decisions.get(k, 0)}" for k in ("kept", "removed", "replaced", "added"))


@click.command()
@click.option(
    "--within",
    "within",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    metavar="DAYS",
    help="Include reviews due within DAYS from today (overdue ones always).",
)
@json_option
@click.pass_context
def due(ctx: click.Context, within: int, as_json: bool) -> None:
    """SOPs whose periodic review (review_interval_months) is due or overdue."""
    from soplib.due import reviews_due

    rows = reviews_due(open_store(ctx), within_days=within)
    if as_json:
        emit_json([r.to_json() for r in rows])
        return
    table(
        f"Periodic reviews due within {within} days",
        ["id", "title", "version", "counted from", "months", "due", "days left"],
        [
            [r.id, r.title, r.version, r.counted_from, r.interval_months, r.due_date, r.days_left]
            for r in rows
        ],
    )


@click.command("print")
@click.argument("sop_id")
@click.option("--version", "-v", "version", type=click.IntRange(min=1), help="Version (default: current).")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    callback=outside_store,
    help="The HTML file to write.",
)
@click.pass_context
def print_(ctx: click.Context, sop_id: str, version: int | None, output: Path) -> None:
    """Write one SOP in the SOP AP layout as a self-contained HTML page (print it to PDF)."""
    from soplib.printout import print_html

    page = print_html(open_store(ctx), sop_id, version=version)
    output.write_text(page, encoding="utf-8")
    success(f"wrote {output}")


@click.command()
@click.argument("sop_id")
@click.option("--version", "-v", "version", type=click.IntRange(min=1), help="Version (default: current).")
@json_option
@click.pass_context
def blame(ctx: click.Context, sop_id: str, version: int | None, as_json: bool) -> None:
    """For every item of a version: the version and decision that introduced its text."""
    from soplib.blame import blame as blame_

    result = blame_(open_store(ctx), sop_id, version=version)
    if as_json:
        emit_json(result.to_json())
        return
    table(
        f"{result.id} v{result.version}: {result.title}",
        ["item", "version", "origin", "session", "date", "by", "reason", "text"],
        [
            [
                i.key,
                i.source.version,
                i.source.origin,
                i.source.session,
                i.source.date[:10],
                i.source.by,
                i.source.reason,
                i.text,
            ]
            for i in result.items
        ],
    )


COMMANDS = [audit, due, print_, blame]
