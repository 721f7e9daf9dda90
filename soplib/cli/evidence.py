"""Evidence documents from the command line: minutes, worksheets, attendance and acknowledgement lists.

The commands join the groups they belong to (``sop review minutes|worksheet``,
``sop briefing attendance``, ``sop audit acks``); each writes one file, PDF or
HTML by its name (the acknowledgement list also CSV), in the documents'
language (:func:`soplib.cli.output.document_language`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from soplib.cli.main import SopCommand, open_store
from soplib.cli.output import document_language, output_options, write_file
from soplib.errors import InvalidInputError
from soplib.i18n import N_


def list_format(path: Path, *, csv: bool = True) -> Literal["pdf", "html", "csv"]:
    """``pdf``, ``html`` or ``csv`` from an output file's name; anything else is refused (before any work).

    >>> list_format(Path("tanda-terima.CSV"))
    'csv'
    """
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix in (".html", ".htm"):
        return "html"
    if suffix == ".csv" and csv:
        return "csv"
    names = "FILE.pdf, FILE.html or FILE.csv" if csv else "FILE.pdf or FILE.html"
    raise InvalidInputError("{path}: this document is written as {names}; name the output so", path=path,
                            names=names)  # fmt: skip


def document_format(path: Path) -> Literal["pdf", "html"]:
    """``pdf`` or ``html`` from an output file's name; anything else is refused.

    >>> document_format(Path("notula.PDF"))
    'pdf'
    """
    fmt = list_format(path, csv=False)
    assert fmt != "csv"
    return fmt


@click.command("minutes", cls=SopCommand)
@click.argument("session_id")
@output_options(required=True)
@click.pass_context
def minutes(ctx: click.Context, session_id: str, output: Path, force: bool) -> None:
    """The minutes (notula) of a review session: team, reference, every outcome and decision, approval;
    as FILE.pdf or FILE.html.
    """
    from soplib.outputs.evidence_data import session_evidence
    from soplib.outputs.minutes import render_minutes

    fmt = document_format(output)  # refused before anything is read or written
    evidence = session_evidence(open_store(ctx), session_id, language=document_language())
    write_file(output, render_minutes(evidence, fmt), force=force)


@click.command("worksheet", cls=SopCommand)
@click.argument("session_id")
@output_options(required=True)
@click.pass_context
def worksheet(ctx: click.Context, session_id: str, output: Path, force: bool) -> None:
    """The evaluation worksheet (kertas kerja evaluasi) of a review session: the seven criteria as Ya/Tidak
    per SOP, with notes; as FILE.pdf or FILE.html.
    """
    from soplib.outputs.evidence_data import session_evidence
    from soplib.outputs.minutes import render_worksheet

    fmt = document_format(output)
    evidence = session_evidence(open_store(ctx), session_id, language=document_language())
    write_file(output, render_worksheet(evidence, fmt), force=force)


@click.command("attendance", cls=SopCommand)
@click.argument("briefing_id")
@output_options(required=True)
@click.pass_context
def attendance(ctx: click.Context, briefing_id: str, output: Path, force: bool) -> None:
    """The attendance list (daftar hadir) of a briefing, to print and sign, as FILE.pdf or FILE.html;
    before anyone is recorded, the people expected.
    """
    from soplib.outputs.attendance import render_attendance
    from soplib.outputs.people_data import briefing_evidence

    fmt = document_format(output)
    evidence = briefing_evidence(open_store(ctx), briefing_id, language=document_language())
    write_file(output, render_attendance(evidence, fmt), force=force)


@click.command("acks", cls=SopCommand)
@click.argument("sop_id")
@click.option(
    "--version", "-v", "version", type=click.IntRange(min=1), help=N_("Version (default: current).")
)
@output_options(required=True)
@click.pass_context
def acks(ctx: click.Context, sop_id: str, version: int | None, output: Path, force: bool) -> None:
    """Who acknowledged a version of an SOP (name, NIP, unit, how, when) and who has not yet, as
    FILE.pdf, FILE.html or FILE.csv.
    """
    from soplib.outputs.attendance import ack_csv, render_ack_lists
    from soplib.outputs.people_data import ack_lists

    fmt = list_format(output)
    lists = ack_lists(open_store(ctx), [(sop_id, version)], language=document_language())
    write_file(output, ack_csv(lists) if fmt == "csv" else render_ack_lists(lists, fmt), force=force)
