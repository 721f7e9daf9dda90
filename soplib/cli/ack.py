"""``sop ack``, ``sop briefing ...``, ``sop coverage``, ``sop pending``: internalisation."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from soplib.cli.evidence import attendance
from soplib.cli.main import SopCommand, SopSubGroup, by_option, json_option, open_store
from soplib.cli.output import DATE, emit_json, empty, success, table
from soplib.i18n import N_, _

if TYPE_CHECKING:
    from soplib.people.coverage import CoverageReport

# How many outstanding names a coverage row shows on a terminal (all when piped or for one SOP).
NAMES_SHOWN = 5


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


@click.command(cls=SopCommand)
@click.argument("staff_id")
@click.argument("sop_id")
@click.option(
    "--version", "-v", "version", type=click.IntRange(min=1), help=N_("Must be the current version.")
)
@by_option
@json_option
@click.pass_context
def ack(ctx: click.Context, staff_id: str, sop_id: str, version: int | None, by: str, as_json: bool) -> None:
    """Record that STAFF_ID has read and understood the current version of SOP_ID."""
    outcome = open_store(ctx).acks.record(staff_id, sop_id, by=by, version=version)
    if as_json:
        emit_json(outcome.to_json())
        return
    who = f"{outcome.staff.id} ({outcome.staff.name})"
    if outcome.created:
        success(
            _(
                "recorded: {who} acknowledged {sop} v{version} (record {seq})",
                who=who,
                sop=sop_id,
                version=outcome.version,
                seq=outcome.record.seq,
            )
        )
        return
    r = outcome.record
    via = (
        _(" through v{version}: {reason}", version=r.version, reason=outcome.reason) if outcome.reason else ""
    )
    success(
        _(
            "already there: {who} acknowledged {sop} v{version}{via} on {day} ({how}); nothing written",
            who=who,
            sop=sop_id,
            version=outcome.version,
            via=via,
            day=r.at.date().isoformat(),
            how=r.how,
        )
    )


@click.group(cls=SopSubGroup)
def briefing() -> None:
    """Briefings (sosialisasi) and their attendance lists (daftar hadir)."""


briefing.add_command(attendance)


@briefing.command()
@click.option("--title", required=True, help=N_("What the briefing was, e.g. 'Sosialisasi SOP pelayanan'."))
@click.option("--date", "day", required=True, type=DATE, help=N_("The day it was held."))
@click.option(
    "--sops", required=True, metavar="ID,ID,...", help=N_("The SOPs presented (their current versions).")
)
@by_option
@json_option
@click.pass_context
def create(ctx: click.Context, title: str, day: date, sops: str, by: str, as_json: bool) -> None:
    """Record a briefing; prints its id (use it with `sop briefing attend`)."""
    b = open_store(ctx).briefings.create(title=title, day=day, sops=sops.split(","), by=by)
    if as_json:
        emit_json(b.to_json())
        return
    click.echo(b.id)


@briefing.command()
@click.argument("briefing_id")
@click.argument("file", type=click.Path(path_type=Path))
@by_option
@json_option
@click.pass_context
def attend(ctx: click.Context, briefing_id: str, file: Path, by: str, as_json: bool) -> None:
    """Record an attendance list (CSV with an id or NIP column; other columns ignored): all or nothing."""
    result = open_store(ctx).briefings.attend(briefing_id, file, by=by)
    if as_json:
        emit_json(result.to_json())
        return
    success(
        _(
            "briefing {id}: {added} attendees added ({present} already on the list), {records} "
            "acknowledgements recorded",
            id=briefing_id,
            added=len(result.new_attendees),
            present=len(result.already_present),
            records=len(result.records),
        )
    )
    outside = [s for s in result.skipped if s.reason == "outside audience"]
    already = len(result.skipped) - len(outside)
    if already:
        click.echo(_("{n} acknowledgements were already there (no second record)", n=already))
    for s in outside:
        click.echo(_("skipped {sop} for {staff}: outside its audience", sop=s.sop, staff=s.staff))


@briefing.command()
@click.argument("briefing_id")
@json_option
@click.pass_context
def show(ctx: click.Context, briefing_id: str, as_json: bool) -> None:
    """The attendance list (daftar hadir) of a briefing."""
    b = open_store(ctx).briefings.get(briefing_id)
    if as_json:
        emit_json(b.to_json())
        return
    sops = ", ".join(f"{s.id} v{s.version}" for s in b.sops)
    click.echo(f"{b.id}  {b.title}  {b.date.isoformat()}  SOP: {sops}")
    if not b.attendees:
        empty(_("nobody recorded yet; record the list with `sop briefing attend {id} FILE.csv`", id=b.id))
        return
    table(
        _("Attendance list {id}", id=b.id),
        [_("no"), _("name"), _("id (NIP)"), _("unit"), _("position"), _("SOPs")],
        [
            [i, a.name, a.id, a.unit, a.position, ", ".join(a.sops)]
            for i, a in enumerate(b.attendees, start=1)
        ],
    )


@briefing.command("list")
@json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """Every briefing, by date."""
    items = open_store(ctx).briefings.list()
    if as_json:
        emit_json([b.to_json() for b in items])
        return
    if not items:
        empty(_("no briefings recorded yet"))
        return
    table(
        _("Briefings"),
        [_("id"), _("date"), _("title"), _("SOPs"), _("attendees")],
        [
            [
                b.id,
                b.date.isoformat(),
                b.title,
                ", ".join(f"{s.id} v{s.version}" for s in b.sops),
                len(b.attendees),
            ]
            for b in items
        ],
    )


@click.command(cls=SopCommand)
@click.argument("sop_id", required=False)
@click.option("--unit", help=N_("Only people of this unit."))
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    help=N_(
        "As it stood at the end of DATE (office time): the version in force then, who had acknowledged it."
    ),
)
@json_option
@click.pass_context
def coverage(
    ctx: click.Context, sop_id: str | None, unit: str | None, as_of: date | None, as_json: bool
) -> None:
    """Who has acknowledged the version in force of each SOP: per SOP, per unit, overall."""
    report = open_store(ctx).acks.coverage(sop_id, unit=unit, as_of=as_of)
    if as_json:
        emit_json(report.to_json())
        return
    print_coverage(report, every_name=sop_id is not None or not sys.stdout.isatty())


def print_coverage(report: CoverageReport, *, every_name: bool) -> None:
    """Coverage tables: per SOP (outstanding names, shortened unless ``every_name``), per unit, overall."""
    if report.as_of is not None and not report.as_of.existed:
        empty(_("the store did not exist yet at the end of {day}", day=report.as_of.date.isoformat()))
        return
    rows = []
    for s in report.sops:
        names = [report.staff[i].name for i in s.outstanding]
        if not every_name and len(names) > NAMES_SHOWN:
            names = [*names[:NAMES_SHOWN], _("+{n} more", n=len(names) - NAMES_SHOWN)]
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
    title = _("Coverage") + (f" ({report.unit})" if report.unit else "")
    if report.as_of is not None:
        title += " " + _("as of {day}", day=report.as_of.date.isoformat())
    if not rows:
        empty(_("no SOP in force needs acknowledging"))
    else:
        table(
            title,
            [
                _("sop"),
                _("version"),
                _("audience"),
                _("acknowledged"),
                _("outstanding"),
                "%",
                _("carried over"),
                _("who"),
            ],
            rows,
        )
        table(
            _("Per unit"),
            [_("unit"), _("staff"), _("required"), _("acknowledged"), "%"],
            [[u.unit, u.staff, u.required, u.acknowledged, _pct(u.percent)] for u in report.units],
        )
    click.echo(
        _(
            "overall: {done} of {required} acknowledgements ({pct})",
            done=report.acknowledged,
            required=report.required,
            pct=_pct(report.percent),
        )
    )


@click.command(cls=SopCommand)
@click.argument("staff_id")
@json_option
@click.pass_context
def pending(ctx: click.Context, staff_id: str, as_json: bool) -> None:
    """What STAFF_ID still has to acknowledge (current versions of the SOPs that apply to them)."""
    report = open_store(ctx).acks.pending(staff_id)
    if as_json:
        emit_json(report.to_json())
        return
    p = report.staff
    click.echo(f"{p.id}  {p.name}  {p.position}, {p.unit}")
    if report.pending:
        table(
            _("Still to acknowledge"),
            [_("sop"), _("version"), _("title")],
            [[s.id, f"v{s.version}", s.title] for s in report.pending],
        )
    else:
        empty(_("nothing outstanding: every SOP that applies to them is acknowledged"))
    carried = sum(1 for a in report.acknowledged if a.carried_over)
    click.echo(
        _(
            "acknowledged: {n} ({carried} carried over from an earlier version)",
            n=len(report.acknowledged),
            carried=carried,
        )
    )


COMMANDS = [ack, briefing, coverage, pending]
