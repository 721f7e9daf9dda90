"""The staff registry: who works here, in which unit and position, and who left.

Staff change rarely, so the registry is one file, ``staff/registry.jsonl``,
sorted by id and rewritten by each import or deactivation (git keeps every
earlier state). People who leave are deactivated, never deleted: their
acknowledgements stay in the history, and they drop out of coverage.

    >>> store.staff.import_csv("pegawai.csv", by="ani")
    >>> [s.name for s in store.staff.list(unit="Sekretariat")]
    >>> store.staff.deactivate("198001012005011001", by="ani")
"""

from __future__ import annotations

import builtins
import json
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sop_store import Snapshot, validate_name
from soplib.errors import InvalidInputError, NotFoundError, Phrase, RecordError, RefusedError
from soplib.files import read_rows, read_source
from soplib.ops import Context, Operation, operation
from soplib.values import Value

if TYPE_CHECKING:
    from soplib.store import Store

REGISTRY = "staff/registry.jsonl"
COLUMNS = ("id", "name", "unit", "position")
# Headers as Indonesian spreadsheets write them.
ALIASES = {"nip": "id", "nip/id": "id", "nama": "name", "unit kerja": "unit", "jabatan": "position"}


@dataclass(frozen=True)
class StaffMember(Value):
    """One person: id (NIP or internal id), name, unit (*unit kerja*), position (*jabatan*)."""

    id: str
    name: str
    unit: str
    position: str
    active: bool = True


@dataclass(frozen=True)
class ImportResult(Value):
    """What an import changed (ids, sorted)."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    reactivated: tuple[str, ...]
    unchanged: tuple[str, ...]


_CACHE: OrderedDict[str, dict[str, StaffMember]] = OrderedDict()


def _person(raw: object, number: int) -> StaffMember:
    if not isinstance(raw, dict):
        raise RecordError(REGISTRY, "line {number} is not an object", number=number)
    values = [raw.get(k) for k in COLUMNS]
    active = raw.get("active", True)
    if (
        not all(isinstance(v, str) and v for v in values)
        or not isinstance(active, bool)
        or set(raw) - {*COLUMNS, "active"}
    ):
        raise RecordError(
            REGISTRY, "line {number} does not have the fields id, name, unit, position, active", number=number
        )
    return StaffMember(str(values[0]), str(values[1]), str(values[2]), str(values[3]), active=active)


def read_registry(snap: Snapshot) -> dict[str, StaffMember]:
    """Every person ever registered (active or not) by id; shared, do not modify."""
    blob = snap.blob_id(REGISTRY)
    if blob is None:
        return {}
    cached = _CACHE.get(blob)
    if cached is not None:
        return cached
    out: dict[str, StaffMember] = {}
    # split("\n"), not splitlines(): a name may hold U+2028 or U+0085, which
    # json.dumps(ensure_ascii=False) writes as they are and splitlines() would cut.
    # snap.read, not repo.read_blob: in a transaction the registry may be staged, not yet an object
    # (sync replays a staff import and then a write by the person it added, in one transaction).
    lines = snap.read(REGISTRY).decode("utf-8", "replace").split("\n")
    try:  # every line at once, in C (20,000 people: one call, not 20,000)
        rows: list[Any] = json.loads("[" + ",".join(line for line in lines if line) + "]")
    except (ValueError, RecursionError):
        rows = []  # a line is not JSON: the loop below names it
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line]
    for i, (number, line) in enumerate(numbered):
        if len(rows) == len(numbered):
            raw = rows[i]
        else:
            try:
                raw = json.loads(line)
            except (ValueError, RecursionError) as exc:
                raise RecordError(REGISTRY, "line {number}: {error}", number=number, error=exc) from None
        person = _person(raw, number)
        if person.id in out:
            raise RecordError(
                REGISTRY, "line {number}: {id} is registered twice", number=number, id=person.id
            )
        out[person.id] = person
    _CACHE[blob] = out
    if len(_CACHE) > 16:
        _CACHE.popitem(last=False)
    return out


def dump_registry(registry: dict[str, StaffMember]) -> bytes:
    lines = (json.dumps(registry[k].to_json(), ensure_ascii=False, sort_keys=True) for k in sorted(registry))
    return ("\n".join(lines) + "\n").encode()


def parse_staff_csv(source: Path | str | bytes) -> list[StaffMember]:
    """Check a staff CSV (``id,name,unit,position``; ``NIP;Nama;Unit Kerja;Jabatan`` too) and return its
    people.

    Refuses the whole file on the first problem: unknown or missing column, bad
    encoding, an invalid or repeated id, an empty cell; the message names the
    row and column.
    """
    data, name = read_source(source)
    seen: dict[str, int] = {}
    people = []
    for number, row in read_rows(data, name=name, columns=COLUMNS, aliases=ALIASES):
        for col in COLUMNS:
            if not row[col]:
                raise InvalidInputError(
                    "{name}: row {row}, column {col}: empty; every person needs a {col}",
                    name=name,
                    row=number,
                    col=col,
                )
        try:
            validate_name(row["id"], what=Phrase("staff id"))
        except InvalidInputError as exc:
            raise InvalidInputError(
                "{name}: row {row}, column id: {reason}", name=name, row=number, reason=exc
            ) from None
        if row["id"] in seen:
            raise InvalidInputError(
                "{name}: row {row}, column id: staff id {id} is also on row {other}",
                name=name,
                row=number,
                id=row["id"],
                other=seen[row["id"]],
            )
        seen[row["id"]] = number
        people.append(StaffMember(row["id"], row["name"], row["unit"], row["position"]))
    return people


@operation("staff-import")
@dataclass(frozen=True)
class ImportStaff(Operation):
    """Add and update people, all or nothing."""

    people: tuple[StaffMember, ...]

    def apply(self, ctx: Context) -> ImportResult:
        ctx.require("admin", what=Phrase("change the staff registry"))
        registry = dict(read_registry(ctx.tx))
        added, updated, reactivated, unchanged = [], [], [], []
        seen: set[str] = set()
        for person in self.people:
            validate_name(person.id, what=Phrase("staff id"))
            if person.id in seen or not all(
                (person.name.strip(), person.unit.strip(), person.position.strip())
            ):
                raise InvalidInputError("staff {id} is given twice or with an empty field", id=person.id)
            seen.add(person.id)
            person = replace(person, active=True)
            old = registry.get(person.id)
            if old is None:
                added.append(person.id)
            elif old == person:
                unchanged.append(person.id)
            elif not old.active:
                reactivated.append(person.id)
            else:
                updated.append(person.id)
            registry[person.id] = person
        if added or updated or reactivated:
            ctx.tx.write(REGISTRY, dump_registry(registry))
        ctx.subject = f"Import {len(self.people)} staff"
        return ImportResult(*(tuple(sorted(x)) for x in (added, updated, reactivated, unchanged)))


@operation("staff-deactivate")
@dataclass(frozen=True)
class DeactivateStaff(Operation):
    """Mark a person as having left: kept in the history, out of coverage."""

    staff: str

    def apply(self, ctx: Context) -> StaffMember:
        validate_name(self.staff, what=Phrase("staff id"))
        ctx.require("admin", what=Phrase("change the staff registry"))
        registry = dict(read_registry(ctx.tx))
        person = lookup(registry, self.staff)
        if not person.active:
            raise RefusedError("staff {id} ({name}) is already inactive", id=self.staff, name=person.name)
        from soplib.authority.grants import read_grants

        if any(g.staff == self.staff for g in read_grants(ctx.tx)):
            raise RefusedError("staff {id} still holds a role; revoke it first", id=self.staff)
        registry[self.staff] = replace(person, active=False)
        ctx.tx.write(REGISTRY, dump_registry(registry))
        ctx.tx.trailer("Sop-Staff", self.staff)
        ctx.subject = f"Deactivate staff {self.staff}"
        return registry[self.staff]


def lookup(registry: dict[str, StaffMember], staff_id: str) -> StaffMember:
    person = registry.get(staff_id)
    if person is None:
        raise NotFoundError("no staff {id} in the registry", id=staff_id)
    return person


class Staff:
    """``store.staff``: the staff registry."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def import_csv(self, source: Path | str | bytes, *, by: str) -> ImportResult:
        """Add and update staff from a CSV file, in one commit, all or nothing (``admin`` once grants exist).

        A person already registered gets the file's name, unit and position; one
        who had been deactivated is active again. People not in the file are left
        as they are (deactivate those who left).
        """
        return self.import_people(parse_staff_csv(source), by=by)

    def import_people(self, people: builtins.list[StaffMember], *, by: str) -> ImportResult:
        """Add and update these people, in one commit, all or nothing."""
        result: ImportResult = self._store.apply(ImportStaff(tuple(people)), by=by).result
        return result

    def deactivate(self, staff_id: str, *, by: str) -> StaffMember:
        """Mark a person as having left (one commit)."""
        result: StaffMember = self._store.apply(DeactivateStaff(staff_id), by=by).result
        return result

    def get(self, staff_id: str, *, snapshot: Snapshot | None = None) -> StaffMember:
        """One person (active or not); :class:`NotFoundError` if unknown."""
        validate_name(staff_id, what=Phrase("staff id"))
        return lookup(read_registry(snapshot or self._store.snapshot()), staff_id)

    def list(self, *, unit: str | None = None, include_inactive: bool = False) -> builtins.list[StaffMember]:
        """Registered staff sorted by unit, name and id; active ones unless asked otherwise."""
        people = [
            p
            for p in read_registry(self._store.snapshot()).values()
            if (include_inactive or p.active) and (unit is None or p.unit == unit)
        ]
        return sorted(people, key=lambda p: (p.unit, p.name, p.id))
