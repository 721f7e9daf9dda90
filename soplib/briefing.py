"""Briefings (*sosialisasi*): a session presenting SOPs, and its attendance list.

A briefing pins the versions of the SOPs it presents. Recording its attendance
list (*daftar hadir*) acknowledges every SOP it covers for everyone on the
list, in one commit, all or nothing: an unknown or inactive id, a repeated or
invalid row refuses the whole list and records nothing.

Someone on the list to whom one of the SOPs does not apply (outside its
audience) is still recorded as present; that SOP is skipped for them and the
result says so. Someone who had already acknowledged an SOP gets no second
record. Each briefing is one file, ``briefings/<ID>.json``.

    >>> b = create_briefing(store, title="Sosialisasi SOP", date="2026-02-01", sops=["KPU-01"], by="ani")
    >>> record_attendance(store, b.id, "hadir.csv", by="ani")
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sop_store
from sop_store import Snapshot, validate_doc_id, validate_name
from soplib.ack import AckRecord, NewAck, Target, check_person, current_target, partition_staff, stage_acks
from soplib.csvfile import read_rows, read_source
from soplib.dates import parse_date
from soplib.errors import InvalidInputError, NotFoundError, RefusedError
from soplib.staff import StaffMember, read_registry

if TYPE_CHECKING:
    from soplib.store import Store

BRIEFING_DIR = "briefings"


@dataclass(frozen=True)
class Attendee:
    """One line of the daftar hadir, as the person was registered on the day."""

    id: str
    name: str
    unit: str
    position: str
    recorded_at: str
    recorded_by: str
    sops: tuple[str, ...] = ()  # "ID vN" of each SOP presented that applies to them

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "sops": list(self.sops)}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Attendee:
        return cls(**{**raw, "sops": tuple(raw.get("sops", ()))})


@dataclass(frozen=True)
class BriefedSop:
    """An SOP presented at a briefing, at the version presented."""

    id: str
    version: int
    title: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Briefing:
    """A briefing: what was presented, when, by whom, and who attended."""

    id: str
    title: str
    date: str
    sops: tuple[BriefedSop, ...]
    created: str
    by: str
    attendees: tuple[Attendee, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "created": self.created,
            "by": self.by,
            "sops": [s.to_json() for s in self.sops],
            "attendees": [a.to_json() for a in self.attendees],
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Briefing:
        return cls(
            raw["id"],
            raw["title"],
            raw["date"],
            tuple(BriefedSop(**s) for s in raw["sops"]),
            raw["created"],
            raw["by"],
            tuple(Attendee.from_json(a) for a in raw.get("attendees", [])),
        )


def _path(briefing_id: str) -> str:
    return f"{BRIEFING_DIR}/{validate_name(briefing_id, what='briefing id')}.json"


def read_briefing(snap: Snapshot, briefing_id: str) -> Briefing:
    """One briefing from a snapshot; :class:`NotFoundError` if unknown."""
    path = _path(briefing_id)
    if not snap.exists(path):
        raise NotFoundError(f"no briefing {briefing_id}; `sop briefing list` shows them")
    raw = snap.read_json(path)
    assert isinstance(raw, dict)
    return Briefing.from_json(raw)


def get_briefing(store: Store, briefing_id: str) -> Briefing:
    """One briefing with its attendance list."""
    return read_briefing(store.snapshot(), briefing_id)


def list_briefings(store: Store) -> list[Briefing]:
    """Every briefing, by date then id."""
    snap = store.snapshot()
    out = [read_briefing(snap, n[:-5]) for n in snap.list(BRIEFING_DIR) if n.endswith(".json")]
    return sorted(out, key=lambda b: (b.date, b.id))


def create_briefing(store: Store, *, title: str, date: str, sops: list[str], by: str) -> Briefing:
    """Record a briefing presenting the current versions of ``sops``; its id is ``B-<date>-<n>``."""
    title = " ".join(title.split())
    if not title:
        raise InvalidInputError("a briefing needs a title (--title)")
    day = parse_date(date, option="briefing date (--date)")
    assert day is not None
    ids = [validate_doc_id(s.strip()) for s in sops if s.strip()]
    if not ids:
        raise InvalidInputError("a briefing presents at least one SOP (--sops ID,ID,...)")
    if len(set(ids)) != len(ids):
        raise InvalidInputError("an SOP is listed twice in --sops; list each once")
    with store.transaction(by=by, subject=f"Briefing: {title}") as tx:
        tx.trailer("Sop-Action", "briefing")
        presented = []
        for sop_id in ids:
            target = current_target(tx, sop_id)
            front = sop_store.doc_info(tx, sop_id).latest.meta.get("front") or {}
            presented.append(BriefedSop(sop_id, target.version, str(front.get("title", ""))))
        prefix = f"B-{day.replace('-', '')}-"
        taken = {n[:-5] for n in tx.list(BRIEFING_DIR)}
        number = 1
        while f"{prefix}{number}" in taken:
            number += 1
        briefing = Briefing(f"{prefix}{number}", title, day, tuple(presented), tx.now_iso, tx.by)
        tx.trailer("Sop-Briefing", briefing.id)
        tx.write_json(_path(briefing.id), briefing.to_json())
    return briefing


@dataclass(frozen=True)
class Skipped:
    """An SOP not acknowledged for one attendee, and why."""

    staff: str
    sop: str
    reason: str  # "already acknowledged" or "outside audience"

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class AttendanceResult:
    """What recording an attendance list did."""

    briefing: Briefing
    new_attendees: tuple[str, ...]
    already_present: tuple[str, ...]
    records: tuple[AckRecord, ...]
    skipped: tuple[Skipped, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "briefing": self.briefing.id,
            "new_attendees": list(self.new_attendees),
            "already_present": list(self.already_present),
            "acknowledgements": len(self.records),
            "skipped": [s.to_json() for s in self.skipped],
        }


def parse_attendance_csv(source: Path | str | bytes) -> dict[str, str]:
    """The ids of an attendance CSV (a single ``id`` column), checked, in order.

    Maps each id to where it is (``hadir.csv: row 7``) for later messages.
    """
    data, name = read_source(source)
    seen: dict[str, int] = {}
    for number, row in read_rows(data, name=name, columns=("id",)):
        try:
            staff_id = validate_name(row["id"], what="staff id")
        except InvalidInputError as exc:
            raise InvalidInputError(f"{name}: row {number}, column id: {exc}") from None
        if staff_id in seen:
            raise InvalidInputError(
                f"{name}: row {number}, column id: {staff_id} is also on row {seen[staff_id]}"
            )
        seen[staff_id] = number
    return {staff_id: f"{name}: row {number}" for staff_id, number in seen.items()}


def _pinned_target(snap: Snapshot, briefing: Briefing, sop: BriefedSop) -> Target:
    """The version to record for ``sop``: the one presented, if its records still count."""
    try:
        target = current_target(snap, sop.id)
    except RefusedError as exc:
        raise RefusedError(f"briefing {briefing.id}: {exc}") from None
    if sop.version not in target.versions:
        raise RefusedError(
            f"briefing {briefing.id} presented {sop.id} v{sop.version}, now superseded by v{target.version} "
            "with changed text; brief the new version in a new briefing"
        )
    return target


def record_attendance(
    store: Store, briefing_id: str, source: Path | str | bytes, *, by: str
) -> AttendanceResult:
    """Record an attendance list: everyone present acknowledges every SOP presented.

    One commit, all or nothing. The records are of the version presented; a
    version superseded since then is refused unless the new version carries
    acknowledgements over (same text, editorial).
    """
    ids = parse_attendance_csv(source)
    with store.transaction(by=by, subject=f"Attendance of briefing {briefing_id}") as tx:
        tx.trailer("Sop-Action", "attend")
        tx.trailer("Sop-Briefing", briefing_id)
        briefing = read_briefing(tx, briefing_id)
        registry = read_registry(tx)
        people: list[StaffMember] = []
        for staff_id, where in ids.items():
            try:
                people.append(check_person(registry, staff_id))
            except (NotFoundError, RefusedError) as exc:
                raise type(exc)(f"{where}, column id: {exc}; nothing was recorded") from None
        present = {a.id for a in briefing.attendees}
        new_people = [p for p in people if p.id not in present]
        acks, skipped = [], []
        applies: dict[str, list[str]] = {p.id: [] for p in people}
        for sop in briefing.sops:
            target = _pinned_target(tx, briefing, sop)
            content = _content(tx, sop)
            done: set[str] = set()
            for version in target.versions:
                done |= partition_staff(tx, sop.id, version)
            for p in people:
                if not target.includes(p):
                    skipped.append(Skipped(p.id, sop.id, "outside audience"))
                    continue
                applies[p.id].append(f"{sop.id} v{sop.version}")
                if p.id in done:
                    skipped.append(Skipped(p.id, sop.id, "already acknowledged"))
                else:
                    acks.append(NewAck(p.id, sop.id, sop.version, content, how=briefing.id))
        records = stage_acks(tx, acks)
        attendees = [
            Attendee(p.id, p.name, p.unit, p.position, tx.now_iso, tx.by, tuple(applies[p.id]))
            for p in new_people
        ]
        briefing = Briefing(**{**briefing.__dict__, "attendees": (*briefing.attendees, *attendees)})
        if attendees:
            tx.write_json(_path(briefing.id), briefing.to_json())
    return AttendanceResult(
        briefing,
        tuple(p.id for p in new_people),
        tuple(p.id for p in people if p.id in present),
        tuple(records),
        tuple(skipped),
    )


def _content(snap: Snapshot, sop: BriefedSop) -> str:
    return str(sop_store.doc_info(snap, sop.id).version(sop.version).meta.get("content_sha256", ""))
