"""The public entry point: a :class:`Store` of SOPs kept in a git repository.

One object, with a collection per domain noun, in the way sqlite-utils gives
``db["table"]``::

    store = Store.open("sop-store")
    store.sops.get("KPU-NTB-SOP-04")                      # SOPs and their versions
    session = store.reviews.start([...], team=..., ref=..., by="ani")
    store.staff.import_csv("pegawai.csv", by="ani")       # the staff registry
    store.acks.record("1980...", "KPU-NTB-SOP-04", by="ani")
    store.acks.coverage()                                  # who has not acknowledged
    store.briefings.create(title=..., day=date(2026, 12, 3), sops=[...], by="ani")
    store.office.set(time_zone="Asia/Makassar", by="admin")
    store.grants.grant("approver", "1968...", by="admin")
    store.audit.verify()                                   # replay every commit

Every write names the acting person (``by``) and is one git commit carrying the
operation it performed (:mod:`soplib.ops`). Collections are built on first use,
so opening a store to print one SOP stays cheap.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from sop_store import GitStore, Snapshot
from soplib.errors import NotFoundError

# Every commit soplib writes names it as committer (the author is the person acting).
COMMITTER = ("soplib", "soplib@sop.invalid")

if TYPE_CHECKING:
    from datetime import datetime

    from soplib.audit.audit import Audit
    from soplib.authority.grants import Grants
    from soplib.authority.office import Office
    from soplib.documents.sops import Sops
    from soplib.ops import Applied, Operation
    from soplib.people.acks import Acks
    from soplib.people.briefings import Briefings
    from soplib.people.staff import Staff
    from soplib.review.reviews import Reviews
    from soplib.sync.remotes import Remotes

MARKER = "soplib-store.json"
SIGNING_KEY_ENV = "SOP_SIGNING_KEY"


class Store:
    """An SOP store. Open one with :meth:`open` or create one with :meth:`init`."""

    def __init__(self, git: GitStore) -> None:
        self.git = git
        key = os.environ.get(SIGNING_KEY_ENV)
        if key:
            from sop_store.signing import ssh_sign

            git.signer = lambda payload: ssh_sign(payload, key=key)

    # -- lifecycle -----------------------------------------------------------------

    @classmethod
    def init(
        cls,
        path: Path | str,
        *,
        language: str | None = None,
        time_zone: str | None = None,
        office_name: str | None = None,
    ) -> Store:
        """Create a new store (a bare git repository) at ``path``; one commit records it.

        ``language`` (``"id"``/``"en"``), ``time_zone`` (IANA) and ``office_name``
        start the office profile (``store.office``).
        """
        from soplib.store_init import InitStore

        store = cls(GitStore.init(path, committer=COMMITTER))
        try:
            store.apply(
                InitStore(language=language, time_zone=time_zone, office_name=office_name), by="soplib"
            )
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open the store at ``path``; :class:`NotFoundError` if it is not one."""
        path = Path(path)
        if not (path / "HEAD").is_file():
            raise NotFoundError(
                "no soplib store at {path}; create one with init or give another path", path=path
            )
        store = cls(GitStore.open(path, committer=COMMITTER))
        try:
            if not store.snapshot().exists(MARKER):
                raise NotFoundError(
                    "{path} is a git repository but not a soplib store (no {marker})",
                    path=path,
                    marker=MARKER,
                )
        except BaseException:
            store.close()
            raise
        return store

    @property
    def path(self) -> Path:
        return self.git.path

    def close(self) -> None:
        """Release caches and open files; the store can be reopened later."""
        self.git.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def head(self) -> str | None:
        """The commit the store's ``main`` branch points to."""
        return self.git.head()

    def snapshot(self, commit: str | None = None) -> Snapshot:
        """The store's files as of ``commit`` (default: the head), for consistent reads."""
        return self.git.snapshot(commit)

    def apply(
        self, op: Operation, *, by: str, at: datetime | None = None, merge: tuple[str, str] | None = None
    ) -> Applied:
        """Perform one operation as ``by`` (one commit); the collections below call this."""
        from soplib.ops import execute

        return execute(self, op, by=by, at=at, merge=merge)

    @classmethod
    def clone(cls, url: str, path: Path | str) -> Store:
        """A new store at ``path`` with the history of the store at ``url`` (its remote ``origin``)."""
        from soplib.sync.remotes import clone

        return clone(url, path)

    # -- the collections -------------------------------------------------------------

    @cached_property
    def sops(self) -> Sops:
        """The SOPs: add, update, get, list, history, diff, blame, print."""
        from soplib.documents.sops import Sops

        return Sops(self)

    @cached_property
    def reviews(self) -> Reviews:
        """Review sessions: start, get, list."""
        from soplib.review.reviews import Reviews

        return Reviews(self)

    @cached_property
    def staff(self) -> Staff:
        """The staff registry: import, get, list, deactivate."""
        from soplib.people.staff import Staff

        return Staff(self)

    @cached_property
    def acks(self) -> Acks:
        """Acknowledgements: record, iterate, coverage, pending."""
        from soplib.people.acks import Acks

        return Acks(self)

    @cached_property
    def briefings(self) -> Briefings:
        """Briefings (sosialisasi) and their attendance lists."""
        from soplib.people.briefings import Briefings

        return Briefings(self)

    @cached_property
    def office(self) -> Office:
        """The office profile: name, address, logo, time zone, language."""
        from soplib.authority.office import Office

        return Office(self)

    @cached_property
    def grants(self) -> Grants:
        """Who may do what: admin, controller, approver."""
        from soplib.authority.grants import Grants

        return Grants(self)

    @cached_property
    def remotes(self) -> Remotes:
        """The git servers this store syncs with: add, remove, list, sync."""
        from soplib.sync.remotes import Remotes

        return Remotes(self)

    @cached_property
    def audit(self) -> Audit:
        """Verification, anchors, history as of a date, reports, the evidence pack."""
        from soplib.audit.audit import Audit

        return Audit(self)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"
