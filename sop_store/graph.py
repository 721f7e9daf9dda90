"""The commit graph: ancestry, and the commits one history has that another has not.

Walks read each commit once (parsed commits are cached by the repository) and
are bounded by the commits that exist.

    >>> is_ancestor(repo, remote_head, local_head)
    >>> [c.sha for c in only_in(repo, local_head, excluding=remote_head)]
"""

from __future__ import annotations

from collections.abc import Iterable

from sop_store.commit import Commit
from sop_store.repo import Repository


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
    return ancestor in reachable(repo, [head])


def only_in(repo: Repository, head: str | None, *, excluding: str | None) -> list[Commit]:
    """Commits reachable from ``head`` but not from ``excluding``, parents before children.

    The order follows the history of ``head`` (depth first along parents), so
    replaying the list in order applies each change after the ones it built on.
    """
    if head is None:
        return []
    known = reachable(repo, [excluding])
    order: list[Commit] = []
    done: set[str] = set(known)
    stack: list[tuple[str, bool]] = [(head, False)]
    while stack:
        sha, expanded = stack.pop()
        if expanded:
            order.append(repo.read_commit(sha))
            continue
        if sha in done:
            continue
        done.add(sha)
        stack.append((sha, True))
        for parent in reversed(repo.read_commit(sha).parents):
            if parent not in done:
                stack.append((parent, False))
    return order
