"""Acknowledgements: who confirmed having read and understood which SOP version.

A person acknowledges the *current* version of an SOP that applies to them
(its audience). Acknowledgements of one version also count for the next when
the next one's body is the same text (whitespace-only edits) or its approver
marked it editorial; this carries over across several versions
(:func:`counted_versions`). The records are hash-chained (:mod:`.ackrecords`).

    >>> outcome = store.acks.record("198001012005011001", "KPU-NTB-SOP-01", by="ani")
    >>> store.acks.coverage().percent
    >>> store.acks.pending("198001012005011001").pending
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sop_store import Snapshot, validate_doc_id, validate_name
from soplib.documents.records import SopRecord, read_record
from soplib.errors import NotFoundError, Phrase, RefusedError, SopError
from soplib.ops import Context, Operation, operation
from soplib.people.ackrecords import AckRecord, NewAck, find_record, iter_records, stage_acks
from soplib.people.staff import StaffMember, read_registry
from soplib.values import Value

if TYPE_CHECKING:
    from soplib.people.coverage import CoverageReport, PendingReport
    from soplib.store import Store


@dataclass(frozen=True)
class CarryOver(Value):
    """Acknowledgements of ``source`` count for ``target`` (the next version), and why."""

    source: int
    target: int
    reason: str  # "same text" or "editorial: <reason>"


def describe_chain(chain: tuple[CarryOver, ...] | list[CarryOver]) -> str:
    """``v2->v3 same text; v1->v2 editorial: typo`` (``""`` for no carry-over)."""
    return "; ".join(f"v{c.source}->v{c.target} {c.reason}" for c in chain)


def carry_reason(record: SopRecord, version: int) -> str | None:
    """Why acknowledgements of ``version - 1`` count for ``version``, or None."""
    if version <= 1:
        return None
    meta, prev = record.version(version).meta, record.version(version - 1).meta
    editorial = meta.get("editorial")
    if isinstance(editorial, dict) and editorial.get("reason"):
        return f"editorial: {editorial['reason']}"
    body = meta.get("body_sha256")
    if body and body == prev.get("body_sha256"):
        return "same text"
    return None


def counted_versions(record: SopRecord, version: int | None = None) -> list[CarryOver]:
    """The chain of carry-overs into ``version`` (default: the latest), newest first."""
    number = record.latest.version if version is None else version
    chain = []
    while (reason := carry_reason(record, number)) is not None:
        chain.append(CarryOver(number - 1, number, reason))
        number -= 1
    return chain


@dataclass(frozen=True)
class Target:
    """A version that can be acknowledged, with what counts for it."""

    sop: str
    version: int
    content_sha256: str
    units: tuple[str, ...]
    positions: tuple[str, ...]
    chain: tuple[CarryOver, ...]
    title: str = ""

    def includes(self, person: StaffMember) -> bool:
        return self.includes_group(person.unit, person.position)

    def includes_group(self, unit: str, position: str) -> bool:
        """True if people of ``unit`` and ``position`` are in the audience (empty lists: anyone)."""
        return (not self.units or unit in self.units) and (not self.positions or position in self.positions)

    @property
    def versions(self) -> list[int]:
        """This version and every earlier one whose records count for it, newest first."""
        return [self.version, *(c.source for c in self.chain)]

    def describe_audience(self) -> SopError | Phrase:
        """The audience as a message parameter: ``units: A, B; positions: C`` or ``everyone``."""
        units, positions = ", ".join(self.units), ", ".join(self.positions)
        if units and positions:
            return SopError("units: {units}; positions: {positions}", units=units, positions=positions)
        if units:
            return SopError("units: {units}", units=units)
        if positions:
            return SopError("positions: {positions}", positions=positions)
        return Phrase("everyone")


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list | tuple) else ()


def target_of(record: SopRecord, version: int | None = None) -> Target:
    """A version (default: the current one) as an acknowledgement target, from its stored meta."""
    v = record.latest if version is None else record.version(version)
    audience = v.front.get("audience")
    audience = audience if isinstance(audience, dict) else {}
    return Target(
        record.id,
        v.version,
        v.content_sha256,
        _strings(audience.get("units")),
        _strings(audience.get("positions")),
        tuple(counted_versions(record, v.version)),
        v.title,
    )


def current_target(snap: Snapshot, sop_id: str, version: int | None = None) -> Target:
    """The current version of an active SOP; refuses an old or withdrawn one."""
    record = read_record(snap, validate_doc_id(sop_id))
    latest = record.latest.version
    if version is not None:
        record.version(version)  # NotFoundError for a version that never existed
    if not record.is_active:
        raise RefusedError("{id} was withdrawn; a withdrawn SOP cannot be acknowledged", id=sop_id)
    if version is not None and version != latest:
        raise RefusedError(
            "{id} v{version} is superseded by v{latest}; only the current version can be acknowledged",
            id=sop_id,
            version=version,
            latest=latest,
        )
    return target_of(record)


def check_person(registry: dict[str, StaffMember], staff_id: str) -> StaffMember:
    """The active person ``staff_id``; refuses an unknown or inactive one."""
    validate_name(staff_id, what=Phrase("staff id"))
    person = registry.get(staff_id)
    if person is None:
        raise NotFoundError("no staff {id} in the registry; import the staff list first", id=staff_id)
    if not person.active:
        raise RefusedError(
            "staff {id} ({name}) is inactive; inactive staff cannot acknowledge",
            id=staff_id,
            name=person.name,
        )
    return person


def check_audience(target: Target, person: StaffMember) -> None:
    if not target.includes(person):
        raise RefusedError(
            "{sop} does not apply to {id} ({name}, {position}, {unit}); its audience is {audience}",
            sop=target.sop,
            id=person.id,
            name=person.name,
            position=person.position,
            unit=person.unit,
            audience=target.describe_audience(),
        )


@dataclass(frozen=True)
class AckOutcome(Value):
    """The answer to one acknowledgement: the new record, or the one already there."""

    staff: StaffMember
    sop: str
    version: int
    record: AckRecord
    created: bool
    carried_over: tuple[CarryOver, ...] = ()  # how an earlier record counts for ``version``

    @property
    def reason(self) -> str | None:
        """Why an earlier version's record counts (None if it is this version's)."""
        return describe_chain(self.carried_over) or None


def find_existing(snap: Snapshot, target: Target, person: StaffMember) -> AckOutcome | None:
    """The record that already counts for ``person`` on ``target``, if any."""
    for i, version in enumerate(target.versions):
        record = find_record(snap, target.sop, version, person.id)
        if record is not None:
            return AckOutcome(person, target.sop, target.version, record, False, target.chain[:i])
    return None


@operation("ack")
@dataclass(frozen=True)
class Acknowledge(Operation):
    """``staff`` read and understood version ``version`` of ``sop``, the current one when it was recorded.

    Carried onto another clone's history (sync), the version may have been
    superseded there meanwhile: the person still read that version, so the
    record is kept, of that version.
    """

    staff: str
    sop: str
    version: int
    content_sha256: str

    def apply(self, ctx: Context) -> AckOutcome:
        if ctx.actor != self.staff:
            ctx.require("controller", what=Phrase("record an acknowledgement for someone else"))
        else:
            ctx.require_registered()
        person = check_person(read_registry(ctx.tx), self.staff)
        if ctx.integrating:
            sop_record = read_record(ctx.tx, validate_doc_id(self.sop))
            target = target_of(sop_record, sop_record.version(self.version).version)
        else:
            target = current_target(ctx.tx, self.sop, self.version)
        if target.content_sha256 != self.content_sha256:
            raise RefusedError(
                "{sop} v{version} here is not the text that was acknowledged (another version {version} was "
                "approved elsewhere); the acknowledgement does not carry over",
                sop=self.sop,
                version=self.version,
            )
        check_audience(target, person)
        existing = find_existing(ctx.tx, target, person)
        if existing is not None:
            return existing
        (record,) = stage_acks(ctx.tx, [NewAck(self.staff, self.sop, target.version, target.content_sha256)])
        ctx.subject = f"Acknowledge {self.sop} by {self.staff}"
        return AckOutcome(person, self.sop, target.version, record, True)


class Acks:
    """``store.acks``: acknowledgements, coverage and what each person still has to read."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def record(self, staff_id: str, sop_id: str, *, by: str, version: int | None = None) -> AckOutcome:
        """Record that ``staff_id`` read the current version of ``sop_id`` (one commit).

        Acknowledging again is harmless: nothing is written and the outcome has
        ``created=False`` with the record already there (perhaps of an earlier
        version that carries over).
        """
        target = current_target(self._store.snapshot(), sop_id, version)
        op = Acknowledge(staff_id, sop_id, target.version, target.content_sha256)
        result: AckOutcome = self._store.apply(op, by=by).result
        return result

    def __iter__(self) -> Iterator[AckRecord]:
        return self.iter()

    def iter(
        self, *, sop_id: str | None = None, staff_id: str | None = None, snapshot: Snapshot | None = None
    ) -> Iterator[AckRecord]:
        """Every record (of one SOP and/or one person), partition by partition (not in sequence order).

        A generator: a store with 2,000,000 records is never held in memory at once.
        """
        if sop_id is not None:
            validate_doc_id(sop_id)
        if staff_id is not None:
            validate_name(staff_id, what=Phrase("staff id"))
        return iter_records(snapshot or self._store.snapshot(), sop_id=sop_id, staff_id=staff_id)

    def list(self, *, sop_id: str | None = None, staff_id: str | None = None) -> builtins.list[AckRecord]:
        """The records (of one SOP and/or one person) in sequence order."""
        return sorted(self.iter(sop_id=sop_id, staff_id=staff_id), key=lambda r: r.seq)

    def coverage(
        self, sop_id: str | None = None, *, unit: str | None = None, as_of: date | None = None
    ) -> CoverageReport:
        """Who has acknowledged the version of each SOP in force (now, or at the end of ``as_of``)."""
        from soplib.people.coverage import coverage

        return coverage(self._store, sop_id, unit=unit, as_of=as_of)

    def pending(self, staff_id: str) -> PendingReport:
        """The current SOP versions that apply to ``staff_id`` and that they have not acknowledged."""
        from soplib.people.coverage import pending

        return pending(self._store, staff_id)
