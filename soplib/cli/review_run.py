"""``sop review run``: walk the undecided items of an SOP one at a time, like ``git add -p``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from soplib.cli.main import SopCommand, by_option, open_store
from soplib.cli.output import success
from soplib.i18n import _

if TYPE_CHECKING:
    from soplib.documents.model import Item, SopDocument
    from soplib.review.session import Review


class _EndOfInput(Exception):
    """Standard input ended: stop as a quit does (what was answered stays recorded)."""


def _show(session: Review, doc: SopDocument, item: Item, remaining: int) -> None:
    index = doc.items.index(item)
    click.echo("")
    click.secho(_("{id} {key} ({n} undecided)", id=doc.id, key=item.key, n=remaining), bold=True)
    if index > 0:
        click.echo(f"    {doc.items[index - 1].key}: {doc.items[index - 1].text}")
    click.secho(f"  > {item.key}: {item.text}", fg="yellow")
    decision = session.decision(doc.id, item.key)
    if decision is not None and decision.action == "replace" and decision.text:
        click.secho("    " + _("proposed: {text}", text=decision.text), fg="green")
    if index + 1 < len(doc.items):
        click.echo(f"    {doc.items[index + 1].key}: {doc.items[index + 1].text}")


def _read(prompt: str) -> str:
    # Not click.prompt: it turns both Ctrl-C and the end of input into "Aborted!".
    # Ctrl-C stays an interruption (exit 130); the end of input is a quit.
    click.echo(prompt + ": ", nl=False)
    line = sys.stdin.readline()
    if not line:
        click.echo("")
        raise _EndOfInput
    return line.strip()


def _ask(prompt: str) -> str:
    while True:
        value = _read(prompt)
        if value:
            return value
        click.echo("  " + _("(required)"))


def _choices() -> str:
    return _("[k]eep, [r]emove, [c]hange (replace), [a]dd after, [s]kip, [q]uit, [?] help")


def _help() -> str:
    return "\n".join(
        [
            _("k - keep this step as it is"),
            _("r - remove this step (asks for a reason)"),
            _("c - change: replace the wording (asks for the new text and a reason)"),
            _("a - add a new step after this one (asks for the text and a reason); then decide this one"),
            _("s - skip: leave undecided for now"),
            _("q - quit; everything answered so far is recorded, run again to resume"),
        ]
    )


def _walk_item(session: Review, doc: SopDocument, item: Item, remaining: int, by: str) -> bool:
    """Ask about one item until it is decided or skipped; False when the person quits."""
    from soplib.errors import InvalidInputError

    _show(session, doc, item, remaining)
    while True:
        answer = _read(_("Decide {key}: {choices}", key=item.key, choices=_choices())).lower()
        try:
            if answer in ("k", "keep"):
                session.keep(doc.id, item.key, by=by)
                return True
            if answer in ("r", "remove"):
                session.remove(doc.id, item.key, by=by, reason=_ask(_("Reason for removing")))
                return True
            if answer in ("c", "change", "replace"):
                text = _ask(_("New text"))
                session.replace(doc.id, item.key, text=text, reason=_ask(_("Reason")), by=by)
                return True
            if answer in ("a", "add"):
                text = _ask(_("Text of the new step"))
                session.add(doc.id, after=item.key, text=text, reason=_ask(_("Reason for adding")), by=by)
                click.echo("  " + _("added after {key}; now decide {key} itself", key=item.key))
                continue
            if answer in ("s", "skip"):
                return True
            if answer in ("q", "quit"):
                return False
        except InvalidInputError as exc:
            from soplib.i18n import translator

            click.echo("  " + exc.localized(translator()))
            continue
        click.echo(_help())


@click.command(cls=SopCommand)
@click.argument("session_id")
@click.argument("sop_id")
@by_option
@click.pass_context
def run(ctx: click.Context, session_id: str, sop_id: str, by: str) -> None:
    """Walk through the undecided items of an SOP one at a time (like `git add -p`)."""
    from soplib.errors import NotAllowedError, RefusedError

    session = open_store(ctx).reviews.get(session_id)
    header = session.header()
    if not header.is_member(by):
        raise NotAllowedError(
            "{actor} is not on the team of session {id}; only team members record decisions",
            actor=by,
            id=session.id,
        )
    doc = session.pinned(sop_id)
    current = {s.sop: s for s in session.status()}.get(sop_id)
    if current is not None and current.outcome is None:
        session.outcome(sop_id, "revise", by=by)
        click.echo(_("outcome of {sop} set to revise (step by step review)", sop=sop_id))
    elif current is not None and current.outcome != "revise":
        raise RefusedError(
            "{sop} has outcome {outcome}; record outcome revise to review its steps",
            sop=sop_id,
            outcome=current.outcome,
        )
    undecided = session.undecided(sop_id)
    if not undecided:
        success(_("every item of {sop} is decided", sop=sop_id))
        return
    by_key = {i.key: i for i in doc.items}
    try:
        for n, key in enumerate(undecided):
            if not _walk_item(session, doc, by_key[key], len(undecided) - n, by):
                break
    except _EndOfInput:
        click.echo(_("end of input: stopping here"))
    left = session.undecided(sop_id)
    if left:
        click.echo(
            _("{n} item(s) still undecided; run again to resume: {keys}", n=len(left), keys=" ".join(left))
        )
    else:
        success(
            _("every item of {sop} is decided; see `sop review diff {id} {sop}`", sop=sop_id, id=session.id)
        )
