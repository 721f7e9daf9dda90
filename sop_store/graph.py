"""The commit graph: ancestry, and the commits one history has that another has not.

Which commits are new is asked of git (its walk stops where the histories
meet); the order they are replayed in is computed here, reading only those.

    >>> is_ancestor(repo, remote_head, local_head)
    >>> [c.sha for c in only_in(repo, local_head, excluding=remote_head)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sop_store.commit import Commit
from sop_store.errors import StoreError
from sop_store.gitcmd import GitRunner
from sop_store.repo import Repository

_HEX40 = re.compile(r"[0-9a-f]{40}")


def _sha(value: str) -> str:
    if not _HEX40.fullmatch(value):
        raise StoreError("not a commit id: {value}", value=repr(value))
    return value


def _rev_list(repo: Repository, head: str, excluding: str | None, *, merges: bool = False) -> list[str]:
    """``git rev-list head ^excluding``: the commits ``head`` has and ``excluding`` has not (any order).

    git walks by commit date and stops as soon as only commits both histories
    share are left, so the cost follows what is new, not the length of the
    history (a Python walk of every commit read 200,000 commits on each sync).
    It runs isolated from the store's config, without replacement refs, and
    the store's grafts and shallow file are not where git looks (gitcmd).
    """
    args = ["rev-list", *(["--merges"] if merges else []), "--end-of-options", _sha(head)]
    if excluding:
        args.append(f"^{_sha(excluding)}")
    done = GitRunner(repo.git_dir).run(*args, timeout=3600)
    if not done.ok:
        raise StoreError("cannot list the commits of {head}: {reason}", head=head, reason=done.error)
    return done.stdout.decode("ascii", "replace").split()


def reachable(repo: Repository, heads: Iterable[str | None]) -> set[str]:
    """Every commit reachable from ``heads`` (through every parent)."""
    seen: set[str] = set()
    stack = [h for h in heads if h]
    while stack:
        sha = stack.pop()
        if sha in seen:
            continue
        seen.add(sha)
        stack.extend(p for p in repo.read_commit(sha).parents if p not in seen)
    return seen


def is_ancestor(repo: Repository, ancestor: str | None, head: str | None) -> bool:
    """True if ``ancestor`` is ``head`` or reachable from it (None is an ancestor of everything)."""
    if ancestor is None:
        return True
    if head is None:
        return False
    if ancestor == head:
        return True
    done = GitRunner(repo.git_dir).run(
        "merge-base", "--is-ancestor", "--end-of-options", _sha(ancestor), _sha(head), timeout=3600
    )
    if done.status not in (0, 1):
        raise StoreError("cannot compare {a} with {b}: {reason}", a=ancestor, b=head, reason=done.error)
    return done.status == 0


def have_common_history(repo: Repository, a: str, b: str) -> bool:
    """True if ``a`` and ``b`` share at least one commit (``git merge-base`` finds one)."""
    done = GitRunner(repo.git_dir).run("merge-base", "--end-of-options", _sha(a), _sha(b), timeout=3600)
    if done.status not in (0, 1):
        raise StoreError("cannot compare {a} with {b}: {reason}", a=a, b=b, reason=done.error)
    return done.status == 0


def merges_only_in(repo: Repository, head: str | None, *, excluding: str | None) -> list[Commit]:
    """The merge commits among :func:`only_in`'s (any order): git lists them, only they are read."""
    if head is None:
        return []
    return [repo.read_commit(sha) for sha in _rev_list(repo, head, excluding, merges=True)]


def only_in(repo: Repository, head: str | None, *, excluding: str | None) -> list[Commit]:
    """Commits reachable from ``head`` but not from ``excluding``, parents before children.

    The order follows the history of ``head`` (depth first along parents, first
    parent first), computed here rather than taken from git, so every git
    version and every clone gives the same order: integration and its
    verification replay the list in this order. Only the commits in the set
    are read.
    """
    if head is None:
        return []
    wanted = set(_rev_list(repo, head, excluding))
    order: list[Commit] = []
    done: set[str] = set()
    read: dict[str, Commit] = {}  # each commit read once
    stack: list[tuple[str, bool]] = [(head, False)]
    while stack:
        sha, expanded = stack.pop()
        if expanded:
            order.append(read.pop(sha))
            continue
        if sha in done or sha not in wanted:
            continue
        done.add(sha)
        stack.append((sha, True))
        read[sha] = commit = repo.read_commit(sha)
        for parent in reversed(commit.parents):
            if parent not in done and parent in wanted:
                stack.append((parent, False))
    return order
