"""``sop review ...``: review sessions from the command line (docs/review.md explains the workflow)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from soplib.cli.evidence import minutes, worksheet
from soplib.cli.main import SopSubGroup, by_option, json_option, open_store
from soplib.cli.output import DATE, emit_json, success
from soplib.cli.review_run import run
from soplib.cli.review_views import diff_, list_, log, status
from soplib.i18n import N_, _
from soplib.labels import label

if TYPE_CHECKING:
    from datetime import date

    from soplib.review.session import Review

# The evaluation options, in worksheet order: option name -> library criterion name.
CRITERION_OPTIONS = {
    "drives-performance": "drives_performance",
    "easy-to-understand": "easy_to_understand",
    "easy-to-carry-out": "easy_to_carry_out",
    "roles-clear": "roles_clear",
    "solves-problems": "solves_problems",
    "meets-needs": "meets_needs",
    "fits-other-sops": "fits_other_sops",
}


def _session(ctx: click.Context, session_id: str) -> Review:
    return open_store(ctx).reviews.get(session_id)


def _team(value: str) -> dict[str, str]:
    team: dict[str, str] = {}
    for part in value.split(","):
        person, _sep, role = part.strip().partition(":")
        if not person:
            raise click.UsageError(
                _("--team {value}: give ID[:ROLE] entries separated by commas", value=repr(value))
            )
        if person in team:
            raise click.UsageError(_("--team: {person} is listed twice", person=person))
        team[person] = role or "member"
    return team


def _cells(values: tuple[str, ...]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for value in values:
        column, sep, text = value.partition("=")
        if not sep or not column.strip():
            raise click.UsageError(
                _("--cell {value}: use COLUMN=TEXT, e.g. --cell Waktu='5 menit'", value=repr(value))
            )
        cells[column.strip()] = text
    return cells


@click.group(cls=SopSubGroup)
def review() -> None:
    """Review sessions: decide keep / remove / replace / add per step, evaluate, approve."""


review.add_command(minutes)
review.add_command(worksheet)


@review.command()
@click.argument("sop_ids", nargs=-1)
@click.option("--all", "all_active", is_flag=True, help=N_("Review every active SOP."))
@click.option("--team", required=True, metavar="ID[:ROLE],...", help=N_("Team members, e.g. ani:chair,budi."))
@click.option(
    "--ref", required=True, help=N_("The plenary decision (berita acara) or decree (SK) forming the team.")
)
@click.option("--title", help=N_("A title for the session."))
@by_option
@click.pass_context
def start(
    ctx: click.Context,
    sop_ids: tuple[str, ...],
    all_active: bool,
    team: str,
    ref: str,
    title: str | None,
    by: str,
) -> None:
    """Start a session over SOP_IDS (or --all), pinned to their current versions; prints its id."""
    session = open_store(ctx).reviews.start(
        list(sop_ids), all_active=all_active, team=_team(team), ref=ref, by=by, title=title
    )
    click.echo(session.id)


@review.command()
@click.argument("session_id")
@click.argument("sop_id")
@click.argument("outcome", type=click.Choice(["keep", "revise", "withdraw"]))
@click.option("--reason", help=N_("Why (required for withdraw)."))
@by_option
@click.pass_context
def outcome(
    ctx: click.Context, session_id: str, sop_id: str, outcome: str, reason: str | None, by: str
) -> None:
    """Record the outcome for an SOP: keep (tetap), revise (direvisi) or withdraw (dicabut)."""
    entry = _session(ctx, session_id).outcome(sop_id, outcome, by=by, reason=reason)  # type: ignore[arg-type]
    success(f"#{entry.seq}: {sop_id} -> {label('outcome', outcome)}")


@review.command("keep-rest")
@click.argument("session_id")
@click.argument("sop_id")
@click.option("--reason", help=N_("Why (optional)."))
@by_option
@click.pass_context
def keep_rest(ctx: click.Context, session_id: str, sop_id: str, reason: str | None, by: str) -> None:
    """Decide keep for every item of a revised SOP that has no decision yet (one commit)."""
    entries = _session(ctx, session_id).keep_rest(sop_id, by=by, reason=reason)
    success(_("{n} items of {sop} kept", n=len(entries), sop=sop_id))


@review.command()
@click.argument("session_id")
@click.argument("sop_id")
@click.argument("item_key")
@click.argument("action", type=click.Choice(["keep", "remove"]))
@click.option("--reason", help=N_("Why (required for remove)."))
@by_option
@click.pass_context
def decide(
    ctx: click.Context, session_id: str, sop_id: str, item_key: str, action: str, reason: str | None, by: str
) -> None:
    """Decide keep or remove for one item of a revised SOP."""
    session = _session(ctx, session_id)
    if action == "keep":
        entry = session.keep(sop_id, item_key, by=by, reason=reason)
    else:
        entry = session.remove(sop_id, item_key, by=by, reason=reason or "")
    success(f"#{entry.seq}: {sop_id} {item_key} -> {label('item_action', action)}")


@review.command()
@click.argument("session_id")
@click.argument("sop_id")
@click.argument("item_key")
@click.option(
    "--text", default="", help=N_("The new wording (a table row: the whole row, cells separated by '|').")
)
@click.option(
    "--cell",
    "cells",
    multiple=True,
    metavar="COLUMN=TEXT",
    help=N_("For a table row: set one cell by its column (repeat)."),
)
@click.option("--reason", required=True, help=N_("Why it is reworded."))
@by_option
@click.pass_context
def replace(
    ctx: click.Context,
    session_id: str,
    sop_id: str,
    item_key: str,
    text: str,
    cells: tuple[str, ...],
    reason: str,
    by: str,
) -> None:
    """Decide that one item is reworded: --text, or --cell COLUMN=TEXT for a table row; also identity
    fields (equipment/2, title).
    """
    if not text and not cells:
        raise click.UsageError(_("give --text, or --cell COLUMN=TEXT for a table row"))
    entry = _session(ctx, session_id).replace(
        sop_id, item_key, text=text, cells=_cells(cells), reason=reason, by=by
    )
    success(f"#{entry.seq}: {sop_id} {item_key} -> {label('item_action', 'replace')}")


@review.command()
@click.argument("session_id")
@click.argument("sop_id")
@click.option("--after", "after", metavar="ITEM_KEY", help=N_("Add after this item."))
@click.option(
    "--section",
    metavar="SLUG",
    help=N_("Add at the start of this section (or as the first entry of a list field, e.g. equipment)."),
)
@click.option(
    "--text", default="", help=N_("The text of the new step (a table row: cells separated by '|').")
)
@click.option(
    "--cell",
    "cells",
    multiple=True,
    metavar="COLUMN=TEXT",
    help=N_("For a new table row: one cell by its column (repeat)."),
)
@click.option("--reason", required=True, help=N_("Why it is added."))
@by_option
@click.pass_context
def add(
    ctx: click.Context,
    session_id: str,
    sop_id: str,
    after: str | None,
    section: str | None,
    text: str,
    cells: tuple[str, ...],
    reason: str,
    by: str,
) -> None:
    """Add a new step after an item (--after) or at the start of a section (--section)."""
    if not text and not cells:
        raise click.UsageError(_("give --text, or --cell COLUMN=TEXT for a table row"))
    entry = _session(ctx, session_id).add(
        sop_id, after=after, section=section, text=text, cells=_cells(cells), reason=reason, by=by
    )
    success(_("#{seq}: added a step to {sop}", seq=entry.seq, sop=sop_id))


@review.command()
@click.argument("session_id")
@click.argument("seq", type=click.IntRange(min=1))
@click.option("--reason", required=True, help=N_("Why it is taken back."))
@by_option
@click.pass_context
def retract(ctx: click.Context, session_id: str, seq: int, reason: str, by: str) -> None:
    """Take back an addition or a proposal (SEQ: its number in `sop review log`)."""
    entry = _session(ctx, session_id).retract(seq, by=by, reason=reason)
    success(_("#{seq}: retracted #{target}", seq=entry.seq, target=seq))


@review.command()
@click.argument("session_id")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--reason", help=N_("Why the new SOP is needed."))
@by_option
@click.pass_context
def propose(ctx: click.Context, session_id: str, file: Path, reason: str | None, by: str) -> None:
    """Propose a brand-new SOP (validated now, added as version 1 on approval)."""
    from soplib.documents.parse import load

    doc = load(file)
    entry = _session(ctx, session_id).propose(doc, by=by, reason=reason)
    success(_("#{seq}: proposed new SOP {id}", seq=entry.seq, id=doc.id))


def _evaluate_options(f: click.decorators.FC) -> click.decorators.FC:
    from soplib.criteria import CRITERIA

    for option, name in reversed(CRITERION_OPTIONS.items()):
        f = click.option(
            f"--{option}",
            name,
            required=True,
            type=click.Choice(["yes", "no"]),
            help=f"Ya/Tidak: {CRITERIA[name]}.",
        )(f)
    return f


@review.command()
@click.argument("session_id")
@click.argument("sop_id")
@_evaluate_options
@click.option("--note", "notes", multiple=True, metavar="CRITERION=TEXT", help=N_("A note on one criterion."))
@click.option("--notes", "general", help=N_("A general note on the evaluation."))
@by_option
@click.pass_context
def evaluate(
    ctx: click.Context,
    /,
    session_id: str,
    sop_id: str,
    notes: tuple[str, ...],
    general: str | None,
    by: str,
    **answers: str,
) -> None:
    """Record the evaluation worksheet (kertas kerja evaluasi): seven Ya/Tidak answers with notes."""
    note_map: dict[str, str] = {}
    for note in notes:
        option, sep, text = note.partition("=")
        if not sep or option not in CRITERION_OPTIONS:
            raise click.UsageError(
                _(
                    "--note {note}: use CRITERION=TEXT, CRITERION one of {names}",
                    note=repr(note),
                    names=", ".join(CRITERION_OPTIONS),
                )
            )
        note_map[CRITERION_OPTIONS[option]] = text
    if general:
        note_map["general"] = general
    entry = _session(ctx, session_id).evaluate(
        sop_id, answers={k: v == "yes" for k, v in answers.items()}, notes=note_map, by=by
    )
    yes = sum(1 for v in answers.values() if v == "yes")
    success(_("#{seq}: evaluation of {sop} recorded ({yes} of 7 Ya)", seq=entry.seq, sop=sop_id, yes=yes))


@review.command()
@click.argument("session_id")
@click.option(
    "--effective-date", type=DATE, help=N_("Date the new versions take effect (default: today, office time).")
)
@click.option(
    "--editorial",
    multiple=True,
    metavar="SOP_ID=REASON",
    help=N_("Mark a revision editorial (acknowledgements carry over)."),
)
@by_option
@json_option
@click.pass_context
def approve(
    ctx: click.Context,
    session_id: str,
    effective_date: date | None,
    editorial: tuple[str, ...],
    by: str,
    as_json: bool,
) -> None:
    """Approve the session (disahkan): all new versions, withdrawals and new SOPs in one commit."""
    marks: dict[str, str] = {}
    for value in editorial:
        sop_id, sep, reason = value.partition("=")
        if not sep or not reason.strip():
            raise click.UsageError(_("--editorial {value}: use SOP_ID=REASON", value=repr(value)))
        marks[sop_id] = reason
    result = _session(ctx, session_id).approve(by=by, effective=effective_date, editorial=marks)
    if as_json:
        emit_json(result.to_json())
        return
    success(_("approved {id} in commit {commit}", id=result.session, commit=(result.commit or "")[:10]))
    for sop_id, version in result.versions.items():
        click.echo(f"  {sop_id} v{version}")
    for sop_id in result.withdrawn:
        click.echo("  " + _("{id} withdrawn", id=sop_id))
    for sop_id in result.kept:
        click.echo("  " + _("{id} kept as it is", id=sop_id))
    for note in result.notes:
        click.echo("  " + note)


@review.command()
@click.argument("session_id")
@click.option("--reason", help=N_("Why the session is abandoned."))
@by_option
@click.pass_context
def abandon(ctx: click.Context, session_id: str, reason: str | None, by: str) -> None:
    """Abandon the session: kept with its log, nothing approved."""
    header = _session(ctx, session_id).abandon(by=by, reason=reason)
    success(_("{id} abandoned", id=header.id))


for command in (run, list_, status, diff_, log):
    review.add_command(command)

COMMANDS = [review]
