"""Coverage: who has acknowledged the current version of each SOP that applies to them.

Everything is computed from one snapshot and the stored version meta (front
matter, fingerprints, carry-over marks), never by parsing Markdown, so a
store with 1,000 staff, 200 SOPs and 200,000 records answers in well under a
second. Staff are grouped by (unit, position) so each SOP's audience is found
by testing groups, not people.

    >>> report = coverage(store)
    >>> report.percent, [(s.id, len(s.outstanding)) for s in report.sops]
    >>> pending(store, "198001012005011001").pending
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sop_store
from sop_store import Snapshot, validate_doc_id
from soplib.ack import (
    AckRecord,
    CarryOver,
    Target,
    check_person,
    describe_chain,
    find_record,
    partition_staff,
    target_of,
)
from soplib.audit import AsOf, as_of, in_force
from soplib.errors import NotFoundError, RefusedError
from soplib.staff import StaffMember, read_registry

if TYPE_CHECKING:
    from soplib.store import Store


def _percent(done: int, total: int) -> float | None:
    return round(100 * done / total, 1) if total else None


@dataclass(frozen=True)
class SopCoverage:
    """One SOP's current version: its audience and who has not acknowledged it."""

    id: str
    title: str
    version: int
    audience: dict[str, Any]
    audience_size: int
    acknowledged: int
    carried_over: int  # of ``acknowledged``: records of earlier versions that count
    outstanding: tuple[StaffMember, ...]
    carried: tuple[CarryOver, ...]

    @property
    def percent(self) -> float | None:
        """Acknowledged share of the audience (None for an empty audience)."""
        return _percent(self.acknowledged, self.audience_size)

    @property
    def carry_note(self) -> str:
        """``v1->v2 same text; ...`` or ``""``."""
        return describe_chain(self.carried)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "audience": self.audience,
            "audience_size": self.audience_size,
            "acknowledged": self.acknowledged,
            "carried_over": self.carried_over,
            "outstanding": [p.to_json() for p in self.outstanding],
            "percent": self.percent,
            "carry_over": [c.to_json() for c in self.carried],
        }


@dataclass(frozen=True)
class UnitCoverage:
    """One unit: (person, SOP) pairs required and acknowledged."""

    unit: str
    staff: int
    required: int
    acknowledged: int

    @property
    def percent(self) -> float | None:
        return _percent(self.acknowledged, self.required)

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "percent": self.percent}


@dataclass(frozen=True)
class CoverageReport:
    """Coverage of every active SOP (or one), per SOP, per unit and overall.

    ``as_of`` is set for coverage on a past date (:func:`coverage` with ``on``).
    """

    sops: tuple[SopCoverage, ...]
    units: tuple[UnitCoverage, ...]
    unit_filter: str | None
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

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {} if self.as_of is None else {"as_of": self.as_of.to_json()}
        return {
            **out,
            "unit": self.unit_filter,
            "required": self.required,
            "acknowledged": self.acknowledged,
            "percent": self.percent,
            "sops": [s.to_json() for s in self.sops],
            "units": [u.to_json() for u in self.units],
        }


@dataclass(frozen=True)
class _People:
    """Active staff prepared for set arithmetic: ids per (unit, position), a sort rank."""

    by_id: dict[str, StaffMember]
    groups: dict[tuple[str, str], frozenset[str]]
    rank: dict[str, int]  # position in (unit, name, id) order: outstanding lists sort by it

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


def _targets(snap: Snapshot, sop_id: str | None, day: str | None = None) -> list[Target]:
    """The versions to measure: the current ones, or (``day``) those in force on that date."""
    if sop_id is not None:
        info = sop_store.doc_info(snap, validate_doc_id(sop_id))
        infos = [info]
        if day is None and not info.is_active:
            raise RefusedError(f"{sop_id} was withdrawn; it needs no acknowledgements")
    else:
        infos = [sop_store.doc_info(snap, i) for i in sop_store.doc_ids(snap)]
    if day is None:
        return [target_of(info) for info in infos if info.is_active]
    out = []
    for info in infos:
        version = in_force(info, day)
        if version is not None:
            out.append(target_of(info, version.version))
        elif sop_id is not None:
            raise NotFoundError(f"{sop_id} had no version in force on {day}")
    return out


Tally = dict[str, list[int]]  # unit -> [required, acknowledged]


def _sop_coverage(snap: Snapshot, target: Target, people: _People, tally: Tally) -> SopCoverage:
    own = partition_staff(snap, target.sop, target.version)
    earlier: set[str] = set()
    for version in target.versions[1:]:
        earlier |= partition_staff(snap, target.sop, version)
    size = carried = 0
    outstanding: list[str] = []
    # Set arithmetic per (unit, position) group: at 20,000 staff and 500 SOPs
    # this is millions of membership tests, done in C.
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
        id=target.sop,
        title=target.title,
        version=target.version,
        audience=target.audience,
        audience_size=size,
        acknowledged=size - len(outstanding),
        carried_over=carried,
        outstanding=tuple(map(people.by_id.__getitem__, outstanding)),
        carried=target.chain,
    )


def coverage(
    store: Store, sop_id: str | None = None, *, unit: str | None = None, on: str | None = None
) -> CoverageReport:
    """Coverage of the current version of every active SOP (or of ``sop_id``).

    ``unit`` restricts the people counted to one unit. Inactive staff and
    withdrawn SOPs are left out. With ``on`` (``YYYY-MM-DD``) the store is read
    as it stood at the end of that day (:func:`soplib.audit.as_of`): the version
    in force on that date, the staff registered then, the records made by then.
    """
    point = as_of(store, on) if on is not None else None
    snap = point.snapshot(store) if point else store.snapshot()
    return coverage_at(snap, sop_id, unit=unit, point=point)


def coverage_at(
    snap: Snapshot, sop_id: str | None = None, *, unit: str | None = None, point: AsOf | None = None
) -> CoverageReport:
    """:func:`coverage` over one snapshot; with ``point``, of the versions in force on its date."""
    people = [p for p in read_registry(snap).values() if p.active and unit in (None, p.unit)]
    if unit is not None and not people:
        raise NotFoundError(f"no active staff in unit {unit!r}; `sop staff list` shows the units")
    prepared = _People.of(people)
    tally: Tally = defaultdict(lambda: [0, 0])
    targets = _targets(snap, sop_id, point.date if point else None)
    sops = tuple(_sop_coverage(snap, t, prepared, tally) for t in targets)
    staff_per_unit: dict[str, int] = defaultdict(int)
    for p in people:
        staff_per_unit[p.unit] += 1
    units = tuple(UnitCoverage(u, n, *tally[u]) for u, n in sorted(staff_per_unit.items()))
    return CoverageReport(sops, units, unit, point)


@dataclass(frozen=True)
class AckedSop:
    """An SOP a person has covered, with the record that counts and why."""

    id: str
    title: str
    version: int
    record: AckRecord
    reason: str | None  # why an earlier version's record counts, if it does

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "acknowledged_version": self.record.version,
            "how": self.record.how,
            "at": self.record.at,
            "carried_over": self.reason,
        }


@dataclass(frozen=True)
class PendingSop:
    """An SOP a person still has to acknowledge."""

    id: str
    title: str
    version: int

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class PendingReport:
    """What one person still has to acknowledge, and what they already have."""

    staff: StaffMember
    pending: tuple[PendingSop, ...]
    acknowledged: tuple[AckedSop, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "staff": self.staff.to_json(),
            "pending": [p.to_json() for p in self.pending],
            "acknowledged": [a.to_json() for a in self.acknowledged],
        }


def pending(store: Store, staff_id: str) -> PendingReport:
    """The current SOP versions that apply to ``staff_id`` and that they have not acknowledged."""
    snap = store.snapshot()
    person = check_person(read_registry(snap), staff_id)
    todo, done = [], []
    for target in _targets(snap, None):
        if not target.includes(person):
            continue
        found = _record_of(snap, target, person.id)
        if found is None:
            todo.append(PendingSop(target.sop, target.title, target.version))
        else:
            record, depth = found
            reason = describe_chain(target.chain[:depth]) or None
            done.append(AckedSop(target.sop, target.title, target.version, record, reason))
    return PendingReport(person, tuple(todo), tuple(done))


def _record_of(snap: Snapshot, target: Target, staff_id: str) -> tuple[AckRecord, int] | None:
    for depth, version in enumerate(target.versions):
        record = find_record(snap, target.sop, version, staff_id)
        if record is not None:
            return record, depth
    return None
