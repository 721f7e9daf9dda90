"""``store.remotes``: sharing one store between machines through a git server.

    >>> store.remotes.add("origin", "ssh://git@server/kpu-ntb/sop-store.git")
    >>> result = store.remotes.sync("origin", by="ani")
    >>> clone = Store.clone("ssh://git@server/kpu-ntb/sop-store.git", "sop-store")

A sync fetches the remote's ``main`` and tags, brings the two histories
together (nothing to do, a fast-forward, or a merge that carries this clone's
operations onto the other side's history: :mod:`soplib.sync.integrate`), and
pushes the result. The push is never forced: when the remote moved meanwhile it
refuses, and sync starts again from the fetch (a few times). Every step can be
interrupted (``kill -9``, the network dropping): the store's refs move only by
compare-and-swap under the store lock, the remote's only by an atomic push, so
the next sync finishes the job.
"""

from __future__ import annotations

import builtins
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sop_store.graph import have_common_history, is_ancestor, merges_only_in
from sop_store.logs import get_logger
from sop_store.remote import (
    Fetched,
    add_remote,
    fetch,
    list_remotes,
    push,
    remove_remote,
    validate_remote_name,
)
from soplib.errors import ConflictError, InvalidInputError, NotFoundError, Phrase, RefusedError, StoreError
from soplib.ops import ACTION_TRAILER, read_operation
from soplib.sync.integrate import Integrate, Refusal, discover
from soplib.values import Value

if TYPE_CHECKING:
    from soplib.store import Store

log = get_logger(__name__)

ATTEMPTS = 5
TAG_NAMESPACES = ("sop/", "review/", "audit/")
REFUSED_TAGS = "refs/soplib/refused/tags/"


@dataclass(frozen=True)
class RefusedChange(Value):
    """A local change the other side's history refuses: it stays in the history, left out of the files.

    ``other`` is the other side's commit it conflicts with (the one that wrote the
    same version, closed the session...), with its action and actor; None when no
    single commit can be named.
    """

    commit: str
    actor: str
    action: str
    reason: str
    other: str | None = None
    other_action: str | None = None
    other_actor: str | None = None
    integration: str | None = None  # the merge commit that left it out

    @classmethod
    def of(cls, refusal: Refusal, integration: str | None) -> RefusedChange:
        other = refusal.other
        return cls(
            refusal.commit, refusal.actor, refusal.action, str(refusal.reason),
            other.sha if other else None, other.value(ACTION_TRAILER) if other else None,
            other.author.name if other else None, integration,
        )  # fmt: skip


How = Literal["up-to-date", "fast-forward", "merged", "pushed-only", "empty"]


@dataclass(frozen=True)
class SyncResult(Value):
    """What a sync did."""

    remote: str
    head: str | None
    integrated: How
    pushed: bool
    attempts: int
    refused: tuple[RefusedChange, ...] = ()


class _LocalMoved(Exception):
    """This store's main moved while a sync was integrating (someone recorded a change here)."""


class Remotes:
    """The remotes of a store, and syncing with them."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def _repo(self):  # type: ignore[no-untyped-def]
        return self._store.git.repo

    def list(self) -> dict[str, str]:
        """Remote name -> URL."""
        return list_remotes(self._repo)

    def add(self, name: str, url: str) -> None:
        """Record a remote (in the store's git config, as ``git remote add`` does)."""
        add_remote(self._repo, name, url)

    def remove(self, name: str) -> None:
        remove_remote(self._repo, name)

    def url(self, name: str) -> str:
        remotes = self.list()
        if validate_remote_name(name) not in remotes:
            raise NotFoundError(
                "no remote {name}; add it first (known: {known})",
                name=name,
                known=", ".join(remotes) or Phrase("none"),
            )
        return remotes[name]

    # -- sync -------------------------------------------------------------------------------

    def sync(self, name: str = "origin", *, by: str) -> SyncResult:
        """Fetch, integrate, push; again if the remote moved meanwhile (a few times)."""
        url = self.url(name)
        refused: builtins.list[RefusedChange] = []
        for attempt in range(1, ATTEMPTS + 1):
            fetched = fetch(self._repo, url)
            log.debug("sync %s: fetched main %s, %d tags", name, fetched.main, len(fetched.tags))
            try:
                how, head, refusals = self._integrate(fetched, by=by)
            except _LocalMoved:  # a change was recorded here meanwhile: integrate again, with it
                log.info("main moved here while integrating; integrating again")
                continue
            log.debug("sync %s: integrated (%s), head %s", name, how, head)
            # Integrating again after a rejected push refuses the same local changes again: listed once.
            seen = {r.commit for r in refused}
            refused += [RefusedChange.of(r, head) for r in refusals if r.commit not in seen]
            if head is None:
                return SyncResult(name, None, "empty", False, attempt)
            if head == fetched.main:
                self._track(name, head)
                return SyncResult(name, head, how, False, attempt, tuple(refused))
            tags = self._tags_to_push(fetched)
            log.debug("sync %s: pushing %s and %d tags", name, head, len(tags))
            pushed = push(self._repo, url, main=head, expected=fetched.main, tags=tags)
            log.debug("sync %s: push %s", name, "done" if pushed.ok else f"refused: {pushed.detail}")
            if pushed.ok:
                self._track(name, head)
                return SyncResult(
                    name, head, "pushed-only" if how == "up-to-date" else how, True, attempt, tuple(refused)
                )
            if not pushed.rejected:
                raise StoreError("cannot push to {url}: {reason}", url=url, reason=pushed.detail)
            log.info("push to %s refused (the remote moved); integrating again", url)
        raise ConflictError("the remote {name} kept moving ({n} attempts); sync again", name=name, n=ATTEMPTS)

    def _integrate(self, fetched: Fetched, *, by: str) -> tuple[How, str | None, builtins.list[Refusal]]:
        repo = self._repo
        remote, local = fetched.main, repo.head()
        if remote is None or remote == local or is_ancestor(repo, remote, local):
            if remote is not None and local != remote:
                # An integration made here and not pushed yet (a sync killed before its push): the
                # tags of the changes it refused step aside now if they did not then.
                ours = merges_only_in(repo, local, excluding=remote)  # only integrations refuse
                self._set_aside(frozenset(v.split(" ", 1)[0] for c in ours for v in c.values("Sop-Refused")))
            self._adopt_tags(fetched, refused=frozenset())
            return "up-to-date", local, []
        if local is None or is_ancestor(repo, local, remote):
            try:
                with self._store.git.locked():
                    repo.refs.update("refs/heads/main", remote, old=local)
            except ConflictError:
                raise _LocalMoved from None
            self._adopt_tags(fetched, refused=frozenset())
            return "fast-forward", remote, []
        if not have_common_history(repo, local, remote):
            raise RefusedError(
                "the remote's history shares no commit with this store's: it holds another store or another "
                "project (a store syncs only with its own clones; for a new shared store use an empty "
                "repository, without a README); nothing was changed"
            )
        found = discover(repo, local=local, remote=remote)
        op = Integrate(remote, local, tuple(r.commit for r in found))
        log.debug("merging local changes onto %s (%d refused)", remote, len(found))
        try:
            applied = self._store.apply(op, by=by, merge=(remote, local))
        except ConflictError:
            raise _LocalMoved from None
        self._set_aside(frozenset(op.refused))
        self._adopt_tags(fetched, refused=frozenset(op.refused))
        refusals: builtins.list[Refusal] = applied.result  # named with the other side's commits
        return "merged", applied.commit, refusals

    def refused(self) -> builtins.list[RefusedChange]:
        """Every local change an integration in this history left out, oldest first, with what refused it.

        Their commits are still in the history (each merge's second parent reaches
        them): ``store.snapshot(change.commit)`` reads the store as that change left it.
        """
        from soplib.audit.verify import history
        from soplib.sync.integrate import name_conflicts

        out: builtins.list[RefusedChange] = []
        repo = self._repo
        for merge in history(repo, repo.head()):
            if not merge.is_merge or not merge.values("Sop-Refused"):
                continue
            op = read_operation(merge)
            if not isinstance(op, Integrate):
                continue
            # The reasons are what the rules said then: the integration is replayed, writing nothing.
            found = discover(repo, local=op.local, remote=op.remote)
            named = name_conflicts(repo, found, local=op.local, remote=op.remote)
            out += [RefusedChange.of(r, merge.sha) for r in named if r.commit in op.refused]
        return out

    def _set_aside(self, refused: frozenset[str]) -> None:
        """Tags made by refused changes move to ``refs/soplib/refused/tags/``: kept, not pushed or claimed."""
        if not refused:
            return
        refs = self._repo.refs
        with self._store.git.locked():
            for name, sha in refs.list("refs/tags/").items():
                if sha in refused:
                    short = name.removeprefix("refs/tags/")
                    refs.update(f"{REFUSED_TAGS}{short}", sha, old=refs.read(f"{REFUSED_TAGS}{short}"))
                    refs.delete(name)

    def _adopt_tags(self, fetched: Fetched, *, refused: frozenset[str]) -> None:
        """Create the remote's tags here; a local tag of a refused change steps aside for the remote's."""
        refs = self._repo.refs
        with self._store.git.locked():
            for name, sha in sorted(fetched.tags.items()):
                if not name.startswith(TAG_NAMESPACES):
                    continue
                mine = refs.read(f"refs/tags/{name}")
                if mine == sha:
                    continue
                if mine is not None:
                    if not self._is_refused(mine, refused):
                        raise ConflictError(
                            "tag {name} is {mine} here and {theirs} on the remote; the histories disagree "
                            "(verify both stores)",
                            name=name,
                            mine=mine[:10],
                            theirs=sha[:10],
                        )
                    refs.update(f"{REFUSED_TAGS}{name}", mine, old=refs.read(f"{REFUSED_TAGS}{name}"))
                    refs.update(f"refs/tags/{name}", sha, old=mine)
                else:
                    refs.update(f"refs/tags/{name}", sha, old=None)

    def _is_refused(self, sha: str, refused: frozenset[str]) -> bool:
        if sha in refused:
            return True
        # Refused by an earlier integration: the merges in this history list them.
        from soplib.audit.verify import history

        for commit in history(self._repo, self._repo.head()):
            if commit.is_merge and any(v.startswith(sha) for v in commit.values("Sop-Refused")):
                return True
        return False

    def _tags_to_push(self, fetched: Fetched) -> dict[str, str]:
        mine = {n.removeprefix("refs/tags/"): s for n, s in self._repo.refs.list("refs/tags/").items()}
        return {n: s for n, s in mine.items() if n.startswith(TAG_NAMESPACES) and fetched.tags.get(n) != s}

    def _track(self, name: str, head: str) -> None:
        ref = f"refs/remotes/{name}/main"
        with self._store.git.locked():
            self._repo.refs.update(ref, head, old=self._repo.refs.read(ref))


def clone(url: str, path: Path | str) -> Store:
    """A new store at ``path`` holding the history of the store at ``url``; ``origin`` is ``url``."""
    from sop_store import GitStore
    from soplib.ops import COMMITTER
    from soplib.store import MARKER, Store

    target = Path(path)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InvalidInputError("{path} already exists and is not empty; choose a new folder", path=target)
    # Built beside the target and renamed into place when complete: a failed or killed clone leaves
    # no half-made store under the name asked for (an empty folder given as the target stays).
    building = target.with_name(f".{target.name}.sop-clone-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    git = GitStore.init(building, committer=COMMITTER)
    try:
        fetched = fetch(git.repo, url)
        if fetched.main is None:
            raise NotFoundError(
                "the remote {url} has no store yet: create one here and sync it there", url=url
            )
        git.repo.refs.update("refs/heads/main", fetched.main, old=None)
        tags = {f"refs/tags/{n}": s for n, s in fetched.tags.items() if n.startswith(TAG_NAMESPACES)}
        git.repo.refs.pack_new({**tags, "refs/remotes/origin/main": fetched.main})
        add_remote(git.repo, "origin", url)
        if not git.snapshot().exists(MARKER):
            raise NotFoundError(
                "{url} holds a git repository but not a soplib store (no {marker})", url=url, marker=MARKER
            )
    except BaseException:
        git.close()
        shutil.rmtree(building, ignore_errors=True)
        raise
    git.close()
    os.replace(building, target)  # onto nothing, or onto the empty folder given
    return Store.open(target)
