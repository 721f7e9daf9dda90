"""The checks of :func:`soplib.audit.verify.verify` besides the replay: the repository itself,
clocks, tags, the records as they stand, the acknowledgement chain, anchors and receipts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from sop_store import BRANCH, GitRunner, anomalies
from soplib.audit.verify import AuditContext, Finding
from soplib.clock import now
from soplib.errors import SopError

_MAX_FSCK_LINES = 20
# How far ahead of this computer's clock a commit may be dated: offices' clocks disagree by minutes,
# a zone set wrong by hours; a day more is a clock that was wrong (or a date that was forged).
_FUTURE_GRACE = timedelta(days=1)
# Tag namespaces soplib owns: a tag there that no commit created is a finding.
OWN_TAG_PREFIXES = ("sop/", "audit/", "review/")

_ANOMALIES = {
    "replace-ref": (
        "a replacement ref makes git's own commands show other objects than the ones stored "
        "(soplib reads the true ones)"
    ),
    "grafts": "a grafts file makes git's own commands show another history (soplib reads the true one)",
    "alternates": "the store borrows objects from another repository",
    "shallow": "the store is a shallow copy: part of its history is missing",
}


def check_repository(ctx: AuditContext) -> Iterator[Finding]:
    """No replacement refs, grafts, alternates or shallow file: nothing makes git see another history."""
    for kind, detail in anomalies(ctx.repo.git_dir):
        yield Finding(kind, detail, f"{detail}: {_ANOMALIES[kind]}; someone changed the repository by hand")


def check_fsck(ctx: AuditContext) -> Iterator[Finding]:
    """``git fsck --strict`` (run without the store's config or hooks) finds no broken or missing object."""
    heads = [h for h in {ctx.head, *ctx.repo.refs.list("refs/tags/").values()} if h]
    if not heads:
        return
    done = GitRunner(ctx.repo.git_dir).run(
        "fsck", "--strict", "--no-dangling", "--no-progress", "--end-of-options", *sorted(heads)
    )
    lines = [
        line for line in (done.stdout + done.stderr).decode("utf-8", "replace").splitlines() if line.strip()
    ]
    lines = [line for line in lines if not line.startswith("notice:")]
    if done.status != 0 or lines:
        for line in lines[:_MAX_FSCK_LINES] or [f"git fsck exited with status {done.status}"]:
            yield Finding("fsck", "repository", line)
        if len(lines) > _MAX_FSCK_LINES:
            yield Finding("fsck", "repository", f"... and {len(lines) - _MAX_FSCK_LINES} more lines")


def check_times(ctx: AuditContext) -> Iterator[Finding]:
    """Commit times never go backwards along the history, nor lie ahead of this computer's clock.

    A commit dated in the future at the head has no later commit to go backwards
    from until someone writes again; the auditor's clock is the one reference left.
    """
    current = now()
    ahead = [c for c in ctx.commits if max(c.committer_time, c.author_time) > current + _FUTURE_GRACE]
    if ahead:
        first, more = ahead[0], len(ahead) - 1
        dated = max(first.committer_time, first.author_time)
        yield Finding(
            "clock-future",
            first.sha,
            f"commit {first.short} is dated {dated:%Y-%m-%d %H:%M:%S}Z, "
            f"later than this computer's clock ({current:%Y-%m-%d %H:%M:%S}Z)"
            + (f", and so are {more} later commits" if more else "")
            + ": a clock was wrong or a date was forged; questions about dates around it rest on history "
            "order, not on its time",
        )
    times = {c.sha: c.committer_time for c in ctx.commits}
    # The author time is the one replay applies the operation at: the date records carry. soplib writes
    # it equal to the committer time; set back on its own, it backdates what the commit recorded.
    authored = {c.sha: c.author_time for c in ctx.commits}
    for commit in ctx.commits:
        for parent in commit.parents:
            before, earlier = times.get(parent), authored.get(parent)
            committed_in_order = before is None or commit.committer_time >= before
            if committed_in_order and earlier is not None and commit.author_time < earlier:
                yield Finding(
                    "clock-backwards",
                    commit.sha,
                    f"commit {commit.short} dates what it recorded {commit.author_time:%Y-%m-%d %H:%M:%S}Z "
                    f"(its author time), before its parent {parent[:10]} ({earlier:%Y-%m-%d %H:%M:%S}Z): "
                    "the date was set back",
                )
            if before is not None and commit.committer_time < before:
                yield Finding(
                    "clock-backwards",
                    commit.sha,
                    f"commit {commit.short} is dated {commit.committer_time:%Y-%m-%d %H:%M:%S}Z, before "
                    f"its parent "
                    f"{parent[:10]} ({before:%Y-%m-%d %H:%M:%S}Z): a clock was wrong or a date was forged; "
                    "questions about dates around it rest on history order, not on its time",
                )
        if commit.author_time > commit.committer_time:
            yield Finding(
                "clock-backwards",
                commit.sha,
                f"commit {commit.short} was authored at {commit.author_time:%Y-%m-%d %H:%M:%S}Z, after it "
                f"was committed",
            )


def check_tags(ctx: AuditContext) -> Iterator[Finding]:
    """Every tag a commit created exists and points at it; no other tag in soplib's namespaces."""
    # Tags of local changes a later integration refused stepped aside for the other side's (soplib/sync).
    refused = {v.split(" ", 1)[0] for c in ctx.commits if c.is_merge for v in c.values("Sop-Refused")}
    expected = {name: c.sha for c in ctx.commits if c.sha not in refused for name in c.values("Sop-Tag")}
    actual = {name.removeprefix("refs/tags/"): sha for name, sha in ctx.repo.refs.list("refs/tags/").items()}
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
            where = "in the history" if sha in ctx.reachable else "not in the history (history rewritten?)"
            yield Finding(
                "tag-extra", name, f"tag {name} points to {sha[:10]} ({where}) but no commit created it"
            )


def check_records(ctx: AuditContext) -> Iterator[Finding]:
    """Every record as it stands now has the shape soplib writes, and every version's text is intact."""
    from soplib.audit.anchors import list_anchors
    from soplib.authority.grants import read_grants
    from soplib.authority.office import read_profile
    from soplib.documents.records import read_record, sop_ids, text_path
    from soplib.people.briefings import read_briefings
    from soplib.people.staff import read_registry
    from soplib.review.records import read_sessions

    snap = ctx.snapshot
    readers = (read_registry, read_profile, read_grants, read_briefings, read_sessions, list_anchors)
    for reader in readers:
        try:
            reader(snap)
        except SopError as exc:
            yield Finding("record-invalid", getattr(exc, "path", reader.__name__), str(exc))
    ids = sop_ids(snap)
    versions = 0
    for sop_id in ids:
        try:
            record = read_record(snap, sop_id)
        except SopError as exc:
            yield Finding("record-invalid", f"sops/{sop_id}.json", str(exc))
            continue
        for v in record.versions:
            versions += 1
            try:
                ctx.repo.read_blob(v.blob)
            except SopError as exc:
                yield Finding(
                    "content-missing",
                    f"{sop_id} v{v.version}",
                    f"the text of {sop_id} v{v.version} is unreadable: {exc}",
                )
        if snap.blob_id(text_path(sop_id)) != record.latest.blob:
            yield Finding(
                "text-changed",
                f"{sop_id} v{record.latest.version}",
                f"sops/{sop_id}.md is not the text of its latest version",
            )
    for name in snap.list("sops"):
        if name.endswith(".md") and name[:-3] not in ids:
            yield Finding("record-missing", name[:-3], f"sops/{name} has no record sops/{name[:-3]}.json")
    ctx.facts["sops"] = len(ids)
    ctx.facts["versions"] = versions


def check_acks(ctx: AuditContext) -> Iterator[Finding]:
    """The acknowledgement hash chain is unbroken (:func:`soplib.audit.ackchain.verify_chain`)."""
    from soplib.audit.ackchain import verify_chain

    chain = verify_chain(ctx.snapshot)
    ctx.facts["acknowledgements"] = chain.records
    for f in chain.findings:
        subject = f"ack {f.seq}" if f.seq is not None else (f.path or "acks")
        yield Finding(f"ack-{f.kind}", subject, f.message)


def check_anchors(ctx: AuditContext) -> Iterator[Finding]:
    """Every recorded head (anchors in the store, anchor tags, receipts) is still in the history of main."""
    from soplib.audit.anchors import ANCHOR_TAG, list_anchors

    try:
        anchors = list_anchors(ctx.snapshot)
    except SopError:
        anchors = []  # reported by check_records
    ctx.facts["anchors"] = len(anchors)
    heads: list[tuple[str, str]] = [
        (a.head, f"anchor {a.id} ({a.date:%Y-%m-%d}, by {a.by})") for a in anchors if a.head
    ]
    for name, sha in sorted(ctx.repo.refs.list(f"refs/tags/{ANCHOR_TAG}").items()):
        heads.append((sha, f"anchor tag {name.removeprefix('refs/tags/')}"))
    heads += [(sha, "a head recorded outside the store") for sha in ctx.recorded_heads]
    seen: set[str] = set()
    for sha, what in heads:
        if sha in seen:
            continue
        seen.add(sha)
        if sha not in ctx.reachable:
            yield Finding(
                "history-rewritten",
                sha,
                f"{what} recorded head {sha[:10]}, which is no longer in the history of "
                f"{BRANCH.removeprefix('refs/heads/')}: "
                "history was rewritten (reset, rebase or force-push) after it was recorded",
            )
    yield from _left_out(ctx)


def _left_out(ctx: AuditContext) -> Iterator[Finding]:
    """No change a head recorded outside the store (a receipt, ``--head``) covers was left out later.

    An integration may leave out a local change the other side's history refuses (docs/sync.md); it
    is the auditor's own evidence that tells a change already in the record from one that was not
    yet: an insider could otherwise integrate main onto a branch of the past and drop an approval
    and its acknowledgements from main's files. Anchors inside the store do not count: a clone's
    anchor of changes it had not shared yet is no proof they were.
    """
    merges = [c for c in ctx.commits if c.is_merge and c.values("Sop-Refused")]
    heads = [h for h in dict.fromkeys(ctx.recorded_heads) if h in ctx.reachable]
    if not merges or not heads:
        return
    parents = {c.sha: c.parents for c in ctx.commits}
    for head in heads:
        covered: set[str] = set()
        stack = [head]
        while stack:
            sha = stack.pop()
            if sha not in covered:
                covered.add(sha)
                stack.extend(parents.get(sha, ()))
        for merge in merges:
            if merge.sha in covered:
                continue  # recorded after the integration: what it left out was out already
            for value in merge.values("Sop-Refused"):
                left = value.split(" ", 1)[0]
                if left in covered:
                    yield Finding(
                        "left-out",
                        left,
                        f"commit {left[:10]} ({value.split(' ', 1)[-1].split(';')[0]}) was in the record at "
                        f"head {head[:10]}, recorded outside the store, but integration {merge.short} left "
                        "its change out of the files of main: what it recorded is no longer in force",
                    )
