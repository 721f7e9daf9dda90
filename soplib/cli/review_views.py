"""``sop review list|status|diff|log``: what review sessions hold, read without writing."""

from __future__ import annotations

from pathlib import Path

import click

from soplib.cli.main import SopCommand, json_option, open_store
from soplib.cli.output import diff_format_option, emit_diff, emit_json, empty, table
from soplib.i18n import _
from soplib.labels import label


@click.command("list", cls=SopCommand)
@json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """Every review session: id, status, title, SOPs."""
    sessions = open_store(ctx).reviews.list()
    if as_json:
        emit_json([s.to_json() for s in sessions])
        return
    if not sessions:
        empty(_("no review sessions yet; start one with `sop review start`"))
        return
    table(
        _("Review sessions"),
        [_("id"), _("status"), _("started"), _("by"), _("title"), _("SOPs")],
        [
            [
                s.id,
                label("session_status", s.status),
                s.started_at.date().isoformat(),
                s.started_by,
                s.title,
                " ".join(s.pinned),
            ]
            for s in sessions
        ],
    )


@click.command(cls=SopCommand)
@click.argument("session_id")
@json_option
@click.pass_context
def status(ctx: click.Context, session_id: str, as_json: bool) -> None:
    """Per SOP: outcome, decided and undecided counts, undecided keys."""
    session = open_store(ctx).reviews.get(session_id)
    header, rows = session.header(), session.status()
    if as_json:
        emit_json({"session": header.to_json(), "sops": [r.to_json() for r in rows]})
        return
    click.echo(f"{header.id} ({label('session_status', header.status)}): {header.title} [{header.ref}]")
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


@click.command("diff", cls=SopCommand)
@click.argument("session_id")
@click.argument("sop_id", required=False)
@diff_format_option
@click.pass_context
def diff_(
    ctx: click.Context, session_id: str, sop_id: str | None, fmt: str, output: Path | None, force: bool
) -> None:
    """The proposed changes: each pinned SOP against its preview (with the decisions applied)."""
    from soplib.documents.diff import unified

    session = open_store(ctx).reviews.get(session_id)
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
    emit_diff(
        diffs, fmt=fmt, title=f"Review {session.id}", unified_text="".join(texts), output=output, force=force
    )


def _action(entry_type: str, action: str) -> str:
    # An outcome entry's action is an SOP's outcome (revise ...); a decision's, an item's (keep ...).
    return label("outcome" if entry_type == "outcome" else "item_action", action)


@click.command(cls=SopCommand)
@click.argument("session_id")
@json_option
@click.pass_context
def log(ctx: click.Context, session_id: str, as_json: bool) -> None:
    """Every recorded entry of a session, superseded decisions included."""
    entries = open_store(ctx).reviews.get(session_id).log()
    if as_json:
        emit_json([e.to_json() for e in entries])
        return
    table(
        None,
        ["#", _("when"), _("by"), _("type"), _("sop"), _("key"), _("action"), _("reason")],
        [
            [
                e.seq, e.when.isoformat() if e.when else "", e.by, label("entry", e.type),
                getattr(e, "sop", ""),
                getattr(e, "key", None) or getattr(e, "after", None) or getattr(e, "section", None) or "",
                _action(e.type, a) if (a := getattr(e, "action", "")) else "",
                getattr(e, "reason", None) or "",
            ]
            for e in entries
        ],
    )  # fmt: skip
