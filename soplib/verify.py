"""Integrity verification of a store: can an auditor trust the record?

:func:`verify` walks the history of ``main`` once and runs every check in
:data:`CHECKS` over it. Each check is a function from an :class:`AuditContext`
to :class:`Finding` values; a clean store yields none. Other modules add their
own checks (the acknowledgement chain, for one) by appending to ``CHECKS``.

What the checks prove, and what they cannot, is written up for auditors in
docs/audit.md. In short: a change made with plain git (a commit without
soplib's trailers, a record rewritten, a tag deleted or moved, a reset behind a
recorded anchor) is found; a forger who writes commits exactly as soplib does
is only stopped by signed commits and by anchors kept outside the store.

    >>> report = verify(store)
    >>> report.ok, [f.message for f in report.findings]
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import sop_store
from sop_store import Snapshot, parse_trailers
from sop_store.gitrepo import MODE_TREE, GitRepo
from soplib.anchor import ANCHOR_DIR, ANCHOR_TAG, HEX40, list_anchors, validate_commit_id
from soplib.errors import InvalidInputError, NotFoundError, StoreError
from soplib.store import Store

SOPLIB_COMMITTER = "soplib <soplib@sop.invalid>"
# Tag namespaces soplib owns: a tag there that no commit created is a finding.
OWN_TAG_PREFIXES = ("sop/", "audit/")
_MAX_FSCK_LINES = 20


@dataclass(frozen=True)
class Finding:
    """One problem found: what kind, about what (a commit, tag, SOP version), and why."""

    kind: str
    subject: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "subject": self.subject, "message": self.message}


@dataclass(frozen=True)
class Commit:
    """One commit on ``main``, parsed for the checks."""

    sha: str
    tree: str
    parents: tuple[str, ...]
    author: str
    committer: str
    time: int
    message: str
    signed: bool

    @cached_property
    def trailers(self) -> list[tuple[str, str]]:
        return parse_trailers(self.message)

    def values(self, key: str) -> list[str]:
        return [v for k, v in self.trailers if k == key]

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def date(self) -> str:
        return sop_store.iso(self.time)

    @property
    def short(self) -> str:
        return self.sha[:10]


def parse_commit(sha: str, data: bytes) -> Commit:
    """A raw commit object as a :class:`Commit` (headers git writes, ``gpgsig`` noted)."""
    head, _, message = data.partition(b"\n\n")
    tree, author, committer, when, signed = "", "", "", 0, False
    parents: list[str] = []
    for line in head.split(b"\n"):
        key, _, value = line.partition(b" ")
        text = value.decode("utf-8", "replace")
        if key == b"tree":
            tree = text
        elif key == b"parent":
            parents.append(text)
        elif key == b"author":
            author = text.rsplit(" ", 2)[0]
        elif key == b"committer":
            committer, stamp = text.rsplit(" ", 2)[0], text.rsplit(" ", 2)[1]
            when = int(stamp) if stamp.isdigit() else 0
        elif key == b"gpgsig":
            signed = True
    return Commit(
        sha=sha,
        tree=tree,
        parents=tuple(parents),
        author=author,
        committer=committer,
        time=when,
        message=message.decode("utf-8", "replace"),
        signed=signed,
    )


@dataclass
class AuditContext:
    """What every check reads: the store, its head, and the history of ``main`` (oldest first)."""

    store: Store
    repo: GitRepo
    head: str | None
    snapshot: Snapshot
    commits: list[Commit]
    # Heads recorded outside the store (receipts, reports) that must still be in the history.
    recorded_heads: tuple[str, ...] = ()
    # An auditor's own allowed-signers file, and whether unsigned history is a finding.
    allowed_signers: str | None = None
    require_signatures: bool = False
    # Filled while checking; shown in the summary.
    facts: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def on_main(self) -> set[str]:
        return {c.sha for c in self.commits}

    def snap(self, commit: str) -> Snapshot:
        return Snapshot(self.repo, commit)

    @cached_property
    def version_commits(self) -> dict[tuple[str, int], str]:
        """(SOP id, version) -> the commit whose ``Sop-Version`` trailer says it wrote it."""
        out: dict[tuple[str, int], str] = {}
        for c in self.commits:
            for value in c.values("Sop-Version"):
                doc_id, _, number = value.partition(" ")
                if number.isdigit():
                    out[(doc_id, int(number))] = c.sha
        return out

    @cached_property
    def tag_commits(self) -> dict[str, str]:
        """tag name -> the commit whose ``Sop-Tag`` trailer says it created it."""
        return {name: c.sha for c in self.commits for name in c.values(sop_store.store.TAG_TRAILER)}


Check = Callable[[AuditContext], Iterable[Finding]]


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of :func:`verify`: the head checked, what was covered, every finding."""

    head: str | None
    commits: int
    sops: int
    versions: int
    anchors: int
    signed_commits: int
    checks: tuple[str, ...]
    findings: tuple[Finding, ...]
    acknowledgements: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "head": self.head,
            "commits": self.commits,
            "sops": self.sops,
            "versions": self.versions,
            "anchors": self.anchors,
            "signed_commits": self.signed_commits,
            "acknowledgements": self.acknowledgements,
            "checks": list(self.checks),
            "findings": [f.to_json() for f in self.findings],
        }


# -- the history ----------------------------------------------------------------------


def history(repo: GitRepo, head: str | None) -> list[Commit]:
    """Every commit on ``main`` from the root to ``head`` (first parents), oldest first."""
    out = []
    sha = head
    while sha:
        kind, data = repo.read_object(sha)
        if kind != "commit":
            raise StoreError(f"{sha} on main is a {kind}, not a commit; run `git fsck`")
        commit = parse_commit(sha, data)
        out.append(commit)
        sha = commit.parents[0] if commit.parents else None
    out.reverse()
    return out


def changed_paths(repo: GitRepo, old: str | None, new: str | None, prefix: str = "") -> Iterator[str]:
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


def _sub_tree(repo: GitRepo, tree: str, name: str) -> str | None:
    entry = repo.read_tree(tree).get(name)
    return entry[1] if entry and entry[0] == MODE_TREE else None


# -- checks ---------------------------------------------------------------------------


def check_fsck(ctx: AuditContext) -> Iterator[Finding]:
    """``git fsck --strict`` finds no broken or missing object."""
    status, output = ctx.repo.run_git("fsck", "--strict", "--no-dangling", "--no-progress")
    lines = [line for line in output.splitlines() if line.strip()]
    if status != 0 or lines:
        for line in lines[:_MAX_FSCK_LINES] or [f"git fsck exited with status {status}"]:
            yield Finding("fsck", "repository", line)
        if len(lines) > _MAX_FSCK_LINES:
            yield Finding("fsck", "repository", f"... and {len(lines) - _MAX_FSCK_LINES} more lines")


def check_commits(ctx: AuditContext) -> Iterator[Finding]:
    """Every commit on main was written by soplib, and claims every SOP it changed.

    A commit without soplib's trailers and committer is a change behind the
    library's back. A soplib-looking commit must still claim (``Sop-Version``,
    ``Sop-Withdrawn``) every SOP file it changes, and may only append versions
    to a record, never alter one already written.
    """
    parent_tree: str | None = None
    for commit in ctx.commits:
        if len(commit.parents) > 1:
            yield Finding(
                "merge", commit.sha, f"commit {commit.short} is a merge; soplib never writes merges"
            )
        if not commit.values("Sop-Actor") or commit.committer != SOPLIB_COMMITTER:
            paths = list(changed_paths(ctx.repo, parent_tree, commit.tree))
            shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
            yield Finding(
                "foreign-commit",
                commit.sha,
                f"commit {commit.short} ({commit.date}, by {commit.author}: {commit.subject!r}) was not "
                f"written by soplib (no Sop-Actor trailer or another committer); it changed "
                f"{shown or 'nothing'}",
            )
        else:
            yield from _check_claims(ctx, commit, parent_tree)
            yield from _check_anchor_files(ctx, commit, parent_tree)
        parent_tree = commit.tree


def _check_claims(ctx: AuditContext, commit: Commit, parent_tree: str | None) -> Iterator[Finding]:
    old = _sub_tree(ctx.repo, parent_tree, sop_store.documents.DOC_DIR) if parent_tree else None
    new = _sub_tree(ctx.repo, commit.tree, sop_store.documents.DOC_DIR)
    if old == new:
        return
    claimed: dict[str, list[int]] = {}
    withdrawn: set[str] = set()
    for value in commit.values("Sop-Version"):
        doc_id, _, number = value.partition(" ")
        claimed.setdefault(doc_id, []).append(int(number) if number.isdigit() else -1)
    for value in commit.values("Sop-Withdrawn"):
        withdrawn.add(value.partition(" ")[0])
    changed = {p.rsplit(".", 1)[0] for p in changed_paths(ctx.repo, old, new)}
    for doc_id in sorted(changed):
        subject = f"{doc_id} @ {commit.short}"
        if doc_id not in claimed and doc_id not in withdrawn:
            yield Finding(
                "unclaimed-change",
                subject,
                f"commit {commit.short} ({commit.date}) changed the files of {doc_id} without recording a "
                "version or a withdrawal of it",
            )
            continue
        yield from _check_record_append(ctx, commit, doc_id, sorted(claimed.get(doc_id, [])))


def _check_anchor_files(ctx: AuditContext, commit: Commit, parent_tree: str | None) -> Iterator[Finding]:
    """Anchor records are written once, each by its own anchor commit, and never changed."""
    old, new = _anchor_tree(ctx.repo, parent_tree), _anchor_tree(ctx.repo, commit.tree)
    if old == new:
        return
    before = ctx.snap(commit.parents[0]) if commit.parents else None
    claimed = {f"{int(v.split(' ', 1)[0]):06d}.json" for v in commit.values("Sop-Anchor") if v[:1].isdigit()}
    for path in changed_paths(ctx.repo, old, new, f"{ANCHOR_DIR}/"):
        existed = before is not None and before.exists(path)
        if existed or path.rsplit("/", 1)[-1] not in claimed:
            yield Finding(
                "anchor-changed",
                path,
                f"commit {commit.short} ({commit.date}) {'changed' if existed else 'wrote'} {path}; "
                "anchor records are only written by `sop audit anchor` and never changed",
            )


def _anchor_tree(repo: GitRepo, tree: str | None) -> str | None:
    audit = _sub_tree(repo, tree, "audit") if tree else None
    return _sub_tree(repo, audit, "anchors") if audit else None


def _record_versions(snap: Snapshot, doc_id: str) -> list[Any]:
    path = f"{sop_store.documents.DOC_DIR}/{doc_id}.json"
    if not snap.exists(path):
        return []
    try:
        raw = snap.read_json(path)
        versions = raw["versions"] if isinstance(raw, dict) else None
    except (ValueError, KeyError):
        versions = None
    # A damaged record compares unequal to any real one, so the change is reported.
    return versions if isinstance(versions, list) else [None]


def _check_record_append(
    ctx: AuditContext, commit: Commit, doc_id: str, numbers: list[int]
) -> Iterator[Finding]:
    before = _record_versions(ctx.snap(commit.parents[0]), doc_id) if commit.parents else []
    after = _record_versions(ctx.snap(commit.sha), doc_id)
    subject = f"{doc_id} @ {commit.short}"
    if after[: len(before)] != before:
        yield Finding(
            "record-rewritten",
            subject,
            f"commit {commit.short} ({commit.date}) altered versions of {doc_id} that were already "
            "recorded; a record may only grow",
        )
        return
    added = [v.get("version") if isinstance(v, dict) else None for v in after[len(before) :]]
    if added != numbers:
        yield Finding(
            "unclaimed-change",
            subject,
            f"commit {commit.short} ({commit.date}) added versions {added} of {doc_id} but its trailers "
            f"claim {numbers}",
        )


def check_tags(ctx: AuditContext) -> Iterator[Finding]:
    """Every tag a commit created exists and points at that commit; no other tag in soplib's namespaces."""
    expected = ctx.tag_commits
    actual = {name.removeprefix("refs/tags/"): sha for name, sha in ctx.repo.list_refs("refs/tags/").items()}
    for name, sha in sorted(expected.items()):
        found = actual.get(name)
        if found is None:
            yield Finding(
                "tag-missing", name, f"tag {name} (created by commit {sha[:10]}) is missing: it was deleted"
            )
        elif found != sha:
            yield Finding(
                "tag-moved",
                name,
                f"tag {name} points to {found[:10]}, but commit {sha[:10]} created it there: it was moved",
            )
    for name, sha in sorted(actual.items()):
        if name.startswith(OWN_TAG_PREFIXES) and name not in expected:
            where = "on main" if sha in ctx.on_main else "not on main (history rewritten?)"
            yield Finding(
                "tag-extra",
                name,
                f"tag {name} points to {sha[:10]} ({where}) but no commit on main created it",
            )
    # Every recorded version has its tag and its commit.
    for (doc_id, number), sha in sorted(ctx.version_commits.items()):
        name = sop_store.tag_name(doc_id, number) if _valid_id(doc_id) else ""
        if name and expected.get(name) != sha:
            yield Finding(
                "tag-missing",
                name,
                f"commit {sha[:10]} wrote {doc_id} v{number} but did not create tag {name}",
            )


def _valid_id(doc_id: str) -> bool:
    try:
        sop_store.validate_doc_id(doc_id)
    except InvalidInputError:
        return False
    return True


def check_content(ctx: AuditContext) -> Iterator[Finding]:
    """Every version's bytes still match its fingerprint, its blob id and the file its commit wrote."""
    snap = ctx.snapshot
    ids = sop_store.doc_ids(snap)
    versions = 0
    for doc_id in ids:
        try:
            info = sop_store.doc_info(snap, doc_id)
        except (StoreError, NotFoundError) as exc:
            yield Finding("record-damaged", doc_id, str(exc))
            continue
        for v in info.versions:
            versions += 1
            yield from _check_version(ctx, doc_id, v)
        text_blob = snap.blob_id(sop_store.documents.text_path(doc_id))
        if info.versions and text_blob != info.latest.blob:
            yield Finding(
                "text-changed",
                f"{doc_id} v{info.latest.version}",
                f"sops/{doc_id}.md is not the text of {doc_id}'s latest version v{info.latest.version}",
            )
    for name in snap.list(sop_store.documents.DOC_DIR):
        if name.endswith(".md") and name[:-3] not in ids:
            yield Finding("record-missing", name[:-3], f"sops/{name} has no record sops/{name[:-3]}.json")
    ctx.facts["sops"] = len(ids)
    ctx.facts["versions"] = versions


def _check_version(ctx: AuditContext, doc_id: str, v: sop_store.VersionInfo) -> Iterator[Finding]:
    subject = f"{doc_id} v{v.version}"
    try:
        data = ctx.repo.read_blob(v.blob)
    except StoreError:
        yield Finding("content-missing", subject, f"the text of {subject} (blob {v.blob[:10]}) is missing")
        return
    if sop_store.blob_id(data) != v.blob:
        yield Finding("content-corrupt", subject, f"the stored bytes of {subject} do not hash to {v.blob}")
    expected = v.meta.get("content_sha256")
    if expected != hashlib.sha256(data).hexdigest():
        yield Finding(
            "content-changed",
            subject,
            f"the text of {subject} does not match the fingerprint its approval is bound to "
            f"(content_sha256 {str(expected)[:12]}...)",
        )
    commit = ctx.version_commits.get((doc_id, v.version))
    if commit is None:
        yield Finding("version-unclaimed", subject, f"no commit on main says it wrote {subject}")
        return
    written = ctx.snap(commit).blob_id(sop_store.documents.text_path(doc_id))
    if written != v.blob:
        yield Finding(
            "content-mismatch",
            subject,
            f"the file commit {commit[:10]} wrote for {subject} is not the text its record holds",
        )


def check_anchors(ctx: AuditContext) -> Iterator[Finding]:
    """Every recorded head (anchors in the store, anchor tags, receipts) is still in main's history."""
    anchors = list_anchors(ctx.snapshot)
    ctx.facts["anchors"] = len(anchors)
    heads: list[tuple[str, str]] = [
        (a["head"], f"anchor {a['number']} ({a['date']}, by {a['by']})") for a in anchors if a.get("head")
    ]
    for name, sha in sorted(ctx.repo.list_refs("refs/tags/audit/").items()):
        if name.startswith(f"refs/tags/{ANCHOR_TAG}"):
            heads.append((sha, f"anchor tag {name.removeprefix('refs/tags/')}"))
    heads += [(sha, "a head recorded outside the store") for sha in ctx.recorded_heads]
    seen: set[str] = set()
    for sha, what in heads:
        if sha in seen:
            continue
        seen.add(sha)
        if sha not in ctx.on_main:
            yield Finding(
                "history-rewritten",
                sha,
                f"{what} recorded head {sha[:10]}, which is no longer in the history of main: "
                "history was rewritten (reset, rebase or force-push) after it was recorded",
            )


def check_signatures(ctx: AuditContext) -> Iterator[Finding]:
    """When the store is configured for SSH signing, every commit since the first signed one is signed.

    Commits written before signing was switched on stay unsigned and are only
    counted; from the first signed commit on, an unsigned commit, a bad
    signature or a key outside the allowed signers file is a finding. With
    ``require_signatures`` (an auditor's choice, independent of the store's
    own config, which whoever controls the repository controls too) a history
    without any signed commit is a finding as well.
    """
    config = sop_store.signing.load(ctx.repo.git_dir)
    ctx.facts["signed_commits"] = sum(c.signed for c in ctx.commits)
    configured = config is not None and config.sign_commits
    if not (configured or ctx.require_signatures or any(c.signed for c in ctx.commits)):
        return
    allowed = ctx.allowed_signers or (config.allowed_signers if config else None)
    if not allowed:
        yield Finding(
            "signing-config",
            "gpg.ssh.allowedSignersFile",
            "signed commits cannot be checked: set gpg.ssh.allowedSignersFile in the store or pass "
            "--allowed-signers (docs/audit.md, 'Signing')",
        )
        return
    verdicts = yield from _signature_verdicts(ctx, allowed if ctx.allowed_signers else None)
    started = False
    for commit in ctx.commits:
        verdict = verdicts.get(commit.sha, "E")
        # Signing starts with the first commit that carries a signature, good or not.
        started = started or commit.signed or verdict == "G"
        if not started or verdict == "G":
            continue
        kind, why = _SIGNATURE_VERDICTS.get(verdict, ("bad-signature", f"signature status {verdict}"))
        yield Finding(
            kind,
            commit.sha,
            f"commit {commit.short} ({commit.date}, by {commit.author}: {commit.subject!r}) {why}",
        )
    if ctx.require_signatures and not any(v == "G" for v in verdicts.values()) and ctx.commits:
        yield Finding(
            "unsigned",
            ctx.commits[-1].sha,
            "signatures are required but no commit on main has a good signature",
        )


def _signature_verdicts(ctx: AuditContext, allowed: str | None) -> Generator[Finding, None, dict[str, str]]:
    """git's verdict (``%G?``) on every commit of main, checked in one ``git log`` run."""
    override = ["-c", f"gpg.ssh.allowedSignersFile={Path(allowed).resolve()}"] if allowed else []
    status, output = ctx.repo.run_git(
        *override, "log", "--first-parent", "--format=%H %G?", "--end-of-options", sop_store.gitrepo.BRANCH
    )
    if status != 0:
        yield Finding("signing-config", "git log", f"cannot check signatures: {output}")
        return {}
    return dict(line.split(" ", 1) for line in output.splitlines() if HEX40.match(line[:40]))


_SIGNATURE_VERDICTS = {
    "N": ("unsigned", "is not signed, but the commits before it are"),
    "B": ("bad-signature", "has a signature that does not match its content"),
    "U": ("unknown-signer", "is signed by a key that is not in gpg.ssh.allowedSignersFile"),
    "E": ("bad-signature", "has a signature that cannot be checked"),
    "X": ("bad-signature", "has an expired signature"),
    "Y": ("bad-signature", "is signed by an expired key"),
    "R": ("bad-signature", "is signed by a revoked key"),
}


def check_acks(ctx: AuditContext) -> Iterator[Finding]:
    """The acknowledgement hash chain is unbroken (:func:`soplib.ack.verify_chain`)."""
    from soplib.ack import verify_chain

    chain = verify_chain(ctx.snapshot)
    ctx.facts["acknowledgements"] = chain.records
    for f in chain.findings:
        subject = f"ack {f.seq}" if f.seq is not None else (f.path or "acks")
        yield Finding(f"ack-{f.kind}", subject, f.message)


# The checks :func:`verify` runs, in order. Modules add theirs here (e.g. the
# acknowledgement chain); each gets the same AuditContext.
CHECKS: list[Check] = [
    check_fsck,
    check_commits,
    check_tags,
    check_content,
    check_acks,
    check_anchors,
    check_signatures,
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
    ``allowed_signers`` is an auditor's own SSH allowed-signers file (instead of
    the store's ``gpg.ssh.allowedSignersFile``); ``require_signatures`` makes a
    history with no signed commit a finding.

        >>> verify(store).ok
        True
    """
    heads = tuple(validate_commit_id(h) for h in recorded_heads)
    snapshot = store.snapshot()
    repo = snapshot.repo
    ctx = AuditContext(
        store=store,
        repo=repo,
        head=snapshot.commit,
        snapshot=snapshot,
        commits=history(repo, snapshot.commit),
        recorded_heads=heads,
        allowed_signers=_readable(allowed_signers),
        require_signatures=require_signatures,
    )
    findings: list[Finding] = []
    run = CHECKS if checks is None else checks
    for check in run:
        findings.extend(check(ctx))
    return VerifyReport(
        head=ctx.head,
        commits=len(ctx.commits),
        sops=int(ctx.facts.get("sops", 0)),
        versions=int(ctx.facts.get("versions", 0)),
        anchors=int(ctx.facts.get("anchors", 0)),
        signed_commits=int(ctx.facts.get("signed_commits", 0)),
        checks=tuple(c.__name__ for c in run),
        findings=tuple(findings),
        acknowledgements=int(ctx.facts.get("acknowledgements", 0)),
    )


def _readable(path: Path | str | None) -> str | None:
    if path is None:
        return None
    if not Path(path).is_file():
        raise InvalidInputError(
            f"allowed signers file {path} does not exist; give an ssh allowed_signers file"
        )
    return str(Path(path).resolve())
