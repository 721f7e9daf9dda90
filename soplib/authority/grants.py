"""Who may do what: roles granted to registered staff, checked by every write.

A store with no grants is open, as soplib 0.1 was: anyone who passes ``by``
may write. The first grant must make someone ``admin``; from then on every
operation checks its actor against the grants as they stand just before it
(docs/authority.md has the table):

- ``admin``: the office profile, grants, the staff registry;
- ``controller``: direct changes to SOPs outside a review (add, update, import),
  starting review sessions, briefings and attendance lists, acknowledgements
  recorded for someone else;
- ``approver``: ratifying review sessions, for the units it names (every unit
  when it names none);
- anyone registered and active: acknowledging for themselves, anchors;
  team members record a session's decisions.

Grants live in ``office/grants.json``. Because ``sop audit verify`` replays
every operation, a write whose actor lacked the role at that moment is a
finding even if it was forged with plain git.

    >>> store.grants.grant("admin", "196805121994031007", by="196805121994031007")
    >>> store.grants.grant("approver", "196805121994031007", units=["Sekretariat"], by="196805121994031007")
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sop_store import Snapshot, Transaction, validate_name
from soplib.errors import InvalidInputError, NotAllowedError, NotFoundError, Phrase, RefusedError, SopError
from soplib.ops import Context, Operation, operation
from soplib.values import Value, load

if TYPE_CHECKING:
    from soplib.store import Store

GRANTS = "office/grants.json"
Role = Literal["admin", "controller", "approver"]
ROLES: tuple[Role, ...] = ("admin", "controller", "approver")


@dataclass(frozen=True)
class Grant(Value):
    """One role held by one person (``units`` empty: every unit)."""

    role: Role
    staff: str
    units: tuple[str, ...]
    granted_by: str
    granted_at: datetime

    def covers(self, unit: str | None) -> bool:
        """True if this grant reaches an SOP of ``unit`` (an SOP without a unit needs an all-units grant)."""
        return not self.units or (unit is not None and unit in self.units)


def read_grants(snap: Snapshot) -> tuple[Grant, ...]:
    """Every grant in force at ``snap``, sorted by role, staff."""
    if not snap.exists(GRANTS):
        return ()
    grants: tuple[Grant, ...] = load(tuple[Grant, ...], snap.read_json(GRANTS), path=GRANTS)
    return grants


def holders(grants: Sequence[Grant], role: Role, unit: str | None = None) -> list[str]:
    """Staff ids holding ``role`` (for ``unit`` when given), sorted."""
    return sorted({g.staff for g in grants if g.role == role and g.covers(unit)})


def require_role(
    tx: Transaction, actor: str, role: Role, *, units: tuple[str | None, ...] = (), what: Phrase | SopError
) -> None:
    """Refuse (:class:`NotAllowedError`) unless ``actor`` holds ``role`` for every unit; open store:
    allowed.
    """
    grants = read_grants(tx)
    if not grants:
        return
    require_registered(tx, actor)
    mine = [g for g in grants if g.staff == actor and g.role == role]
    for unit in units or (None,):
        if units and not any(g.covers(unit) for g in mine):
            who = ", ".join(holders(grants, role, unit)) or Phrase("nobody yet")
            raise NotAllowedError(
                "{actor} may not {what}: it needs the {role} role for unit {unit} (held by: {who})",
                actor=actor,
                what=what,
                role=role,
                unit=unit or Phrase("(none)"),
                who=who,
            )
        if not units and not mine:
            who = ", ".join(holders(grants, role)) or Phrase("nobody yet")
            raise NotAllowedError(
                "{actor} may not {what}: it needs the {role} role (held by: {who})",
                actor=actor,
                what=what,
                role=role,
                who=who,
            )


def require_registered(tx: Transaction, actor: str) -> None:
    """Once grants exist, every actor must be an active, registered staff member."""
    from soplib.people.staff import read_registry

    person = read_registry(tx).get(actor)
    if person is None or not person.active:
        raise NotAllowedError(
            "{actor} is not an active member of the staff registry; once roles are granted, every change "
            "is made by registered staff",
            actor=actor,
        )


def is_open(snap: Snapshot) -> bool:
    """True while the store has no grants (anyone may write)."""
    return not read_grants(snap)


def _write(ctx: Context, grants: Sequence[Grant]) -> None:
    ordered = sorted(grants, key=lambda g: (g.role, g.staff))
    ctx.tx.write_json(GRANTS, [g.to_json() for g in ordered])


@operation("grant")
@dataclass(frozen=True)
class GrantRole(Operation):
    """Give ``staff`` the ``role`` (for ``units``; empty: every unit)."""

    role: Role
    staff: str
    units: tuple[str, ...] = ()

    def apply(self, ctx: Context) -> Grant:
        from soplib.people.staff import read_registry

        validate_name(self.staff, what=Phrase("staff id"))
        if self.role not in ROLES:
            raise InvalidInputError(
                "unknown role {role}: use one of {roles}", role=repr(self.role), roles=", ".join(ROLES)
            )
        units = tuple(sorted({" ".join(u.split()) for u in self.units if u.strip()}))
        if self.role != "approver" and units:
            raise InvalidInputError("only the approver role is limited to units")
        grants = read_grants(ctx.tx)
        if grants:
            ctx.require("admin", what=Phrase("grant roles"))
        elif self.role != "admin":
            raise RefusedError("the first grant must make someone admin (who then grants the other roles)")
        person = read_registry(ctx.tx).get(self.staff)
        if person is None:
            raise NotFoundError(
                "no staff {id} in the registry; roles are granted to registered staff", id=self.staff
            )
        if not person.active:
            raise RefusedError(
                "staff {id} ({name}) is inactive; roles are granted to active staff",
                id=self.staff,
                name=person.name,
            )
        kept = [g for g in grants if not (g.role == self.role and g.staff == self.staff)]
        previous = [g for g in grants if g.role == self.role and g.staff == self.staff]
        if previous and previous[0].units == units:
            raise RefusedError("{id} already holds {role}", id=self.staff, role=self.role)
        grant = Grant(self.role, self.staff, units, ctx.actor, ctx.at)
        _write(ctx, [*kept, grant])
        ctx.tx.trailer("Sop-Staff", self.staff)
        ctx.subject = f"Grant {self.role} to {self.staff}"
        return grant


@operation("revoke")
@dataclass(frozen=True)
class RevokeRole(Operation):
    """Take ``role`` away from ``staff``."""

    role: Role
    staff: str

    def apply(self, ctx: Context) -> Grant:
        validate_name(self.staff, what=Phrase("staff id"))
        ctx.require("admin", what=Phrase("revoke roles"))
        grants = read_grants(ctx.tx)
        gone = [g for g in grants if g.role == self.role and g.staff == self.staff]
        if not gone:
            raise NotFoundError("{id} does not hold {role}", id=self.staff, role=self.role)
        kept = [g for g in grants if g not in gone]
        if self.role == "admin" and not any(g.role == "admin" for g in kept):
            raise RefusedError("{id} is the last admin; grant admin to someone else first", id=self.staff)
        _write(ctx, kept)
        ctx.tx.trailer("Sop-Staff", self.staff)
        ctx.subject = f"Revoke {self.role} from {self.staff}"
        return gone[0]


class Grants:
    """``store.grants``: who holds which role."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def list(self) -> builtins.list[Grant]:
        """Every grant in force (empty: the store is open)."""
        return list(read_grants(self._store.snapshot()))

    def is_open(self) -> bool:
        """True while no role has been granted (anyone may write)."""
        return is_open(self._store.snapshot())

    def grant(self, role: Role, staff_id: str, *, by: str, units: Sequence[str] = ()) -> Grant:
        """Give a registered, active person a role (one commit); needs ``admin`` once grants exist."""
        result: Grant = self._store.apply(GrantRole(role, staff_id, tuple(units)), by=by).result
        return result

    def revoke(self, role: Role, staff_id: str, *, by: str) -> Grant:
        """Take a role away (one commit); the last admin cannot be revoked."""
        result: Grant = self._store.apply(RevokeRole(role, staff_id), by=by).result
        return result
