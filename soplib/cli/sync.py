"""``sop clone``, ``sop remote add|remove|list``, ``sop sync``: one store on many machines (docs/sync.md)."""

from __future__ import annotations

from pathlib import Path

import click

from soplib.cli.main import SopSubGroup, by_option, json_option, open_store
from soplib.cli.output import emit_json, empty, success, table
from soplib.i18n import _
from soplib.sync.remotes import RefusedChange


@click.command()
@click.argument("url")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.pass_context
def clone(ctx: click.Context, url: str, directory: Path | None) -> None:
    """Make a new store from the store at URL (a git server: ssh://, https://, git://, file://, a folder)."""
    from soplib.store import Store

    target = directory or Path(ctx.find_root().obj["store"])
    store = Store.clone(url, target)
    with store:
        success(
            _(
                "cloned {url} into {path}: {n} SOPs, head {head}",
                url=url,
                path=target,
                n=len(store.sops.ids()),
                head=store.head(),
            )
        )


@click.group(cls=SopSubGroup)
def remote() -> None:
    """The git servers this store shares its record with."""


@remote.command("add")
@click.argument("name")
@click.argument("url")
@click.pass_context
def remote_add(ctx: click.Context, name: str, url: str) -> None:
    """Record a remote NAME at URL (as `git remote add` does)."""
    open_store(ctx).remotes.add(name, url)
    success(_("remote {name}: {url}", name=name, url=url))


@remote.command("remove")
@click.argument("name")
@click.pass_context
def remote_remove(ctx: click.Context, name: str) -> None:
    """Forget the remote NAME (nothing changes on the server)."""
    open_store(ctx).remotes.remove(name)
    success(_("remote {name} removed", name=name))


@remote.command("list")
@json_option
@click.pass_context
def remote_list(ctx: click.Context, as_json: bool) -> None:
    """The remotes of this store."""
    remotes = open_store(ctx).remotes.list()
    if as_json:
        emit_json(remotes)
        return
    if not remotes:
        empty(_("no remotes yet: `sop remote add origin URL`"))
        return
    table(_("Remotes"), [_("name"), _("url")], [[n, u] for n, u in sorted(remotes.items())])


@click.command()
@click.argument("name", default="origin")
@by_option
@json_option
@click.pass_context
def sync(ctx: click.Context, name: str, by: str, as_json: bool) -> None:
    """Fetch the remote's record, integrate it with this one, push the result (never forced)."""
    result = open_store(ctx).remotes.sync(name, by=by)
    if as_json:
        emit_json(result.to_json())
        return
    success(
        _("synced with {name} ({how}{pushed}); head {head}", name=name, how=_(result.integrated),
          pushed=_(", pushed") if result.pushed else "", head=result.head)
    )  # fmt: skip
    for r in result.refused:
        click.echo(refusal_line(r, name), err=True)


def refusal_line(r: RefusedChange, remote_name: str) -> str:
    """One line naming both sides of a refused change: ours (kept in the history) and theirs."""
    if r.other:
        return _(
            "refused: this store's commit {commit} ({action} by {actor}) conflicts with {other} "
            "({other_action} by {other_actor}) from {remote}: {reason}; {other_short} was kept, {commit} "
            "stays in the history (`sop remote refused`)",
            commit=r.commit[:10], action=r.action, actor=r.actor, other=r.other[:10],
            other_action=r.other_action, other_actor=r.other_actor, remote=remote_name, reason=r.reason,
            other_short=r.other[:10],
        )  # fmt: skip
    return _(
        "refused: this store's commit {commit} ({action} by {actor}) no longer applies after {remote}'s "
        "changes: {reason}; it stays in the history (`sop remote refused`)",
        commit=r.commit[:10], action=r.action, actor=r.actor, remote=remote_name, reason=r.reason,
    )  # fmt: skip


def _other(r: RefusedChange) -> str:
    return f"{r.other[:10]} ({r.other_action} by {r.other_actor})" if r.other else ""


@remote.command("refused")
@json_option
@click.pass_context
def remote_refused(ctx: click.Context, as_json: bool) -> None:
    """Local changes syncs left out because the other side's history refused them (kept in the history)."""
    refused = open_store(ctx).remotes.refused()
    if as_json:
        emit_json([r.to_json() for r in refused])
        return
    if not refused:
        empty(_("no refused changes: every change made here is in the store"))
        return
    table(
        _("Refused changes"),
        [_("commit"), _("action"), _("by"), _("conflicts with"), _("reason")],
        [[r.commit[:10], r.action, r.actor, _other(r), r.reason] for r in refused],
    )


COMMANDS = [clone, remote, sync]
