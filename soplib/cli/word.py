"""Word in, Word out: ``sop import`` (.docx -> SOPs in the store) and ``sop export`` (an SOP -> .docx)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from soplib.cli.main import SopCommand, json_option, open_store
from soplib.cli.output import emit_json, output_options, success, write_file
from soplib.i18n import N_, _

if TYPE_CHECKING:
    from soplib.word import ImportResult, MappingReport


def _report_lines(report: MappingReport) -> list[str]:
    lines = [_("mapping report for {source}:", source=report.source)]
    lines += [
        _("  chose    {what} = {chosen} ({why})", what=c.what, chosen=c.chosen, why=c.why)
        for c in report.choices
    ]
    lines += [_("  took     {target} <- {source}: {value}", target=m.target, source=m.source, value=m.value)
              for m in report.mapped]  # fmt: skip
    for d in report.dropped:
        text = f" [{d.text}]" if d.text else ""
        lines.append(
            _(
                "  left out {what} at {source}: {reason}{text}",
                what=d.what,
                source=d.source,
                reason=d.reason,
                text=text,
            )
        )
    return lines


@click.command("import", cls=SopCommand)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--by", "by", envvar="SOP_BY", metavar="ID", help=N_("Who is acting (staff id). Default: $SOP_BY.")
)
@click.option("--dry-run", is_flag=True, help=N_("Print the Markdown and the mapping report; write nothing."))
@click.option("--unit", metavar="UNIT", help=N_("The unit (unit kerja) that owns these SOPs."))
@click.option(
    "--id", "sop_id", metavar="ID", help=N_("The SOP id (one file only; default: from its Nomor SOP).")
)
@click.option("--message", "-m", default="", help=N_("Why these SOPs are imported."))
@json_option
@click.pass_context
def import_(
    ctx: click.Context,
    files: tuple[Path, ...],
    by: str | None,
    dry_run: bool,
    unit: str | None,
    sop_id: str | None,
    message: str,
    as_json: bool,
) -> None:
    """Import SOPs kept as Word documents (.docx, SOP AP layout); all in one commit or none."""
    from soplib.files import read_file
    from soplib.word import read_docx

    if sop_id is not None and len(files) > 1:
        raise click.UsageError(_("--id names one SOP: import one file with it, or leave it out"))
    if not dry_run and not by:
        raise click.UsageError(
            _("Missing option '--by' (or $SOP_BY): who is importing; not needed with --dry-run")
        )
    results = [read_docx(read_file(f), source=str(f), unit=unit, sop_id=sop_id) for f in files]
    if dry_run:
        if as_json:
            emit_json([r.to_json() for r in results])
            return
        for r in results:
            click.echo(r.text, nl=False)
            click.echo("\n".join(_report_lines(r.report)), err=False)
        return
    assert by is not None
    names = ", ".join(f.name for f in files)
    added = open_store(ctx).sops.add(
        [r.document for r in results], by=by, message=message or _("Imported from Word: {names}", names=names)
    )
    if as_json:
        emit_json([_added_json(r, v.version) for r, v in zip(results, added, strict=True)])
        return
    for r, v in zip(results, added, strict=True):
        success(
            _(
                "imported {id} v{version}: {title} ({items} items; {left} things left out, see --dry-run)",
                id=v.id, version=v.version, title=v.document.title, items=len(v.document.items),
                left=len(r.report.dropped),
            )
        )  # fmt: skip


def _added_json(result: ImportResult, version: int) -> dict[str, Any]:
    return {**result.to_json(), "version": version}


@click.command("export", cls=SopCommand)
@click.argument("sop_id")
@click.option(
    "--version", "-v", "version", type=click.IntRange(min=1), help=N_("Version (default: current).")
)
@output_options(required=True)
@click.option(
    "--office", metavar="NAME", help=N_("The office's name for the heading (default: the office profile's).")
)
@click.option(
    "--address", metavar="TEXT", help=N_("The office's address under its name (default: the profile's).")
)
@click.pass_context
def export(
    ctx: click.Context,
    sop_id: str,
    version: int | None,
    output: Path,
    force: bool,
    office: str | None,
    address: str | None,
) -> None:
    """Write an SOP as an editable Word document in the SOP AP layout (to sign in Word)."""
    from soplib.cli.output import document_language
    from soplib.word import write_docx
    from soplib.word.context import export_context

    document, context = export_context(
        open_store(ctx), sop_id, version=version, office=office, address=address, language=document_language()
    )
    write_file(output, write_docx(document, context), force=force)
    click.echo(f"{document.id} v{context.version}")


COMMANDS = [import_, export]
