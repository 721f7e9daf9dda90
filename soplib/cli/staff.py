"""``sop staff import|list|deactivate``: the staff registry."""

from __future__ import annotations

from pathlib import Path

import click

from soplib.cli.main import by_option, json_option, open_store
from soplib.cli.output import emit_json, success, table


@click.group()
def staff() -> None:
    """The staff registry: who must acknowledge which SOPs."""


@staff.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@by_option
@json_option
@click.pass_context
def import_(ctx: click.Context, file: Path, by: str, as_json: bool) -> None:
    """Add and update staff from a CSV file with the header id,name,unit,position (all or nothing)."""
    from soplib.staff import import_staff

    result = import_staff(open_store(ctx), file, by=by)
    if as_json:
        emit_json(result.to_json())
        return
    success(
        f"imported {file}: {len(result.added)} added, {len(result.updated)} updated, "
        f"{len(result.reactivated)} reactivated, {len(result.unchanged)} unchanged"
    )


@staff.command("list")
@click.option("--unit", help="Only this unit (exact name).")
@click.option("--all", "include_inactive", is_flag=True, help="Include inactive staff.")
@json_option
@click.pass_context
def list_(ctx: click.Context, unit: str | None, include_inactive: bool, as_json: bool) -> None:
    """Registered staff, by unit and name."""
    from soplib.staff import list_staff

    people = list_staff(open_store(ctx), unit=unit, include_inactive=include_inactive)
    if as_json:
        emit_json([p.to_json() for p in people])
        return
    table(
        "Staff",
        ["id", "name", "unit", "position", "active"],
        [[p.id, p.name, p.unit, p.position, "yes" if p.active else "no"] for p in people],
    )


@staff.command()
@click.argument("staff_id")
@by_option
@click.pass_context
def deactivate(ctx: click.Context, staff_id: str, by: str) -> None:
    """Mark a person who left as inactive (kept in the history, out of coverage)."""
    from soplib.staff import deactivate_staff

    person = deactivate_staff(open_store(ctx), staff_id, by=by)
    success(f"deactivated {person.id} ({person.name})")


COMMANDS = [staff]
