"""Integrating another clone's history: this clone's operations carried onto it, in one merge commit.

Two clones that both recorded changes since they last met have two histories.
Sync brings them together without losing either: the merge commit's first
parent is the other side's head, its second parent this side's head, and its
files are the other side's files with every operation this side made since
(the commits only this side has) applied again, in order, each as its own
actor at its own time. Applying an operation again is what made it in the
first place (:mod:`soplib.ops`), so acknowledgements, decisions, attendance,
staff imports and anchors made on different machines all end up in the result,
each once; sequence numbers and chain hashes come out consistent because they
are computed again.

An operation the other side's history no longer allows (an approval of a
session whose SOP the other side already moved to a new version, a decision in
a session the other side closed) is *refused*: left out of the merged files and
named in the merge commit (``Sop-Refused``). Its commit stays in the history
(the merge's second parent reaches it), so nothing is lost or overwritten.

Verification replays a merge the same way (:func:`soplib.audit.replay`): the
listed refusals must still be refused, everything else must apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from sop_store import Commit, Repository, Transaction
from sop_store.graph import only_in
from soplib.errors import RefusedError, SopError
from soplib.ops import OP_TRAILER, Context, Operation, operation, read_operation


@dataclass(frozen=True)
class Refusal:
    """A local operation the other side's history refuses, why, and the other side's commit in the way."""

    commit: str
    actor: str
    action: str
    reason: SopError
    other: Commit | None = None


def name_conflicts(repo: Repository, refusals: list[Refusal], *, local: str, remote: str) -> list[Refusal]:
    """``refusals``, each with the other side's commit it conflicts with (:mod:`soplib.sync.conflicts`)."""
    if not refusals:
        return refusals
    from dataclasses import replace

    from soplib.sync.conflicts import conflicting

    theirs = [c for c in only_in(repo, remote, excluding=local) if not c.is_merge]
    return [replace(r, other=conflicting(repo, repo.read_commit(r.commit), theirs)) for r in refusals]


def local_changes(repo: Repository, *, local: str, remote: str) -> list[Commit]:
    """The commits carrying operations that ``local`` has and ``remote`` has not, in order."""
    return [
        c
        for c in only_in(repo, local, excluding=remote)
        if not c.is_merge and c.value(OP_TRAILER) is not None
    ]


def apply_changes(ctx: Context, commits: list[Commit], refused: frozenset[str] | None) -> list[Refusal]:
    """Apply each commit's operation in ``ctx.tx`` as its actor at its time; the ones refused.

    ``refused`` (verification): the commits that must be refused; any other
    refusal, or a listed one that applies, raises. None (integration): collect.
    """
    tx = ctx.tx
    actor, at = tx.author, tx.at
    out: list[Refusal] = []
    tx.check_tags = False
    try:
        for commit in commits:
            op = read_operation(commit)
            point = tx.savepoint()
            tx.author, tx.at = commit.author.name, commit.author_time
            inner = Context(tx, replaying=ctx.replaying, integrating=True)
            try:
                op.apply(inner)
            except SopError as exc:
                tx.rollback(point)
                if refused is not None and commit.sha not in refused:
                    raise RefusedError(
                        "the change of commit {sha} ({action} by {actor}) no longer applies: {reason}",
                        sha=commit.short,
                        action=op.kind,
                        actor=commit.author.name,
                        reason=exc,
                    ) from None
                out.append(Refusal(commit.sha, commit.author.name, op.kind, exc))
                continue
            if refused is not None and commit.sha in refused:
                raise RefusedError(
                    "commit {sha} is listed as refused, but its change applies: it was dropped without cause",
                    sha=commit.short,
                )
            # What the replayed operation wrote stays; its own trailers and tags belong to its own commit.
            tx.keep_files_only(point)
    finally:
        tx.author, tx.at = actor, at
        tx.check_tags = True
    return out


@operation("integrate")
@dataclass(frozen=True)
class Integrate(Operation):
    """Carry the operations ``local`` has (and ``remote`` has not) onto ``remote``'s files: a merge.

    ``refused`` lists the local commits whose operations the remote's history refuses.
    """

    remote: str
    local: str
    refused: tuple[str, ...] = ()

    def apply(self, ctx: Context) -> list[Refusal]:
        if ctx.tx.commit != self.remote:
            raise RefusedError("an integration starts from the other side's head {sha}", sha=self.remote[:10])
        ctx.require_registered()
        repo = ctx.tx.repo
        commits = local_changes(repo, local=self.local, remote=self.remote)
        refusals = apply_changes(ctx, commits, frozenset(self.refused))
        refusals = name_conflicts(repo, refusals, local=self.local, remote=self.remote)
        ctx.tx.trailer(
            "Sop-Integrated", f"{len(commits) - len(refusals)} of {len(commits)} from {self.local[:10]}"
        )
        for refusal in refusals:
            other = f"; conflicts with {refusal.other.sha}" if refusal.other else ""
            ctx.tx.trailer("Sop-Refused", f"{refusal.commit} {refusal.action} by {refusal.actor}{other}")
        ctx.subject = f"Integrate {len(commits)} change(s) onto {self.remote[:10]}"
        return refusals


def discover(repo: Repository, *, local: str, remote: str) -> list[Refusal]:
    """Which local operations the remote's history refuses (a dry run of the integration, nothing written)."""
    from soplib.clock import now

    tx = Transaction(repo, remote, author="soplib", at=now(), dry=True)
    return apply_changes(Context(tx, integrating=True), local_changes(repo, local=local, remote=remote), None)
