"""Briefings (*sosialisasi*): a session presenting SOPs, and its attendance list (*daftar hadir*).

A briefing pins the versions of the SOPs it presents. Recording its attendance
list acknowledges every SOP it covers for everyone on the list, in one commit,
all or nothing: an unknown or inactive id, a repeated or invalid row refuses
the whole list and records nothing. Someone to whom an SOP does not apply
(outside its audience) is still recorded as present; that SOP is skipped for
them and the result says so. Each briefing is one file, ``briefings/<ID>.json``,
its id ``B-<YYYYMMDD>-<4 hex>`` (the office's day; random, so briefings made
on two machines never share an id).

    >>> b = store.briefings.create(title="Sosialisasi SOP", day=date(2026, 2, 1), sops=["KPU-01"], by="ani")
    >>> store.briefings.attend(b.id, "hadir.csv", by="ani")
"""

from __future__ import annotations

import builtins
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sop_store import Snapshot, validate_doc_id, validate_name
from soplib.clock import check_date
from soplib.documents.records import read_record
from soplib.errors import InvalidInputError, NotFoundError, Phrase, RefusedError
from soplib.files import read_rows, read_source
from soplib.ids import new_id
from soplib.ops import Context, Operation, operation
from soplib.people.ackrecords import AckRecord, NewAck, partition_staff, stage_acks
from soplib.people.acks import Target, check_person, current_target, target_of
from soplib.people.staff import StaffMember, read_registry
from soplib.values import Value, load

if TYPE_CHECKING:
    from soplib.store import Store

BRIEFING_DIR = "briefings"
_ID = re.compile(r"B-[0-9]{8}-(?:[0-9A-F]{4}|[0-9]{1,4})")


def validate_briefing_id(value: object) -> str:
    """``value`` if it is a briefing id (``B-20261203-3F2A``; older stores: ``B-20261203-1``)."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise InvalidInputError(
            "invalid briefing id {value}: expected B-YYYYMMDD-XXXX such as B-20261203-3F2A", value=repr(value)
        )
    return value


@dataclass(frozen=True)
class Attendee(Value):
    """One line of the daftar hadir, as the person was registered on the day."""

    id: str
    name: str
    unit: str
    position: str
    recorded_at: dt.datetime
    recorded_by: str
    sops: tuple[str, ...] = ()  # "ID vN" of each SOP presented that applies to them


@dataclass(frozen=True)
class BriefedSop(Value):
    """An SOP presented at a briefing, at the version presented."""

    id: str
    version: int
    title: str


@dataclass(frozen=True)
class Briefing(Value):
    """A briefing: what was presented, when, by whom, and who attended."""

    id: str
    title: str
    date: dt.date
    sops: tuple[BriefedSop, ...]
    created: dt.datetime
    by: str
    attendees: tuple[Attendee, ...] = ()


def _path(briefing_id: str) -> str:
    return f"{BRIEFING_DIR}/{validate_briefing_id(briefing_id)}.json"


def read_briefing(snap: Snapshot, briefing_id: str) -> Briefing:
    """One briefing from a snapshot; :class:`NotFoundError` if unknown."""
    path = _path(briefing_id)
    if not snap.exists(path):
        raise NotFoundError("no briefing {id}", id=briefing_id)
    briefing: Briefing = load(Briefing, snap.read_json(path), path=path)
    if briefing.id != briefing_id:
        from soplib.errors import RecordError

        raise RecordError(path, "its id is another briefing's")
    return briefing


def read_briefings(snap: Snapshot) -> list[Briefing]:
    """Every briefing, by date then id."""
    out = [
        read_briefing(snap, n[:-5])
        for n in snap.list(BRIEFING_DIR)
        if n.endswith(".json") and _ID.fullmatch(n[:-5])
    ]
    return sorted(out, key=lambda b: (b.date, b.id))


@operation("briefing")
@dataclass(frozen=True)
class CreateBriefing(Operation):
    """Record a briefing presenting ``versions`` of ``sops`` (the current ones when recorded) on ``date``."""

    id: str
    title: str
    date: dt.date
    sops: tuple[str, ...]
    versions: tuple[int, ...]
    contents: tuple[str, ...]  # content_sha256 of each version presented

    def apply(self, ctx: Context) -> Briefing:
        ctx.require("controller", what=Phrase("record briefings"))
        validate_briefing_id(self.id)
        if self.id[2:10] != self.date.strftime("%Y%m%d"):
            raise InvalidInputError("briefing id {id} does not carry its date", id=self.id)
        title = " ".join(self.title.split())
        if not title or title != self.title:
            raise InvalidInputError("a briefing needs a one-line title")
        ids = [validate_doc_id(s) for s in self.sops]
        if not ids:
            raise InvalidInputError("a briefing presents at least one SOP")
        if len(set(ids)) != len(ids) or not len(self.versions) == len(self.contents) == len(ids):
            raise InvalidInputError("an SOP is listed twice, or without its version; list each once")
        if ctx.tx.exists(_path(self.id)):
            raise RefusedError("briefing {id} already exists", id=self.id)
        presented = []
        for sop_id, version, content in zip(ids, self.versions, self.contents, strict=True):
            if ctx.integrating:
                target = target_of(read_record(ctx.tx, sop_id), version)
            else:
                target = current_target(ctx.tx, sop_id, version)
            if target.content_sha256 != content:
                raise RefusedError(
                    "{id} v{version} here is not the text that was presented", id=sop_id, version=version
                )
            presented.append(BriefedSop(sop_id, target.version, target.title))
        briefing = Briefing(self.id, title, self.date, tuple(presented), ctx.at, ctx.actor)
        ctx.tx.trailer("Sop-Briefing", self.id)
        ctx.tx.write_json(_path(self.id), briefing.to_json())
        ctx.subject = f"Briefing: {title}"
        return briefing


@dataclass(frozen=True)
class Skipped(Value):
    """An SOP not acknowledged for one attendee, and why."""

    staff: str
    sop: str
    reason: str  # "already acknowledged" or "outside audience"


@dataclass(frozen=True)
class AttendanceResult(Value):
    """What recording an attendance list did."""

    briefing: Briefing
    new_attendees: tuple[str, ...]
    already_present: tuple[str, ...]
    records: tuple[AckRecord, ...]
    skipped: tuple[Skipped, ...]


def parse_attendance_csv(source: Path | str | bytes) -> list[str]:
    """The ids of an attendance CSV (an ``id`` or ``NIP`` column; other columns are ignored), checked, in
    order.
    """
    data, name = read_source(source)
    seen: dict[str, int] = {}
    for number, row in read_rows(
        data, name=name, columns=("id",), aliases={"nip": "id", "nip/id": "id"}, extra_ok=True
    ):
        try:
            staff_id = validate_name(row["id"], what=Phrase("staff id"))
        except InvalidInputError as exc:
            raise InvalidInputError(
                "{name}: row {row}, column id: {reason}", name=name, row=number, reason=exc
            ) from None
        if staff_id in seen:
            raise InvalidInputError(
                "{name}: row {row}, column id: {id} is also on row {other}",
                name=name,
                row=number,
                id=staff_id,
                other=seen[staff_id],
            )
        seen[staff_id] = number
    return list(seen)


def _pinned_target(snap: Snapshot, briefing: Briefing, sop: BriefedSop) -> Target:
    """The version to record for ``sop``: the one presented, if its records still count."""
    try:
        target = current_target(snap, sop.id)
    except RefusedError as exc:
        raise RefusedError("briefing {id}: {reason}", id=briefing.id, reason=exc) from None
    if sop.version not in target.versions:
        raise RefusedError(
            "briefing {id} presented {sop} v{version}, now superseded by v{current} with changed text; "
            "brief the new version in a new briefing",
            id=briefing.id,
            sop=sop.id,
            version=sop.version,
            current=target.version,
        )
    return target


@operation("attend")
@dataclass(frozen=True)
class RecordAttendance(Operation):
    """Everyone on the list attended ``briefing``: each acknowledges every SOP presented that applies to
    them.
    """

    briefing: str
    staff: tuple[str, ...]

    def apply(self, ctx: Context) -> AttendanceResult:
        ctx.require("controller", what=Phrase("record attendance lists"))
        briefing = read_briefing(ctx.tx, validate_briefing_id(self.briefing))
        registry = read_registry(ctx.tx)
        if not self.staff or len(set(self.staff)) != len(self.staff):
            raise InvalidInputError("an attendance list names each person once, and at least one")
        people: list[StaffMember] = []
        for n, staff_id in enumerate(self.staff, start=1):
            try:
                people.append(check_person(registry, staff_id))
            except (NotFoundError, RefusedError) as exc:
                raise type(exc)(
                    "person {n} of the list: {reason}; nothing was recorded", n=n, reason=exc
                ) from None
        present = {a.id for a in briefing.attendees}
        new_people = [p for p in people if p.id not in present]
        acks, skipped = [], []
        applies: dict[str, list[str]] = {p.id: [] for p in people}
        for sop in briefing.sops:
            if ctx.integrating:  # the versions presented on the day, whatever happened since
                target = target_of(read_record(ctx.tx, sop.id), sop.version)
            else:
                target = _pinned_target(ctx.tx, briefing, sop)
            content = read_record(ctx.tx, sop.id).version(sop.version).content_sha256
            done: set[str] = set()
            for version in target.versions:
                done |= partition_staff(ctx.tx, sop.id, version)
            for p in people:
                if not target.includes(p):
                    skipped.append(Skipped(p.id, sop.id, "outside audience"))
                    continue
                applies[p.id].append(f"{sop.id} v{sop.version}")
                if p.id in done:
                    skipped.append(Skipped(p.id, sop.id, "already acknowledged"))
                else:
                    acks.append(NewAck(p.id, sop.id, sop.version, content, how=briefing.id))
        records = stage_acks(ctx.tx, acks)
        attendees = [
            Attendee(p.id, p.name, p.unit, p.position, ctx.at, ctx.actor, tuple(applies[p.id]))
            for p in new_people
        ]
        briefing = replace(briefing, attendees=(*briefing.attendees, *attendees))
        if attendees:
            ctx.tx.write_json(_path(briefing.id), briefing.to_json())
        ctx.tx.trailer("Sop-Briefing", briefing.id)
        ctx.subject = f"Attendance of briefing {briefing.id}"
        return AttendanceResult(
            briefing,
            tuple(p.id for p in new_people),
            tuple(p.id for p in people if p.id in present),
            tuple(records),
            tuple(skipped),
        )


class Briefings:
    """``store.briefings``: briefings and their attendance lists."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def create(self, *, title: str, day: dt.date, sops: Sequence[str], by: str) -> Briefing:
        """Record a briefing presenting the current versions of ``sops`` on ``day`` (one commit)."""
        check_date(day, what=Phrase("briefing day"))
        title = " ".join(title.split())
        if not title:
            raise InvalidInputError("a briefing needs a title")
        ids = tuple(validate_doc_id(s.strip()) for s in sops if s.strip())
        snap = self._store.snapshot()
        targets = [current_target(snap, sop_id) for sop_id in ids]
        briefing_id = new_id("B", day, taken=lambda i: snap.exists(_path(i)))
        versions = tuple(t.version for t in targets)
        op = CreateBriefing(briefing_id, title, day, ids, versions, tuple(t.content_sha256 for t in targets))
        result: Briefing = self._store.apply(op, by=by).result
        return result

    def attend(
        self, briefing_id: str, source: Path | str | bytes | Sequence[str], *, by: str
    ) -> AttendanceResult:
        """Record an attendance list (a CSV file or its bytes, or a list of staff ids): one commit, all or
        nothing.
        """
        ids = list(source) if isinstance(source, list | tuple) else parse_attendance_csv(source)  # type: ignore[arg-type]
        result: AttendanceResult = self._store.apply(
            RecordAttendance(validate_briefing_id(briefing_id), tuple(ids)), by=by
        ).result
        return result

    def get(self, briefing_id: str) -> Briefing:
        """One briefing with its attendance list."""
        return read_briefing(self._store.snapshot(), briefing_id)

    def list(self) -> builtins.list[Briefing]:
        """Every briefing, by date then id."""
        return read_briefings(self._store.snapshot())
