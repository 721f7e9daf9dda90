"""The staff registry: who works here, in which unit and position, and who left.

Staff change rarely, so the registry is one file, ``staff/registry.jsonl``,
sorted by id and rewritten on each import or deactivation (git keeps every
earlier state). People who leave are deactivated, never deleted: their
acknowledgements stay in the history, and they drop out of coverage.

    >>> import_staff(store, "pegawai.csv", by="ani")
    >>> [s.name for s in list_staff(store, unit="Sekretariat")]
    >>> deactivate_staff(store, "198001012005011001", by="ani")
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sop_store import Snapshot, validate_name
from soplib.csvfile import read_rows, read_source
from soplib.errors import InvalidInputError, NotFoundError, RefusedError

if TYPE_CHECKING:
    from soplib.store import Store

REGISTRY = "staff/registry.jsonl"
COLUMNS = ("id", "name", "unit", "position")


@dataclass(frozen=True)
class StaffMember:
    """One person: id (NIP or internal id), name, unit (unit kerja), position (jabatan)."""

    id: str
    name: str
    unit: str
    position: str
    active: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "unit": self.unit,
            "position": self.position,
            "active": self.active,
        }


@dataclass(frozen=True)
class ImportResult:
    """What an import changed (ids, sorted)."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    reactivated: tuple[str, ...]
    unchanged: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {k: list(getattr(self, k)) for k in ("added", "updated", "reactivated", "unchanged")}


def read_registry(snap: Snapshot) -> dict[str, StaffMember]:
    """Every person ever registered (active or not) by id, from one snapshot."""
    if not snap.exists(REGISTRY):
        return {}
    out: dict[str, StaffMember] = {}
    # split("\n"), not splitlines(): a name may hold U+2028 or U+0085, which
    # json.dumps(ensure_ascii=False) writes as they are and splitlines() would cut.
    for line in snap.read(REGISTRY).decode().split("\n"):
        if line:
            raw = json.loads(line)
            out[raw["id"]] = StaffMember(
                raw["id"], raw["name"], raw["unit"], raw["position"], bool(raw.get("active", True))
            )
    return out


def _dump(registry: dict[str, StaffMember]) -> bytes:
    lines = (json.dumps(registry[k].to_json(), ensure_ascii=False, sort_keys=True) for k in sorted(registry))
    return ("\n".join(lines) + "\n").encode()


def parse_staff_csv(source: Path | str | bytes) -> list[StaffMember]:
    """Check a staff CSV (header ``id,name,unit,position``) and return its people.

    Refuses the whole file on the first problem: unknown or missing column, bad
    encoding, an invalid or repeated id, an empty cell; the message names the
    row and column.
    """
    data, name = read_source(source)
    seen: dict[str, int] = {}
    people = []
    for number, row in read_rows(data, name=name, columns=COLUMNS):
        for col in COLUMNS:
            if not row[col]:
                raise InvalidInputError(
                    f"{name}: row {number}, column {col}: empty; every person needs a {col}"
                )
        try:
            validate_name(row["id"], what="staff id")
        except InvalidInputError as exc:
            raise InvalidInputError(f"{name}: row {number}, column id: {exc}") from None
        if row["id"] in seen:
            raise InvalidInputError(
                f"{name}: row {number}, column id: staff id {row['id']} is also on row {seen[row['id']]}"
            )
        seen[row["id"]] = number
        people.append(StaffMember(row["id"], row["name"], row["unit"], row["position"]))
    return people


def import_staff(store: Store, source: Path | str | bytes, *, by: str) -> ImportResult:
    """Add and update staff from a CSV file, in one commit, all or nothing.

    A person already registered gets the file's name, unit and position; one
    who had been deactivated is active again. People not in the file are left
    as they are (use :func:`deactivate_staff` for those who left).
    """
    people = parse_staff_csv(source)
    added, updated, reactivated, unchanged = [], [], [], []
    with store.transaction(by=by, subject=f"Import {len(people)} staff") as tx:
        tx.trailer("Sop-Action", "staff-import")
        registry = read_registry(tx)
        for person in people:
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
            tx.write(REGISTRY, _dump(registry))
    return ImportResult(*(tuple(sorted(x)) for x in (added, updated, reactivated, unchanged)))


def deactivate_staff(store: Store, staff_id: str, *, by: str) -> StaffMember:
    """Mark a person as having left: kept in the history, out of coverage."""
    validate_name(staff_id, what="staff id")
    with store.transaction(by=by, subject=f"Deactivate staff {staff_id}") as tx:
        tx.trailer("Sop-Action", "staff-deactivate")
        tx.trailer("Sop-Staff", staff_id)
        registry = read_registry(tx)
        person = _lookup(registry, staff_id)
        if not person.active:
            raise RefusedError(f"staff {staff_id} ({person.name}) is already inactive")
        registry[staff_id] = replace(person, active=False)
        tx.write(REGISTRY, _dump(registry))
    return registry[staff_id]


def _lookup(registry: dict[str, StaffMember], staff_id: str) -> StaffMember:
    person = registry.get(staff_id)
    if person is None:
        raise NotFoundError(f"no staff {staff_id} in the registry; `sop staff list` shows who is registered")
    return person


def get_staff(store: Store, staff_id: str, *, snapshot: Snapshot | None = None) -> StaffMember:
    """One person (active or not); :class:`NotFoundError` if unknown."""
    validate_name(staff_id, what="staff id")
    return _lookup(read_registry(snapshot or store.snapshot()), staff_id)


def list_staff(store: Store, *, unit: str | None = None, include_inactive: bool = False) -> list[StaffMember]:
    """Registered staff sorted by unit, name and id; active ones unless asked otherwise."""
    people = [
        p
        for p in read_registry(store.snapshot()).values()
        if (include_inactive or p.active) and (unit is None or p.unit == unit)
    ]
    return sorted(people, key=lambda p: (p.unit, p.name, p.id))
