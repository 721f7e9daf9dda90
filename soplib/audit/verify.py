"""Verification of a store: can an auditor trust the record?

:func:`verify` reads the history of ``main`` once and runs every check in
:func:`default_checks` over it. The heart is the replay (:mod:`.replay`): every commit
carries the operation it performed, and applying that operation again to the
commit's parent must give the commit's tree and message exactly. A change that
no operation makes under the rules (a record edited or deleted, a file added in
any namespace, a rule broken, a role missing) is therefore a finding, whoever
wrote it and however soplib-like it looks. What this proves, and what only
signatures and receipts can add, is written up in docs/audit.md.

Nothing the store says about itself is trusted: its git config (programs,
signing settings) is never read, replacement refs and grafts are never
followed, every object is hash-checked as it is read, and the allowed-signers
file is the auditor's own.

    >>> report = store.audit.verify()
    >>> report.ok, [f.message for f in report.findings]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sop_store import Commit, Repository, Snapshot
from soplib.errors import InvalidInputError, StoreError
from soplib.values import Value

if TYPE_CHECKING:
    from soplib.store import Store


@dataclass(frozen=True)
class Finding(Value):
    """One problem found: what kind, about what (a commit, a path, an SOP version), and why."""

    kind: str
    subject: str
    message: str


@dataclass
class AuditContext:
    """What every check reads: the store, its head, and the history of ``main`` (oldest first)."""

    store: Store
    repo: Repository
    head: str | None
    snapshot: Snapshot
    commits: list[Commit]
    recorded_heads: tuple[str, ...] = ()
    allowed_signers: Path | None = None
    require_signatures: bool = False
    facts: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def reachable(self) -> set[str]:
        return {c.sha for c in self.commits}

    def snap(self, commit: str | None) -> Snapshot:
        return Snapshot(self.repo, commit)


Check = Callable[[AuditContext], Iterable[Finding]]


@dataclass(frozen=True)
class VerifyReport(Value):
    """The outcome of :func:`verify`: the head checked, what was covered, every finding."""

    head: str | None
    commits: int
    replayed: int
    sops: int
    versions: int
    anchors: int
    signed_commits: int
    acknowledgements: int
    checks: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings

    def _json_extra(self) -> dict[str, Any]:
        return {"ok": self.ok}


def history(repo: Repository, head: str | None, *, limit: int = 10_000_000) -> list[Commit]:
    """Every commit reachable from ``head`` (through every parent), parents before children.

    Bounded by the repository: each commit is read once, and a cycle (which
    content-addressed commits cannot form, but a damaged store might claim) ends
    the walk with an error.
    """
    if head is None:
        return []
    order: list[Commit] = []
    seen: set[str] = set()
    stack: list[tuple[str, bool]] = [(head, False)]
    while stack:
        sha, expanded = stack.pop()
        if expanded:
            order.append(repo.read_commit(sha))
            continue
        if sha in seen:
            continue
        seen.add(sha)
        if len(seen) > limit:
            raise StoreError("the history has more than {n} commits; the store is damaged", n=limit)
        commit = repo.read_commit(sha)
        stack.append((sha, True))
        for parent in reversed(commit.parents):
            if parent not in seen:
                stack.append((parent, False))
    return order


def default_checks() -> list[Check]:
    """Every check verify runs, in order (the replay third); pass some of them as ``checks=`` to time one."""
    from soplib.audit import checks, replay, signatures

    return [
        checks.check_repository,
        checks.check_fsck,
        replay.check_commits,
        checks.check_times,
        checks.check_tags,
        checks.check_records,
        checks.check_acks,
        checks.check_anchors,
        signatures.check_signatures,
    ]


def verify(
    store: Store,
    *,
    recorded_heads: Sequence[str] = (),
    allowed_signers: Path | str | None = None,
    require_signatures: bool = False,
    checks: Sequence[Check] | None = None,
) -> VerifyReport:
    """Check the whole store; a :class:`VerifyReport` whose ``findings`` are empty when it is intact.

    ``recorded_heads`` are commit ids recorded outside the store (anchor
    receipts, the head printed on a report) that must still be in the history.
    ``allowed_signers`` is the auditor's own SSH allowed-signers file (principals
    are staff ids); ``require_signatures`` makes every unsigned commit a finding.
    """
    from soplib.audit.anchors import validate_commit_id

    heads = tuple(validate_commit_id(h) for h in recorded_heads)
    signers = None
    if allowed_signers is not None:
        signers = Path(allowed_signers)
        if not signers.is_file():
            raise InvalidInputError(
                "allowed signers file {path} does not exist; give an ssh allowed_signers file", path=signers
            )
        signers = signers.resolve()
    snapshot = store.snapshot()
    repo = store.git.repo
    ctx = AuditContext(
        store=store,
        repo=repo,
        head=snapshot.commit,
        snapshot=snapshot,
        commits=history(repo, snapshot.commit),
        recorded_heads=heads,
        allowed_signers=signers,
        require_signatures=require_signatures,
    )
    findings: list[Finding] = []
    run = default_checks() if checks is None else list(checks)
    for check in run:
        findings.extend(check(ctx))
    facts = ctx.facts
    return VerifyReport(
        head=ctx.head,
        commits=len(ctx.commits),
        replayed=int(facts.get("replayed", 0)),
        sops=int(facts.get("sops", 0)),
        versions=int(facts.get("versions", 0)),
        anchors=int(facts.get("anchors", 0)),
        signed_commits=int(facts.get("signed_commits", 0)),
        acknowledgements=int(facts.get("acknowledgements", 0)),
        checks=tuple(c.__name__ for c in run),
        findings=tuple(findings),
    )
