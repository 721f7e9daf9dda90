"""``sop ack``, ``sop briefing create|attend|show|list``, ``sop coverage``, ``sop pending``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from soplib.cli.main import by_option, json_option, open_store
from soplib.cli.output import emit_json, success, table

if TYPE_CHECKING:
    from soplib.coverage import CoverageReport

# Outstanding names shown per SOP in the all-SOP table on a terminal; --json and
# a single SOP give everyone.
NAMES_SHOWN = 3


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


@click.command()
@click.argument("staff_id")
@click.argument("sop_id")
@click.option("--version", "-v", "version", type=click.IntRange(min=1), help="Must be the current version.")
@by_option
@json_option
@click.pass_context
def ack(ctx: click.Context, staff_id: str, sop_id: str, version: int | None, by: str, as_json: bool) -> None:
    """Record that STAFF_ID has read and understood the current version of SOP_ID."""
    from soplib.ack import acknowledge

    outcome = acknowledge(open_store(ctx), staff_id, sop_id, by=by, version=version)
    if as_json:
        emit_json(outcome.to_json())
        return
    who = f"{outcome.staff.id} ({outcome.staff.name})"
    if outcome.created:
        success(f"recorded: {who} acknowledged {sop_id} v{outcome.version} (record {outcome.record.seq})")
        return
    r = outcome.record
    via = f" through v{r.version}: {outcome.reason}" if outcome.reason else ""
    success(
        f"already there: {who} acknowledged {sop_id} v{outcome.version}{via} "
        f"on {r.at} ({r.how}); nothing written"
    )


@click.group()
def briefing() -> None:
    """Briefings (sosialisasi) and their attendance lists (daftar hadir)."""


@briefing.command()
@click.option("--title", required=True, help="What the briefing was, e.g. 'Sosialisasi SOP pelayanan'.")
@click.option("--date", "date", required=True, metavar="YYYY-MM-DD", help="The day it was held.")
@click.option(
    "--sops", required=True, metavar="ID,ID,...", help="The SOPs presented (their current versions)."
)
@by_option
@json_option
@click.pass_context
def create(ctx: click.Context, title: str, date: str, sops: str, by: str, as_json: bool) -> None:
    """Record a briefing; prints its id (use it with `sop briefing attend`)."""
    from soplib.briefing import create_briefing

    b = create_briefing(open_store(ctx), title=title, date=date, sops=sops.split(","), by=by)
    if as_json:
        emit_json(b.to_json())
        return
    click.echo(b.id)


@briefing.command()
@click.argument("briefing_id")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@by_option
@json_option
@click.pass_context
def attend(ctx: click.Context, briefing_id: str, file: Path, by: str, as_json: bool) -> None:
    """Record an attendance list (CSV with one column, id): one commit, all or nothing."""
    from soplib.briefing import record_attendance

    result = record_attendance(open_store(ctx), briefing_id, file, by=by)
    if as_json:
        emit_json(result.to_json())
        return
    success(
        f"briefing {briefing_id}: {len(result.new_attendees)} attendees added "
        f"({len(result.already_present)} already on the list), "
        f"{len(result.records)} acknowledgements recorded"
    )
    outside = [s for s in result.skipped if s.reason == "outside audience"]
    already = len(result.skipped) - len(outside)
    if already:
        click.echo(f"{already} acknowledgements were already there (no second record)")
    for s in outside:
        click.echo(f"skipped {s.sop} for {s.staff}: outside its audience")


@briefing.command()
@click.argument("briefing_id")
@json_option
@click.pass_context
def show(ctx: click.Context, briefing_id: str, as_json: bool) -> None:
    """The attendance list (daftar hadir) of a briefing."""
    from soplib.briefing import get_briefing

    b = get_briefing(open_store(ctx), briefing_id)
    if as_json:
        emit_json(b.to_json())
        return
    sops = ", ".join(f"{s.id} v{s.version}" for s in b.sops)
    click.echo(f"{b.id}  {b.title}  {b.date}  SOPs: {sops}")
    table(
        f"Daftar hadir {b.id}",
        ["no", "name", "id (NIP)", "unit", "position", "date", "SOPs"],
        [
            [i, a.name, a.id, a.unit, a.position, b.date, ", ".join(a.sops)]
            for i, a in enumerate(b.attendees, start=1)
        ],
    )


@briefing.command("list")
@json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """Every briefing, by date."""
    from soplib.briefing import list_briefings

    items = list_briefings(open_store(ctx))
    if as_json:
        emit_json([{**b.to_json(), "attendees": len(b.attendees)} for b in items])
        return
    table(
        "Briefings",
        ["id", "date", "title", "SOPs", "attendees"],
        [
            [b.id, b.date, b.title, ", ".join(f"{s.id} v{s.version}" for s in b.sops), len(b.attendees)]
            for b in items
        ],
    )


@click.command()
@click.argument("sop_id", required=False)
@click.option("--unit", help="Only people of this unit.")
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Coverage as it stood at the end of DATE: the version in force then, who had acknowledged it.",
)
@json_option
@click.pass_context
def coverage(
    ctx: click.Context, sop_id: str | None, unit: str | None, as_of: str | None, as_json: bool
) -> None:
    """Who has acknowledged the current version of each SOP: per SOP, per unit, overall."""
    from soplib.coverage import coverage as compute

    report = compute(open_store(ctx), sop_id, unit=unit, on=as_of)
    if as_json:
        emit_json(report.to_json())
        return
    print_coverage(report, every_name=sop_id is not None or not sys.stdout.isatty())


def print_coverage(report: CoverageReport, *, every_name: bool) -> None:
    """Coverage tables: per SOP (outstanding names, shortened unless ``every_name``), per unit, overall."""
    rows = []
    for s in report.sops:
        names = [p.name for p in s.outstanding]
        if not every_name and len(names) > NAMES_SHOWN:
            names = [*names[:NAMES_SHOWN], f"+{len(names) - NAMES_SHOWN} more"]
        rows.append(
            [
                s.id,
                f"v{s.version}",
                s.audience_size,
                s.acknowledged,
                len(s.outstanding),
                _pct(s.percent),
                s.carry_note,
                "; ".join(names),
            ]
        )
    title = "Coverage" + (f" (unit {report.unit_filter})" if report.unit_filter else "")
    if report.as_of is not None:
        title += f" as of {report.as_of.date}"
        click.echo(
            f"as of {report.as_of.date}: versions in force that day, records made by then "
            f"(commit {report.as_of.commit or 'none'})"
        )
    table(
        title, ["sop", "version", "audience", "acknowledged", "outstanding", "%", "carried over", "who"], rows
    )
    table(
        "Per unit",
        ["unit", "staff", "required", "acknowledged", "%"],
        [[u.unit, u.staff, u.required, u.acknowledged, _pct(u.percent)] for u in report.units],
    )
    click.echo(
        f"overall: {report.acknowledged} of {report.required} acknowledgements ({_pct(report.percent)})"
    )


@click.command()
@click.argument("staff_id")
@json_option
@click.pass_context
def pending(ctx: click.Context, staff_id: str, as_json: bool) -> None:
    """What STAFF_ID still has to acknowledge (current versions of the SOPs that apply to them)."""
    from soplib.coverage import pending as compute

    report = compute(open_store(ctx), staff_id)
    if as_json:
        emit_json(report.to_json())
        return
    p = report.staff
    click.echo(f"{p.id}  {p.name}  {p.position}, {p.unit}")
    table(
        "Still to acknowledge",
        ["sop", "version", "title"],
        [[s.id, f"v{s.version}", s.title] for s in report.pending],
    )
    carried = sum(1 for a in report.acknowledged if a.reason)
    click.echo(f"acknowledged: {len(report.acknowledged)} ({carried} carried over from an earlier version)")


COMMANDS = [ack, briefing, coverage, pending]
