"""``sop review ...``: review sessions from the command line (docs/review.md explains the workflow)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from soplib.cli.main import by_option, json_option, open_store
from soplib.cli.output import diff_format_option, emit_diff, emit_json, success, table

if TYPE_CHECKING:
    from soplib.document import Item, SopDocument
    from soplib.review import Review

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
    from soplib import Review

    return Review.open(open_store(ctx), session_id)


def _team(value: str) -> dict[str, str]:
    from soplib import InvalidInputError

    team: dict[str, str] = {}
    for part in value.split(","):
        person, _, role = part.strip().partition(":")
        if not person:
            raise InvalidInputError(f"--team {value!r}: give ID[:ROLE] entries separated by commas")
        if person in team:
            raise InvalidInputError(f"--team: {person} is listed twice")
        team[person] = role or "member"
    return team


@click.group()
def review() -> None:
    """Review sessions: decide keep / remove / replace / add per step, evaluate, approve."""


@review.command()
@click.argument("sop_ids", nargs=-1)
@click.option("--all", "all_active", is_flag=True, help="Review every active SOP.")
@click.option("--team", required=True, metavar="ID[:ROLE],...", help="Team members, e.g. ani:chair,budi.")
@click.option(
    "--ref", required=True, help="The plenary decision (berita acara) or decree (SK) forming the team."
)
@click.option("--title", help="A title for the session.")
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
    from soplib import Review

    session = Review.start(
        open_store(ctx), list(sop_ids), all_active=all_active, team=_team(team), ref=ref, by=by, title=title
    )
    click.echo(session.id)


@review.command("list")
@json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """Every review session: id, status, title, SOPs."""
    from soplib import Review

    sessions = Review.sessions(open_store(ctx))
    if as_json:
        emit_json([s.to_json() for s in sessions])
        return
    table(
        "Review sessions",
        ["id", "status", "started", "by", "title", "sops"],
        [[s.id, s.status, s.started_at, s.started_by, s.title, " ".join(s.pinned)] for s in sessions],
    )


@review.command()
@click.argument("session_id")
@json_option
@click.pass_context
def status(ctx: click.Context, session_id: str, as_json: bool) -> None:
    """Per SOP: outcome, decided and undecided counts, undecided keys."""
    session = _session(ctx, session_id)
    header, rows = session.header(), session.status()
    if as_json:
        emit_json({"session": header.to_json(), "sops": [r.to_json() for r in rows]})
        return
    click.echo(f"{header.id} ({header.status}): {header.title} [{header.ref}]")
    table(
        None,
        ["sop", "version", "outcome", "decided", "undecided", "added", "evaluated", "undecided keys"],
        [
            [
                r.sop,
                "new" if r.proposed else r.version,
                r.outcome or ("new" if r.proposed else "-"),
                r.decided,
                len(r.undecided),
                r.added,
                "yes" if r.evaluated else "no",
                " ".join(r.undecided),
            ]
            for r in rows
        ],
    )


@review.command()
@click.argument("session_id")
@click.argument("sop_id")
@click.argument("outcome", type=click.Choice(["keep", "revise", "withdraw"]))
@click.option("--reason", help="Why (required for withdraw).")
@by_option
@click.pass_context
def outcome(
    ctx: click.Context, session_id: str, sop_id: str, outcome: str, reason: str | None, by: str
) -> None:
    """Record the outcome for an SOP: keep (tetap), revise (direvisi) or withdraw (dicabut)."""
    entry = _session(ctx, session_id).outcome(sop_id, outcome, by=by, reason=reason)
    success(f"#{entry.seq}: {sop_id} -> {outcome}")


@review.command()
@click.argument("session_id")
@click.argument("sop_id")
@click.argument("item_key")
@click.argument("action", type=click.Choice(["keep", "remove"]))
@click.option("--reason", help="Why (required for remove).")
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
    success(f"#{entry.seq}: {sop_id} {item_key} -> {action}")


@review.command()
@click.argument("session_id")
@click.argument("sop_id")
@click.argument("item_key")
@click.option("--text", required=True, help="The new wording of the step.")
@click.option("--reason", required=True, help="Why it is reworded.")
@by_option
@click.pass_context
def replace(
    ctx: click.Context, session_id: str, sop_id: str, item_key: str, text: str, reason: str, by: str
) -> None:
    """Decide that one item is reworded (replaced by --text)."""
    entry = _session(ctx, session_id).replace(sop_id, item_key, text=text, reason=reason, by=by)
    success(f"#{entry.seq}: {sop_id} {item_key} -> replace")


@review.command()
@click.argument("session_id")
@click.argument("sop_id")
@click.option("--after", "after", metavar="ITEM_KEY", help="Add after this item.")
@click.option("--section", metavar="SLUG", help="Add at the start of this section.")
@click.option("--text", required=True, help="The text of the new step.")
@click.option("--reason", required=True, help="Why it is added.")
@by_option
@click.pass_context
def add(
    ctx: click.Context,
    session_id: str,
    sop_id: str,
    after: str | None,
    section: str | None,
    text: str,
    reason: str,
    by: str,
) -> None:
    """Add a new step after an item (--after) or at the start of a section (--section)."""
    entry = _session(ctx, session_id).add(
        sop_id, after=after, section=section, text=text, reason=reason, by=by
    )
    success(f"#{entry.seq}: added a step to {sop_id}")


@review.command()
@click.argument("session_id")
@click.argument("seq", type=click.IntRange(min=1))
@click.option("--reason", required=True, help="Why it is taken back.")
@by_option
@click.pass_context
def retract(ctx: click.Context, session_id: str, seq: int, reason: str, by: str) -> None:
    """Take back an addition or a proposal (SEQ: its number in `sop review log`)."""
    entry = _session(ctx, session_id).retract(seq, by=by, reason=reason)
    success(f"#{entry.seq}: retracted #{seq}")


@review.command()
@click.argument("session_id")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--reason", help="Why the new SOP is needed.")
@by_option
@click.pass_context
def propose(ctx: click.Context, session_id: str, file: Path, reason: str | None, by: str) -> None:
    """Propose a brand-new SOP (validated now, added as version 1 on approval)."""
    from soplib import load

    doc = load(file)
    entry = _session(ctx, session_id).propose(doc, by=by, reason=reason)
    success(f"#{entry.seq}: proposed new SOP {doc.id}")


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
@click.option("--note", "notes", multiple=True, metavar="CRITERION=TEXT", help="A note on one criterion.")
@click.option("--notes", "general", help="A general note on the evaluation.")
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
    from soplib import InvalidInputError

    note_map: dict[str, str] = {}
    for note in notes:
        option, sep, text = note.partition("=")
        if not sep or option not in CRITERION_OPTIONS:
            raise InvalidInputError(
                f"--note {note!r}: use CRITERION=TEXT, CRITERION one of {', '.join(CRITERION_OPTIONS)}"
            )
        note_map[CRITERION_OPTIONS[option]] = text
    if general:
        note_map["general"] = general
    entry = _session(ctx, session_id).evaluate(
        sop_id, answers={k: v == "yes" for k, v in answers.items()}, notes=note_map, by=by
    )
    yes = sum(1 for v in answers.values() if v == "yes")
    success(f"#{entry.seq}: evaluation of {sop_id} recorded ({yes} of 7 Ya)")


@review.command("diff")
@click.argument("session_id")
@click.argument("sop_id", required=False)
@diff_format_option
@click.pass_context
def diff_(ctx: click.Context, session_id: str, sop_id: str | None, fmt: str, output: Path | None) -> None:
    """The proposed changes: each pinned SOP against its preview (with the decisions applied)."""
    from soplib import unified

    session = _session(ctx, session_id)
    diffs = session.diff(sop_id)
    texts = []
    if fmt == "unified":
        for d in diffs:
            old = "" if d.old_label == "(new)" else session.pinned(d.sop_id).text
            new = session.preview(d.sop_id).text
            texts.append(
                unified(
                    old, new, old_label=f"{d.sop_id} {d.old_label}", new_label=f"{d.sop_id} {d.new_label}"
                )
            )
    emit_diff(diffs, fmt=fmt, title=f"Review {session.id}", unified_text="".join(texts), output=output)


@review.command()
@click.argument("session_id")
@click.option(
    "--effective-date", metavar="YYYY-MM-DD", help="Date the new versions take effect (default: today)."
)
@click.option(
    "--editorial", multiple=True, metavar="SOP_ID=REASON", help="Mark a revision editorial (acks carry over)."
)
@by_option
@json_option
@click.pass_context
def approve(
    ctx: click.Context,
    session_id: str,
    effective_date: str | None,
    editorial: tuple[str, ...],
    by: str,
    as_json: bool,
) -> None:
    """Approve the session (disahkan): all new versions, withdrawals and new SOPs in one commit."""
    from soplib import InvalidInputError

    marks: dict[str, str] = {}
    for value in editorial:
        sop_id, sep, reason = value.partition("=")
        if not sep or not reason.strip():
            raise InvalidInputError(f"--editorial {value!r}: use SOP_ID=REASON")
        marks[sop_id] = reason
    result = _session(ctx, session_id).approve(by=by, effective_date=effective_date, editorial=marks)
    if as_json:
        emit_json(result.to_json())
        return
    success(f"approved {result.session} in commit {(result.commit or '')[:10]}")
    for sop_id, version in result.versions.items():
        click.echo(f"  {sop_id} v{version}")
    for sop_id in result.withdrawn:
        click.echo(f"  {sop_id} withdrawn")
    for sop_id in result.kept:
        click.echo(f"  {sop_id} kept as it is")


@review.command()
@click.argument("session_id")
@click.option("--reason", help="Why the session is abandoned.")
@by_option
@click.pass_context
def abandon(ctx: click.Context, session_id: str, reason: str | None, by: str) -> None:
    """Abandon the session: kept with its log, nothing approved."""
    header = _session(ctx, session_id).abandon(by=by, reason=reason)
    success(f"{header.id} abandoned")


@review.command()
@click.argument("session_id")
@json_option
@click.pass_context
def log(ctx: click.Context, session_id: str, as_json: bool) -> None:
    """Every recorded entry of a session, superseded decisions included."""
    entries = _session(ctx, session_id).log()
    if as_json:
        emit_json([e.to_json() for e in entries])
        return
    table(
        None,
        ["#", "when", "by", "type", "sop", "key", "action", "reason"],
        [
            [e.seq, e.when, e.by, e.type, e.sop, e.key or e.after or e.section, e.action, e.reason]
            for e in entries
        ],
    )


# -- the interactive walk --------------------------------------------------------------


def _show(doc: SopDocument, item: Item, remaining: int) -> None:
    index = doc.items.index(item)
    click.echo("")
    click.secho(f"{doc.id} {item.key} ({remaining} undecided)", bold=True)
    if index > 0:
        click.echo(f"    {doc.items[index - 1].key}: {doc.items[index - 1].text}")
    click.secho(f"  > {item.key}: {item.text}", fg="yellow")
    if index + 1 < len(doc.items):
        click.echo(f"    {doc.items[index + 1].key}: {doc.items[index + 1].text}")


_CHOICES = "[k]eep, [r]emove, [c]hange (replace), [a]dd after, [s]kip, [q]uit, [?] help"
_HELP = """\
k - keep this step as it is
r - remove this step (asks for a reason)
c - change: replace the wording (asks for the new text and a reason)
a - add a new step after this one (asks for the text and a reason); then decide this one
s - skip: leave undecided for now
q - quit; everything answered so far is recorded, run again to resume"""


def _ask(prompt: str) -> str:
    while True:
        value = str(click.prompt(prompt, default="", show_default=False)).strip()
        if value:
            return value
        click.echo("  (required)")


def _walk_item(session: Review, doc: SopDocument, item: Item, remaining: int, by: str) -> bool:
    """Ask about one item until it is decided or skipped; False when the person quits."""
    from soplib import InvalidInputError

    _show(doc, item, remaining)
    while True:
        answer = (
            str(click.prompt(f"Decide {item.key}: {_CHOICES}", default="", show_default=False))
            .strip()
            .lower()
        )
        try:
            if answer in ("k", "keep"):
                session.keep(doc.id, item.key, by=by)
                return True
            if answer in ("r", "remove"):
                session.remove(doc.id, item.key, by=by, reason=_ask("Reason for removing"))
                return True
            if answer in ("c", "change", "replace"):
                text = _ask("New text")
                session.replace(doc.id, item.key, text=text, reason=_ask("Reason"), by=by)
                return True
            if answer in ("a", "add"):
                text = _ask("Text of the new step")
                session.add(doc.id, after=item.key, text=text, reason=_ask("Reason for adding"), by=by)
                click.echo(f"  added after {item.key}; now decide {item.key} itself")
                continue
            if answer in ("s", "skip"):
                return True
            if answer in ("q", "quit"):
                return False
        except InvalidInputError as exc:
            click.echo(f"  {exc}")
            continue
        click.echo(_HELP)


@review.command()
@click.argument("session_id")
@click.argument("sop_id")
@by_option
@click.pass_context
def run(ctx: click.Context, session_id: str, sop_id: str, by: str) -> None:
    """Walk through the undecided items of an SOP one at a time (like `git add -p`)."""
    session = _session(ctx, session_id)
    header = session.header()
    if not header.is_member(by):
        from soplib import RefusedError

        raise RefusedError(
            f"{by} is not on the team of session {session.id}; only team members record decisions"
        )
    doc = session.pinned(sop_id)
    current = {s.sop: s for s in session.status()}.get(sop_id)
    if current is not None and current.outcome is None:
        session.outcome(sop_id, "revise", by=by)
        click.echo(f"outcome of {sop_id} set to revise (step by step review)")
    elif current is not None and current.outcome != "revise":
        from soplib import RefusedError

        raise RefusedError(
            f"{sop_id} has outcome {current.outcome}; record outcome revise to review its steps"
        )
    undecided = session.undecided(sop_id)
    if not undecided:
        success(f"every item of {sop_id} is decided")
        return
    by_key = {i.key: i for i in doc.items}
    for n, key in enumerate(undecided):
        if not _walk_item(session, doc, by_key[key], len(undecided) - n, by):
            break
    left = session.undecided(sop_id)
    if left:
        click.echo(f"{len(left)} item(s) still undecided; run again to resume: {' '.join(left)}")
    else:
        success(f"every item of {sop_id} is decided; see `sop review diff {session.id} {sop_id}`")


COMMANDS = [review]
