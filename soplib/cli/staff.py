"""``sop staff import|list|deactivate``: the staff registry."""

from __future__ import annotations

from pathlib import Path

import click

from soplib.cli.main import SopSubGroup, by_option, json_option, open_store
from soplib.cli.output import emit_json, empty, success, table
from soplib.i18n import N_, _


@click.group(cls=SopSubGroup)
def staff() -> None:
    """The staff registry: who must acknowledge which SOPs."""


@staff.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@by_option
@json_option
@click.pass_context
def import_(ctx: click.Context, file: Path, by: str, as_json: bool) -> None:
    """Add and update staff from a CSV file: id,name,unit,position (or NIP;Nama;Unit Kerja;Jabatan); all
    or nothing.
    """
    result = open_store(ctx).staff.import_csv(file, by=by)
    if as_json:
        emit_json(result.to_json())
        return
    success(
        _(
            "imported {file}: {added} added, {updated} updated, {reactivated} reactivated, {unchanged} "
            "unchanged",
            file=file,
            added=len(result.added),
            updated=len(result.updated),
            reactivated=len(result.reactivated),
            unchanged=len(result.unchanged),
        )
    )


@staff.command("list")
@click.option("--unit", help=N_("Only this unit (exact name)."))
@click.option("--all", "include_inactive", is_flag=True, help=N_("Include inactive staff."))
@json_option
@click.pass_context
def list_(ctx: click.Context, unit: str | None, include_inactive: bool, as_json: bool) -> None:
    """Registered staff, by unit and name."""
    people = open_store(ctx).staff.list(unit=unit, include_inactive=include_inactive)
    if as_json:
        emit_json([p.to_json() for p in people])
        return
    if not people:
        empty(_("no staff registered yet; import a list with `sop staff import FILE.csv`"))
        return
    table(
        _("Staff"),
        [_("id"), _("name"), _("unit"), _("position"), _("active")],
        [[p.id, p.name, p.unit, p.position, _("yes") if p.active else _("no")] for p in people],
    )


@staff.command()
@click.argument("staff_id")
@by_option
@click.pass_context
def deactivate(ctx: click.Context, staff_id: str, by: str) -> None:
    """Mark a person who left as inactive (kept in the history, out of coverage)."""
    person = open_store(ctx).staff.deactivate(staff_id, by=by)
    success(_("deactivated {id} ({name})", id=person.id, name=person.name))


COMMANDS = [staff]
