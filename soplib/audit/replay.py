"""Replaying every commit: each must be exactly what its declared operation does on its parent.

For each commit (oldest first) the operation in its ``Sop-Op`` trailer is read
and applied again, writing nothing, to the parent's files, as the actor it
names, at its author time (:func:`soplib.ops.replay`). The result must be the
commit's own tree and message, byte for byte. So, without any signature:

- a file changed, added or deleted beyond what the operation does, in any
  namespace (a record edited, a log entry or an acknowledgement deleted, the
  chain head rewritten, a registry line changed), is ``commit-mismatch``;
- an operation the rules refuse in that state (a decision in a closed session,
  an approval by someone without the role, an acknowledgement by a stranger)
  is ``rule-broken``;
- a commit without an operation, or with one soplib cannot read, is
  ``foreign-commit`` / ``operation-unreadable``.

Stores made by soplib 0.1 (format 1) have commits without operations before
the first one that carries one; those are checked by the older, weaker rules
(:func:`_legacy`): written by soplib, SOP records only grow.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sop_store import MODE_TREE, Commit, Repository
from soplib.audit.verify import AuditContext, Finding
from soplib.errors import SopError, StoreError
from soplib.ops import ACTOR_TRAILER, COMMITTER, OP_TRAILER, read_operation, replay


def changed_paths(repo: Repository, old: str | None, new: str | None, prefix: str = "") -> Iterator[str]:
    """Paths whose content differs between two trees (either may be None: empty)."""
    a = repo.read_tree(old) if old else {}
    b = repo.read_tree(new) if new else {}
    for name in sorted(a.keys() | b.keys()):
        ea, eb = a.get(name), b.get(name)
        if ea == eb:
            continue
        path = prefix + name
        sub_a = ea[1] if ea and ea[0] == MODE_TREE else None
        sub_b = eb[1] if eb and eb[0] == MODE_TREE else None
        if sub_a or sub_b:
            yield from changed_paths(repo, sub_a, sub_b, path + "/")
        if (ea and ea[0] != MODE_TREE) or (eb and eb[0] != MODE_TREE):
            yield path


def _shown(paths: list[str]) -> str:
    return ", ".join(paths[:8]) + (f" and {len(paths) - 8} more" if len(paths) > 8 else "")


def _describe(commit: Commit) -> str:
    when = f"{commit.author_time:%Y-%m-%d %H:%M}Z"
    return f"commit {commit.short} ({when}, by {commit.author.name}: {commit.subject[:80]!r})"


def check_commits(ctx: AuditContext) -> Iterator[Finding]:
    """Every commit is its operation replayed on its parent (or, before the first operation, a 0.1 commit)."""
    ops_started = False
    replayed = 0
    for commit in ctx.commits:
        if commit.is_merge:
            ops_started = True
            replayed += 1
            yield from _replay_merge(ctx, commit)
            continue
        if commit.value(OP_TRAILER) is None and not commit.values(OP_TRAILER):
            if ops_started:
                yield _foreign(ctx, commit, "it carries no operation (Sop-Op)")
            else:
                yield from _legacy(ctx, commit)
            continue
        ops_started = True
        replayed += 1
        yield from _replay_one(ctx, commit)
    ctx.facts["replayed"] = replayed


def _foreign(ctx: AuditContext, commit: Commit, why: str) -> Finding:
    parent = ctx.repo.read_commit(commit.parents[0]).tree if commit.parents else None
    try:
        paths = list(changed_paths(ctx.repo, parent, commit.tree))
    except StoreError:
        paths = []
    return Finding(
        "foreign-commit",
        commit.sha,
        f"{_describe(commit)} was not written by soplib: {why}; it changed {_shown(paths) or 'nothing'}",
    )


def _replay_merge(ctx: AuditContext, commit: Commit) -> Iterator[Finding]:
    """A merge is soplib's only when it is an integration of exactly its two parents."""
    from soplib.sync.integrate import Integrate

    op = None
    if commit.value(OP_TRAILER) is not None:
        try:
            op = read_operation(commit)
        except SopError:
            op = None
    if not isinstance(op, Integrate) or len(commit.parents) != 2 or (op.remote, op.local) != commit.parents:
        yield Finding(
            "merge",
            commit.sha,
            f"{_describe(commit)} is a merge that is not an integration of its two parents",
        )
        return
    yield from _replay_one(ctx, commit)


def _replay_one(ctx: AuditContext, commit: Commit) -> Iterator[Finding]:
    actor = commit.value(ACTOR_TRAILER)
    name, email = COMMITTER
    if actor is None or commit.author.name != actor or commit.author.email != f"{actor}@sop.invalid":
        yield _foreign(ctx, commit, "its author is not the actor its trailer names")
        return
    if (commit.committer.name, commit.committer.email) != (name, email):
        yield _foreign(ctx, commit, f"its committer is {commit.committer.name} <{commit.committer.email}>")
        return
    try:
        op = read_operation(commit)
    except SopError as exc:
        yield Finding("operation-unreadable", commit.sha, f"{_describe(commit)}: {exc}")
        return
    parent = commit.parents[0] if commit.parents else None
    root = ctx.repo.read_commit(parent).tree if parent else None
    try:
        expected = replay(ctx.repo, op, parent=parent, root=root, actor=actor, at=commit.author_time)
    except SopError as exc:
        yield Finding(
            "rule-broken",
            commit.sha,
            f"{_describe(commit)} declares '{op.kind}', which the rules refuse at that point: {exc}",
        )
        return
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, AttributeError) as exc:
        yield Finding(
            "rule-broken",
            commit.sha,
            f"{_describe(commit)} declares '{op.kind}', which cannot be applied: {exc!r}",
        )
        return
    if expected.tree != commit.tree:
        try:
            paths = list(changed_paths(ctx.repo, expected.tree, commit.tree))
        except StoreError:
            paths = []
        yield Finding(
            "commit-mismatch",
            commit.sha,
            f"{_describe(commit)} changed files its operation '{op.kind}' does not account for"
            + (f": {_shown(paths)}" if paths else ""),
        )
    if expected.message != commit.message:
        yield Finding(
            "message-mismatch",
            commit.sha,
            f"{_describe(commit)}: its message is not the one its operation '{op.kind}' writes (subject "
            f"or trailers altered)",
        )


# -- soplib 0.1 commits (before the first operation) ----------------------------------------


def _legacy(ctx: AuditContext, commit: Commit) -> Iterator[Finding]:
    name, email = COMMITTER
    if not commit.values(ACTOR_TRAILER) or (commit.committer.name, commit.committer.email) != (name, email):
        yield _foreign(ctx, commit, "no Sop-Actor trailer or another committer")
        return
    ctx.facts["legacy"] = int(ctx.facts.get("legacy", 0)) + 1
    parent = ctx.repo.read_commit(commit.parents[0]).tree if commit.parents else None
    claimed = {v.partition(" ")[0] for v in (*commit.values("Sop-Version"), *commit.values("Sop-Withdrawn"))}
    for path in changed_paths(ctx.repo, parent, commit.tree):
        if not path.startswith("sops/"):
            continue
        sop_id = path[5:].rsplit(".", 1)[0]
        if sop_id not in claimed:
            yield Finding(
                "unclaimed-change",
                f"{sop_id} @ {commit.short}",
                f"{_describe(commit)} changed {path} without recording a version of it",
            )
        elif path.endswith(".json"):
            before = _versions(ctx, commit.parents[0] if commit.parents else None, path)
            after = _versions(ctx, commit.sha, path)
            if after[: len(before)] != before:
                yield Finding(
                    "record-rewritten",
                    f"{sop_id} @ {commit.short}",
                    f"{_describe(commit)} altered versions of {sop_id} already recorded",
                )


def _versions(ctx: AuditContext, commit: str | None, path: str) -> list[object]:
    snap = ctx.snap(commit)
    if commit is None or not snap.exists(path):
        return []
    try:
        raw = json.loads(snap.read(path))
    except (ValueError, RecursionError):
        return [None]
    versions = raw.get("versions") if isinstance(raw, dict) else None
    return versions if isinstance(versions, list) else [None]
