"""Operations: the one way anything is written, and how every commit is checked again.

Each change to a store is an :class:`Operation`: a frozen dataclass of its
inputs (an acknowledgement names the person, the SOP and the version; an
approval names the session and the effective date). Writing runs
``op.apply(ctx)`` inside one transaction: it reads the store as it is, checks
the rules (who may do it, what state allows it) and stages the files it
changes. The commit carries the operation itself, as canonical JSON in its
``Sop-Op`` trailer, with the actor and the time as author::

    Approve review R-20261203-3F2A: Evaluasi SOP 2026

    Sop-Actor: lalu.ahmad
    Sop-Action: approve
    Sop-Op: {"effective":"2026-12-03","op":"approve","session":"R-20261203-3F2A"}
    Sop-Version: KPU-NTB-SOP-04 2
    Sop-Tag: sop/KPU-NTB-SOP-04/v2

Because ``apply`` depends only on the parent commit's files, the operation, the
actor and the time, the same code run again on the parent gives the same tree
and the same message, byte for byte. That is how ``sop audit verify`` checks a
commit (:func:`replay`): whatever a commit changed beyond what its declared
operation does under the rules (a record edited, a file deleted, a rule
broken, a role missing) is a difference. Sync uses the same property to carry
local operations onto another clone's history.

    >>> result = execute(store, Acknowledge(staff="1980...", sop="KPU-01"), by="ani")
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from sop_store import Commit, Repository, Transaction, format_message
from soplib.errors import InvalidInputError, Phrase, RecordError, SopError
from soplib.store import COMMITTER  # re-exported: the commit format's committer
from soplib.values import Value, jsonable, load

if TYPE_CHECKING:
    from soplib.authority.grants import Role
    from soplib.store import Store

OP_TRAILER = "Sop-Op"
ACTOR_TRAILER = "Sop-Actor"
ACTION_TRAILER = "Sop-Action"
TAG_TRAILER = "Sop-Tag"

# Modules that define operations: imported when an operation has to be read
# back from a commit (verify, sync), not when the store is merely opened.
_MODULES = (
    "soplib.store_init",
    "soplib.documents.changes",
    "soplib.review.ops",
    "soplib.review.approve",
    "soplib.people.staff",
    "soplib.people.acks",
    "soplib.people.briefings",
    "soplib.authority.office",
    "soplib.authority.grants",
    "soplib.audit.anchors",
    "soplib.sync.integrate",
)
_REGISTRY: dict[str, type[Operation]] = {}

OpClass = TypeVar("OpClass", bound="type[Operation]")


def operation(kind: str) -> Callable[[OpClass], OpClass]:
    """Class decorator: register an operation under ``kind`` (its ``Sop-Action``)."""

    def register(cls: OpClass) -> OpClass:
        cls.kind = kind
        _REGISTRY[kind] = cls
        return cls

    return register


class Context:
    """What an operation's ``apply`` sees: the transaction, the actor, the moment, the office's zone."""

    def __init__(self, tx: Transaction, *, replaying: bool = False, integrating: bool = False) -> None:
        self.tx = tx
        self.actor = tx.author
        self.at = tx.at
        self.replaying = replaying
        # Carrying an operation onto another clone's history (sync): facts that were true when it
        # was made (a version read, a head anchored) are kept even if that history moved on since.
        self.integrating = integrating
        self.subject = ""
        self._zone: tzinfo | None = None

    @property
    def zone(self) -> tzinfo:
        """The office's time zone as the store says before this operation (UTC when unset)."""
        if self._zone is None:
            from soplib.authority.office import read_profile
            from soplib.clock import office_zone

            self._zone = office_zone(read_profile(self.tx).time_zone)
        return self._zone

    @property
    def today(self) -> date:
        """The day of :attr:`at` in the office's time zone."""
        return self.at.astimezone(self.zone).date()

    def require_registered(self) -> None:
        """Once grants exist, refuse an actor who is not an active registered person."""
        from soplib.authority.grants import is_open, require_registered

        if not is_open(self.tx):
            require_registered(self.tx, self.actor)

    def require(self, role: Role, *, units: tuple[str | None, ...] = (), what: Phrase | SopError) -> None:
        """Refuse unless the actor holds ``role`` (for every unit in ``units``), once grants exist."""
        from soplib.authority.grants import require_role

        require_role(self.tx, self.actor, role, units=units, what=what)


class Operation(Value):
    """Base of every operation: a frozen dataclass of its inputs (subclasses are registered by kind)."""

    __slots__ = ()
    kind: ClassVar[str] = ""

    def apply(self, ctx: Context) -> Any:
        """Check the rules and stage the changes in ``ctx.tx``; return what the caller gets back."""
        raise NotImplementedError

    def payload(self) -> str:
        """The canonical JSON of this operation: what the ``Sop-Op`` trailer holds.

        ASCII only (``\\u`` escapes), so no character can become a line break or
        be changed by the one-line rule of commit messages.
        """
        data = {**self.to_json(), "op": self.kind}
        return json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def message(tx: Transaction, op: Operation, subject: str) -> str:
    """The commit message of ``op`` applied in ``tx`` (what :func:`replay` compares byte for byte)."""
    trailers = [(ACTOR_TRAILER, tx.author), (ACTION_TRAILER, op.kind), (OP_TRAILER, op.payload())]
    trailers += tx.trailers
    trailers += [(TAG_TRAILER, tag) for tag in tx.tags]
    return format_message(subject or op.kind, trailers)


@dataclass(frozen=True)
class Applied:
    """What :func:`execute` did: the commit it made (None when nothing changed) and ``apply``'s result."""

    commit: str | None
    result: Any


def execute(
    store: Store, op: Operation, *, by: str, at: datetime | None = None, merge: tuple[str, str] | None = None
) -> Applied:
    """Apply ``op`` as ``by`` in one transaction; one commit if it staged anything (always, for a
    ``merge``).
    """
    ctx_box: list[Context] = []

    def write_message(tx: Transaction) -> str:
        return message(tx, op, ctx_box[0].subject)

    from soplib import clock

    # The time is read once the store lock is held (``now``), not before: a writer
    # that waited for another must not date its commit before its parent's.
    # Applied as it will be read back from its commit, so the write and every later replay
    # run on the same values (types checked, dict order canonical).
    checked: Operation = load(type(op), _fields(op), path=f"operation {op.kind}")
    with store.git.transaction(author=by, at=at, now=clock.now, message=write_message, merge=merge) as tx:
        ctx = Context(tx)
        ctx_box.append(ctx)
        if store.git.signer is None and _signatures_required(tx):
            from soplib.errors import RefusedError

            raise RefusedError(
                "this store requires every change to be signed, and no signing key is set: set "
                "SOP_SIGNING_KEY "
                "to your SSH key (docs/audit.md, 'Signing'); nothing was written"
            )
        result: Any = checked.apply(ctx)
    return Applied(tx.committed, result)


def _fields(op: Operation) -> dict[str, Any]:
    raw = json.loads(op.payload())
    raw.pop("op", None)
    return dict(raw)


def _signatures_required(tx: Transaction) -> bool:
    from soplib.authority.office import PROFILE

    if not tx.exists(PROFILE):
        return False
    raw = tx.read_json(PROFILE)
    return isinstance(raw, dict) and raw.get("signatures_required") is True


# -- reading operations back -------------------------------------------------------------


def registry() -> dict[str, type[Operation]]:
    """Every operation kind, with the modules that define them imported."""
    for name in _MODULES:
        importlib.import_module(name)
    return _REGISTRY


def read_operation(commit: Commit) -> Operation:
    """The operation ``commit`` declares in its ``Sop-Op`` trailer, checked against its schema.

    :class:`RecordError` if it has none, several, an unknown kind or a malformed one.
    """
    where = f"commit {commit.short} (Sop-Op)"
    text = commit.value(OP_TRAILER)
    if text is None:
        raise RecordError(where, "no single Sop-Op trailer")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise RecordError(where, exc) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("op"), str):
        raise RecordError(where, "not an operation object")
    cls = registry().get(raw.pop("op"))
    if cls is None:
        raise RecordError(where, "unknown operation kind")
    op: Operation = load(cls, raw, path=where)
    return op


@dataclass(frozen=True)
class Replayed:
    """The commit an operation gives when applied again on the parent: its tree, message and tags."""

    tree: str
    message: str
    tags: tuple[str, ...]


def replay(
    repo: Repository, op: Operation, *, parent: str | None, root: str | None, actor: str, at: datetime
) -> Replayed:
    """Apply ``op`` again on ``parent`` (its tree ``root``), writing nothing; what the commit must be.

    Raises the :class:`SopError` the rules raise when the operation is not
    allowed in that state.
    """
    tx = Transaction(repo, parent, author=actor, at=at, dry=True, root=root)
    ctx = Context(tx, replaying=True)
    op.apply(ctx)
    tree = tx.build_tree() if tx.has_changes else (root or repo.write_tree({}, dry=True))
    return Replayed(tree, message(tx, op, ctx.subject), tuple(tx.tags))


def check_ascii_safe(value: str, *, what: Phrase) -> str:
    """Refuse text that cannot sit on one line of a commit message (used for ids)."""
    if any(ch in value for ch in "\r\n\0"):
        raise InvalidInputError("{what} must be one line of text", what=what)
    return value


__all__ = [
    "COMMITTER",
    "Applied",
    "Context",
    "Operation",
    "Replayed",
    "SopError",
    "execute",
    "jsonable",
    "message",
    "operation",
    "read_operation",
    "registry",
    "replay",
]
