"""Coverage: who has acknowledged the version in force of each SOP that applies to them.

Everything is computed from one snapshot and the stored version meta (front
matter, fingerprints, carry-over marks), never by parsing Markdown. Staff are
grouped by (unit, position), so each SOP's audience is found by testing groups,
not people, and the set arithmetic runs in C: 20,000 staff x 500 SOPs is
millions of membership tests.

    >>> report = store.acks.coverage()
    >>> report.percent, [(s.id, len(s.outstanding)) for s in report.sops]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sop_store import Snapshot, validate_doc_id
from soplib.documents.records import read_record, sop_ids
from soplib.errors import NotFoundError, RefusedError
from soplib.people.ackrecords import AckRecord, partition_staff
from soplib.people.acks import CarryOver, Target, check_person, describe_chain, find_existing, target_of
from soplib.people.staff import StaffMember, read_registry
from soplib.values import HIDDEN, Value

if TYPE_CHECKING:
    from soplib.audit.history import AsOf
    from soplib.store import Store


def _percent(done: int, total: int) -> float | None:
    return round(100 * done / total, 1) if total else None


@dataclass(frozen=True)
class SopCoverage(Value):
    """One SOP's version in force: its audience and who has not acknowledged it (ids, in (unit, name)
    order).
    """

    id: str
    title: str
    version: int
    units: tuple[str, ...]
    positions: tuple[str, ...]
    audience_size: int
    acknowledged: int
    carried_over: int  # of ``acknowledged``: records of earlier versions that count
    outstanding: tuple[str, ...]
    carry_chain: tuple[CarryOver, ...]

    @property
    def percent(self) -> float | None:
        """Acknowledged share of the audience (None for an empty audience)."""
        return _percent(self.acknowledged, self.audience_size)

    @property
    def carry_note(self) -> str:
        """``v1->v2 same text; ...`` or ``""``."""
        return describe_chain(self.carry_chain)

    def _json_extra(self) -> dict[str, Any]:
        return {"percent": self.percent}


@dataclass(frozen=True)
class UnitCoverage(Value):
    """One unit: (person, SOP) pairs required and acknowledged."""

    unit: str
    staff: int
    required: int
    acknowledged: int

    @property
    def percent(self) -> float | None:
        return _percent(self.acknowledged, self.required)

    def _json_extra(self) -> dict[str, Any]:
        return {"percent": self.percent}


@dataclass(frozen=True)
class CoverageReport(Value):
    """Coverage of every SOP in force (or one), per SOP, per unit and overall.

    ``staff`` holds every person named in an ``outstanding`` list, by id, once.
    ``as_of`` is set for coverage at the end of a past day.
    """

    sops: tuple[SopCoverage, ...]
    units: tuple[UnitCoverage, ...]
    unit: str | None
    staff: dict[str, StaffMember] = field(metadata=HIDDEN)
    as_of: AsOf | None = None

    @property
    def required(self) -> int:
        return sum(s.audience_size for s in self.sops)

    @property
    def acknowledged(self) -> int:
        return sum(s.acknowledged for s in self.sops)

    @property
    def percent(self) -> float | None:
        """Acknowledged share of all (person, SOP) pairs required."""
        return _percent(self.acknowledged, self.required)

    def outstanding_people(self, sop: SopCoverage) -> list[StaffMember]:
        return [self.staff[i] for i in sop.outstanding]

    def _json_extra(self) -> dict[str, Any]:
        named = {i for s in self.sops for i in s.outstanding}
        return {
            "required": self.required,
            "acknowledged": self.acknowledged,
            "percent": self.percent,
            "staff": {i: self.staff[i].to_json() for i in sorted(named)},
        }


@dataclass(frozen=True)
class _People:
    """Active staff prepared for set arithmetic: ids per (unit, position), a sort rank."""

    by_id: dict[str, StaffMember]
    groups: dict[tuple[str, str], frozenset[str]]
    rank: dict[str, int]

    @classmethod
    def of(cls, people: list[StaffMember]) -> _People:
        groups: dict[tuple[str, str], set[str]] = defaultdict(set)
        for p in people:
            groups[(p.unit, p.position)].add(p.id)
        ordered = sorted(people, key=lambda p: (p.unit, p.name, p.id))
        return cls(
            {p.id: p for p in people},
            {k: frozenset(v) for k, v in groups.items()},
            {p.id: i for i, p in enumerate(ordered)},
        )


def targets(snap: Snapshot, sop_id: str | None, day: date | None = None) -> list[Target]:
    """The versions to measure: the current ones, or (``day``) those in force on that day."""
    from soplib.audit.history import in_force

    if sop_id is not None:
        records = [read_record(snap, validate_doc_id(sop_id))]
        if day is None and not records[0].is_active:
            raise RefusedError("{id} was withdrawn; it needs no acknowledgements", id=sop_id)
    else:
        records = [read_record(snap, i) for i in sop_ids(snap)]
    if day is None:
        return [target_of(r) for r in records if r.is_active]
    out = []
    for record in records:
        version = in_force(record, day)
        if version is not None:
            out.append(target_of(record, version.version))
        elif sop_id is not None:
            raise NotFoundError("{id} had no version in force on {day}", id=sop_id, day=day.isoformat())
    return out


Tally = dict[str, list[int]]  # unit -> [required, acknowledged]


def _sop_coverage(snap: Snapshot, target: Target, people: _People, tally: Tally) -> SopCoverage:
    own = partition_staff(snap, target.sop, target.version)
    earlier: set[str] = set()
    for version in target.versions[1:]:
        earlier |= partition_staff(snap, target.sop, version)
    size = carried = 0
    outstanding: list[str] = []
    for (unit, position), ids in people.groups.items():
        if target.includes_group(unit, position):
            missing = ids - own - earlier
            outstanding.extend(missing)
            carried += len((ids & earlier) - own)
            size += len(ids)
            tally[unit][0] += len(ids)
            tally[unit][1] += len(ids) - len(missing)
    outstanding.sort(key=people.rank.__getitem__)
    return SopCoverage(
        target.sop,
        target.title,
        target.version,
        target.units,
        target.positions,
        size,
        size - len(outstanding),
        carried,
        tuple(outstanding),
        target.chain,
    )


def coverage_at(
    snap: Snapshot,
    sop_id: str | None = None,
    *,
    unit: str | None = None,
    day: date | None = None,
    point: AsOf | None = None,
) -> CoverageReport:
    """Coverage over one snapshot; with ``day``, of the versions in force on that day."""
    people = [p for p in read_registry(snap).values() if p.active and unit in (None, p.unit)]
    if unit is not None and not people:
        raise NotFoundError("no active staff in unit {unit}", unit=repr(unit))
    prepared = _People.of(people)
    tally: Tally = defaultdict(lambda: [0, 0])
    sops = tuple(_sop_coverage(snap, t, prepared, tally) for t in targets(snap, sop_id, day))
    per_unit: dict[str, int] = defaultdict(int)
    for p in people:
        per_unit[p.unit] += 1
    units = tuple(UnitCoverage(u, n, *tally[u]) for u, n in sorted(per_unit.items()))
    return CoverageReport(sops, units, unit, prepared.by_id, point)


def coverage(
    store: Store, sop_id: str | None = None, *, unit: str | None = None, as_of: date | None = None
) -> CoverageReport:
    """Coverage now, or as the record stood at the end of ``as_of`` (the office's day)."""
    if as_of is None:
        return coverage_at(store.snapshot(), sop_id, unit=unit)
    point = store.audit.as_of(as_of)
    return coverage_at(point.snapshot(store), sop_id, unit=unit, day=as_of, point=point)


@dataclass(frozen=True)
class AckedSop(Value):
    """An SOP a person has covered, with the record that counts and why."""

    id: str
    title: str
    version: int
    record: AckRecord
    carried_over: tuple[CarryOver, ...]


@dataclass(frozen=True)
class PendingSop(Value):
    """An SOP a person still has to acknowledge."""

    id: str
    title: str
    version: int


@dataclass(frozen=True)
class PendingReport(Value):
    """What one person still has to acknowledge, and what they already have."""

    staff: StaffMember
    pending: tuple[PendingSop, ...]
    acknowledged: tuple[AckedSop, ...]


def pending(store: Store, staff_id: str) -> PendingReport:
    """The current SOP versions that apply to ``staff_id`` and that they have not acknowledged."""
    snap = store.snapshot()
    person = check_person(read_registry(snap), staff_id)
    todo, done = [], []
    for target in targets(snap, None):
        if not target.includes(person):
            continue
        found = find_existing(snap, target, person)
        if found is None:
            todo.append(PendingSop(target.sop, target.title, target.version))
        else:
            done.append(AckedSop(target.sop, target.title, target.version, found.record, found.carried_over))
    return PendingReport(person, tuple(todo), tuple(done))
