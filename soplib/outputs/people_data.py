"""What a briefing's attendance list and an SOP version's acknowledgement list show, from one snapshot.

:class:`BriefingEvidence`: the briefing (title, day, the SOP versions
presented, who organised it) and who attended, each as registered on the
day; when nobody is recorded yet, the people expected (active staff in the
audience of an SOP presented), so a blank list can be printed and signed.

:class:`AckList`: everyone with a record that counts for one SOP version
(its own records and those carried over from an earlier version with the
same text), how (a briefing or individually) and when; with the audience and
who is still outstanding when the version is the one in force.

    >>> sheet = briefing_evidence(store, "B-20260203-0A1B")
    >>> lists = ack_lists(store, ["KPU-NTB-SOP-01"])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sop_store import Snapshot, validate_doc_id
from soplib.documents.records import SopRecord, read_record
from soplib.outputs.evidence_data import Person, frame_at, person
from soplib.outputs.sheet import Frame
from soplib.people.ackrecords import read_partition
from soplib.people.acks import CarryOver, target_of
from soplib.people.briefings import Briefing, read_briefing, read_briefings, validate_briefing_id
from soplib.people.staff import StaffMember, read_registry

if TYPE_CHECKING:
    from soplib.people.coverage import SopCoverage
    from soplib.store import Store


@dataclass(frozen=True)
class Presented:
    id: str
    version: int
    title: str


@dataclass(frozen=True)
class Present:
    """One line of the attendance list: the person as registered on the day, when it was recorded."""

    person: Person
    recorded_at: datetime | None
    recorded_by: Person | None
    sops: tuple[str, ...]  # "ID vN" of each SOP presented that applies to them


@dataclass(frozen=True)
class BriefingEvidence:
    """A briefing and its attendance list (``expected``: True when nobody is recorded yet)."""

    frame: Frame
    id: str
    title: str
    day: date
    sops: tuple[Presented, ...]
    organiser: Person
    people: tuple[Present, ...]
    expected: bool


def _expected(snap: Snapshot, briefing: Briefing, registry: Mapping[str, StaffMember]) -> list[Present]:
    targets = [target_of(read_record(snap, s.id), s.version) for s in briefing.sops]
    people = sorted(
        (p for p in registry.values() if p.active and any(t.includes(p) for t in targets)),
        key=lambda p: (p.unit, p.name, p.id),
    )
    return [Present(Person(p.id, p.name, p.position, p.unit), None, None, ()) for p in people]


def briefing_evidence(
    store: Store, briefing_id: str, *, language: str | None = None, snapshot: Snapshot | None = None
) -> BriefingEvidence:
    """The attendance list of ``briefing_id`` (:class:`NotFoundError` if unknown).

    >>> briefing_evidence(store, 'B-20260203-0A1B').expected
    False
    """
    snap = snapshot or store.snapshot()
    return briefing_evidence_of(store, snap, read_briefing(snap, validate_briefing_id(briefing_id)), language)


def briefing_evidence_of(
    store: Store, snap: Snapshot, briefing: Briefing, language: str | None
) -> BriefingEvidence:
    """:class:`BriefingEvidence` of a briefing already read from ``snap``.

    >>> briefing_evidence_of(store, snap, read_briefing(snap, 'B-20260203-0A1B'), 'id').day
    datetime.date(2026, 2, 3)
    """
    registry = read_registry(snap)
    present = [
        Present(
            Person(a.id, a.name, a.position, a.unit), a.recorded_at, person(registry, a.recorded_by), a.sops
        )
        for a in briefing.attendees
    ]
    expected = not present
    return BriefingEvidence(
        frame=frame_at(store, snap, language),
        id=briefing.id,
        title=briefing.title,
        day=briefing.date,
        sops=tuple(Presented(s.id, s.version, s.title) for s in briefing.sops),
        organiser=person(registry, briefing.by),
        people=tuple(_expected(snap, briefing, registry) if expected else present),
        expected=expected,
    )


@dataclass(frozen=True)
class AckLine:
    """One acknowledgement that counts: who, for which version, how (``read`` or a briefing id), when."""

    person: Person
    active: bool
    version: int
    how: str
    briefing: str  # the briefing's title and day, when ``how`` is one
    at: datetime
    by: Person
    seq: int


@dataclass(frozen=True)
class AckList:
    """Who acknowledged one SOP version (records of earlier versions that count included).

    ``audience`` and ``outstanding`` are set for the version in force (None otherwise).
    """

    sop: str
    version: int
    title: str
    effective: date
    chain: tuple[CarryOver, ...]
    lines: tuple[AckLine, ...]
    audience: int | None = None
    outstanding: tuple[Person, ...] | None = None

    @property
    def individual(self) -> tuple[AckLine, ...]:
        """The acknowledgements recorded one by one (not through a briefing's attendance list)."""
        return tuple(x for x in self.lines if not x.how.startswith("B-"))


@dataclass(frozen=True)
class AckLists:
    """Acknowledgement lists of one or more SOP versions, as one document."""

    frame: Frame
    lists: tuple[AckList, ...]
    on: date | None = None  # the day the lists describe (the pack's day)


def ack_list_at(
    snap: Snapshot,
    record: SopRecord,
    version: int,
    registry: Mapping[str, StaffMember],
    briefings: Mapping[str, str],
    coverage: SopCoverage | None = None,
) -> AckList:
    """The list of one version; ``briefings`` maps briefing ids to how they are named ("title, day").

    >>> ack_list_at(snap, read_record(snap, 'KPU-NTB-SOP-01'), 2, registry, {}).version
    2
    """
    target = target_of(record, version)
    seen: dict[str, AckLine] = {}
    for number in target.versions:  # this version first: its own record wins over a carried one
        for r in read_partition(snap, record.id, number):
            if r.staff in seen:
                continue
            p = registry.get(r.staff)
            who = Person(r.staff, p.name, p.position, p.unit) if p else Person(r.staff)
            how = briefings.get(r.how, "") if r.how.startswith("B-") else ""
            seen[r.staff] = AckLine(
                who, bool(p and p.active), number, r.how, how, r.at, person(registry, r.by), r.seq
            )
    lines = tuple(sorted(seen.values(), key=lambda x: x.seq))
    outstanding = None
    if coverage is not None:
        outstanding = tuple(person(registry, i) for i in coverage.outstanding)
    v = record.version(version)
    return AckList(
        record.id, version, v.title, v.effective, target.chain, lines,
        coverage.audience_size if coverage else None, outstanding,
    )  # fmt: skip


def briefing_names(snap: Snapshot) -> dict[str, tuple[str, date]]:
    """Every briefing id -> (title, day).

    >>> briefing_names(snap)['B-20260203-0A1B']
    ('Sosialisasi SOP', datetime.date(2026, 2, 3))
    """
    return {b.id: (b.title, b.date) for b in read_briefings(snap)}


def ack_lists(
    store: Store,
    sops: Sequence[tuple[str, int | None]] | Sequence[str],
    *,
    language: str | None = None,
    snapshot: Snapshot | None = None,
    coverage: Mapping[str, SopCoverage] | None = None,
    on: date | None = None,
) -> AckLists:
    """The acknowledgement lists of ``sops`` (ids, or (id, version); default the latest version).

    For a version that is the current one of an active SOP, the audience and
    who is outstanding come from coverage (``coverage``, or computed here).

    >>> [a.version for a in ack_lists(store, ['KPU-NTB-SOP-01', ('KPU-NTB-SOP-01', 1)]).lists]
    [2, 1]
    """
    from soplib.i18n import format_date
    from soplib.people.coverage import coverage_at

    snap = snapshot or store.snapshot()
    frame = frame_at(store, snap, language)
    registry = read_registry(snap)
    names = {k: f"{t}, {format_date(d, frame.language)}" for k, (t, d) in briefing_names(snap).items()}
    out = []
    for item in sops:
        sop_id, version = (item, None) if isinstance(item, str) else item
        record = read_record(snap, validate_doc_id(sop_id))
        number = record.version(version).version if version is not None else record.latest.version
        found = (coverage or {}).get(sop_id)
        if found is not None and found.version != number:
            found = None
        if found is None and coverage is None and record.is_active and number == record.latest.version:
            found = coverage_at(snap, sop_id).sops[0]
        out.append(ack_list_at(snap, record, number, registry, names, found))
    return AckLists(frame, tuple(out), on)
