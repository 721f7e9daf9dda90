"""``sop office`` and ``sop grant|revoke|grants``: the office profile and who may do what."""

from __future__ import annotations

from pathlib import Path

import click

from soplib.cli.main import SopSubGroup, by_option, json_option, open_store
from soplib.cli.output import emit_json, empty, success, table
from soplib.i18n import N_, _

_UNSET = object()


@click.group(cls=SopSubGroup)
def office() -> None:
    """The office profile: name, address, logo, time zone, language of documents."""


@office.command("show")
@json_option
@click.pass_context
def office_show(ctx: click.Context, as_json: bool) -> None:
    """The office profile (a store with no time zone counts days in UTC)."""
    profile = open_store(ctx).office.get()
    if as_json:
        emit_json(profile.to_json())
        return
    zone = profile.time_zone or _("UTC (no time zone set: days are counted in UTC)")
    rows = [
        [_("name"), profile.name or "-"],
        [_("address"), profile.address or "-"],
        [_("time zone"), f"{zone} ({profile.zone_label})" if profile.time_zone else zone],
        [_("language"), profile.language or _("not set (English)")],
        [_("logo"), profile.logo or "-"],
        [_("signatures required"), _("yes") if profile.signatures_required else _("no")],
    ]
    table(_("Office profile"), [_("field"), _("value")], rows)


@office.command("set")
@click.option(
    "--name", help=N_("The office's name, e.g. Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat.")
)
@click.option("--address", help=N_("The office's address."))
@click.option(
    "--time-zone",
    metavar="ZONE",
    help=N_("IANA time zone: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)."),
)
@click.option(
    "--logo",
    type=click.Path(path_type=Path),
    help=N_("A PNG or SVG logo (at most 512 KiB), stored in the store."),
)
@click.option("--no-logo", is_flag=True, help=N_("Remove the logo."))
@click.option("--language", type=click.Choice(["id", "en"]), help=N_("Language of documents and messages."))
@click.option(
    "--signatures-required/--signatures-optional",
    default=None,
    help=N_("Whether every change must be signed."),
)
@by_option
@click.pass_context
def office_set(
    ctx: click.Context,
    name: str | None,
    address: str | None,
    time_zone: str | None,
    logo: Path | None,
    no_logo: bool,
    language: str | None,
    signatures_required: bool | None,
    by: str,
) -> None:
    """Change the office profile (one commit; needs the admin role once roles are granted)."""
    changes: dict[str, object] = {}
    for key, value in (
        ("name", name),
        ("address", address),
        ("time_zone", time_zone),
        ("language", language),
    ):
        if value is not None:
            changes[key] = value
    if logo is not None and no_logo:
        raise click.UsageError(_("give --logo FILE or --no-logo, not both"))
    if logo is not None:
        changes["logo"] = logo
    if no_logo:
        changes["logo"] = None
    if signatures_required is not None:
        changes["signatures_required"] = signatures_required
    if not changes:
        raise click.UsageError(_("nothing to change: give at least one option (sop office set --help)"))
    profile = open_store(ctx).office.set(by=by, **changes)  # type: ignore[arg-type]
    success(_("office profile saved: {name}, {zone}", name=profile.name or "-", zone=profile.zone_label))


@click.command()
@click.argument("role", type=click.Choice(["admin", "controller", "approver"]))
@click.argument("staff_id")
@click.option(
    "--unit",
    "units",
    multiple=True,
    help=N_("For approver: a unit whose SOPs they may approve (repeat; none: every unit)."),
)
@by_option
@click.pass_context
def grant(ctx: click.Context, role: str, staff_id: str, units: tuple[str, ...], by: str) -> None:
    """Give a registered person a role. The first grant must make someone admin."""
    g = open_store(ctx).grants.grant(role, staff_id, units=units, by=by)  # type: ignore[arg-type]
    where = _(" for {units}", units=", ".join(g.units)) if g.units else ""
    success(_("{id} is now {role}{where}", id=g.staff, role=g.role, where=where))


@click.command()
@click.argument("role", type=click.Choice(["admin", "controller", "approver"]))
@click.argument("staff_id")
@by_option
@click.pass_context
def revoke(ctx: click.Context, role: str, staff_id: str, by: str) -> None:
    """Take a role away (the last admin cannot be revoked)."""
    g = open_store(ctx).grants.revoke(role, staff_id, by=by)  # type: ignore[arg-type]
    success(_("{id} no longer holds {role}", id=g.staff, role=g.role))


@click.command()
@json_option
@click.pass_context
def grants(ctx: click.Context, as_json: bool) -> None:
    """Who holds which role. A store without grants is open: anyone may write."""
    store = open_store(ctx)
    rows = store.grants.list()
    if as_json:
        emit_json({"open": not rows, "grants": [g.to_json() for g in rows]})
        return
    if not rows:
        empty(
            _(
                "no roles granted: the store is open, anyone may write; start with `sop grant admin ID "
                "--by ID`"
            )
        )
        return
    names = {p.id: p.name for p in store.staff.list(include_inactive=True)}
    table(
        _("Roles"),
        [_("role"), _("id"), _("name"), _("units"), _("granted by"), _("granted")],
        [
            [
                g.role,
                g.staff,
                names.get(g.staff, ""),
                ", ".join(g.units) or _("all"),
                g.granted_by,
                g.granted_at.date().isoformat(),
            ]
            for g in rows
        ],
    )


COMMANDS = [office, grant, revoke, grants]
