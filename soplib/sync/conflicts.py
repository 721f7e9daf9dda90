"""Which commit of the other side a refused local change conflicts with: what the refusal names.

A local change is refused during integration because the other side's history
moved on: another approval made the same version of an SOP (the same tag), a
session was approved or abandoned there, an SOP got a new version there. The
other side's commit that did it is found from what both commits declare in
their trailers (``Sop-Tag``, ``Sop-Version``, ``Sop-Withdrawn``, ``Sop-Session``)
and what the refused operation names (its SOP, its session and the SOPs that
session reviews). Deterministic for a given pair of histories, so verification
computes the same answer when it replays an integration.

    >>> other = conflicting(repo, refused_commit, theirs)
    >>> other.sha if other else None
"""

from __future__ import annotations

from sop_store import Commit, Repository, Snapshot
from soplib.errors import SopError
from soplib.ops import ACTION_TRAILER, TAG_TRAILER, read_operation

# The operations that close a session: nothing is recorded in it after them.
CLOSING = ("approve", "review-abandon")


def _sops_declared(commit: Commit) -> set[str]:
    return {v.split(" ", 1)[0] for key in ("Sop-Version", "Sop-Withdrawn") for v in commit.values(key)}


def _subjects(repo: Repository, commit: Commit) -> tuple[set[str], set[str]]:
    """The SOP ids and session ids a local commit's change is about."""
    sops = _sops_declared(commit)
    sessions = set(commit.values("Sop-Session"))
    try:
        op = read_operation(commit)
    except SopError:
        return sops, sessions
    for name in ("sop", "sops"):
        value = getattr(op, name, None)
        if isinstance(value, str):
            sops.add(value)
        elif isinstance(value, (tuple, list)):
            sops.update(v for v in value if isinstance(v, str))
    session = getattr(op, "session", None)
    if isinstance(session, str):
        sessions.add(session)
    if sessions and commit.parents:
        from soplib.review.records import read_header

        snap = Snapshot(repo, commit.parents[0])
        for sid in sessions:
            try:
                sops.update(read_header(snap, sid).pinned)
            except SopError:
                continue
    return sops, sessions


def conflicting(repo: Repository, commit: Commit, theirs: list[Commit]) -> Commit | None:
    """The first of ``theirs`` (the other side's commits, oldest first) ``commit``'s change conflicts with.

    In order of certainty: a commit that made the same tag (the same version of
    an SOP, the same anchor); one that closed a session the change records in;
    one that made a new version of, or withdrew, an SOP the change is about.
    None if none of them fits (the refusal then names only the local commit).
    """
    tags = set(commit.values(TAG_TRAILER))
    if tags:
        for other in theirs:
            if tags & set(other.values(TAG_TRAILER)):
                return other
    sops, sessions = _subjects(repo, commit)
    if sessions:
        for other in theirs:
            if other.value(ACTION_TRAILER) in CLOSING and sessions & set(other.values("Sop-Session")):
                return other
    if sops:
        for other in theirs:
            if sops & _sops_declared(other):
                return other
    return None
