"""The evidence pack's index page (``index.html``) and ``README.txt``, in the pack's language.

The index lists every document of the pack under its heading (the audit
report, internalisation, briefings, review sessions), says what it is and
links each of its files (PDF, HTML, Markdown, JSON, CSV) by their paths in
the pack, so it works from the unpacked folder. It ends with how to check the
pack against its manifest and the store's history.

    >>> page = index_html(entries, report, office, "id", set(files))
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass

from soplib.audit.report import AuditReport
from soplib.i18n import _, use_language
from soplib.outputs.html import esc
from soplib.outputs.model import OfficeProfile
from soplib.outputs.report_render import frame_of
from soplib.outputs.sheet import (
    Column,
    Sheet,
    day,
    document,
    grid,
    group_row,
    h2,
    heading,
    info,
    note,
    title_block,
)

KINDS = (("pdf", "PDF"), ("html", "HTML"), ("md", "Markdown"), ("json", "JSON"), ("csv", "CSV"))


@dataclass(frozen=True)
class Entry:
    """One document of the pack: its section, the group it is listed under, what it is, its files' stem."""

    section: str  # report, internalisation, briefings, sessions
    group: str  # "" for none: the section's heading says it
    what: str
    stem: str  # every file of the pack named ``stem + "." + extension`` is this document


def _sections() -> list[tuple[str, str]]:
    return [
        ("report", _("Audit report")),
        ("internalisation", _("Internalisation: coverage and acknowledgements")),
        ("briefings", _("Briefings (sosialisasi) and their attendance lists")),
        ("sessions", _("Review sessions: minutes, worksheets, SOPs before and after")),
    ]


def _links(stem: str, paths: Set[str]) -> str:
    found = [(f"{stem}.{ext}", name) for ext, name in KINDS if f"{stem}.{ext}" in paths]
    return " · ".join(f'<a href="{esc(path)}">{esc(name)}</a>' for path, name in found) or "-"


def _checking(head: str | None) -> list[str]:
    return [
        _("Every file's SHA-256 is in manifest.json and manifest.sha256. To check them, in its folder:"),
        "sha256sum -c manifest.sha256",
        _("and check that the store commit above is still in the store's history:"),
        f"sop --store STORE audit verify --head {head or '-'}",
    ]


def index_html(
    entries: Sequence[Entry], report: AuditReport, office: OfficeProfile, language: str, paths: Set[str]
) -> str:
    """The index page of the pack (``paths``: every file it has, to link what is there).

    >>> '<a href="report/audit-report.pdf">PDF</a>' in index_html(entries, report, office, 'id', paths)
    True
    """
    frame = frame_of(report, language, office)
    with use_language(language):
        title = _("SOP evidence pack")
        facts = [(_("Office"), office.name or "-"), (_("Report date"), day(report.on, frame))]
        if report.as_of is not None:
            facts.append(
                (_("Record"), _("as recorded at the end of {date}", date=day(report.as_of.date, frame)))
            )
        facts.append((_("Store commit"), report.head or "-"))
        body = heading(frame) + title_block(title) + info(facts)
        columns = [Column(_("Document"), 70), Column(_("Files"), 30)]
        for key, name in _sections():
            rows: list[list[str]] = []
            group = None
            for e in (e for e in entries if e.section == key):
                if e.group and e.group != group:  # a group's heading (a session, a briefing)
                    rows.append(group_row(e.group))
                    group = e.group
                rows.append([esc(e.what), _links(e.stem, paths)])
            body += h2(name) + grid(columns, rows, empty=_("none"))
        body += h2(_("Checking this pack")) + "".join(note(line) for line in _checking(report.head))
        return document(frame, title=title, footer=title, sheets=[Sheet(body)])


def readme(report: AuditReport, language: str) -> str:
    """``README.txt``: what the pack is, where things are, how to check it.

    >>> readme(report, 'en').splitlines()[0]
    'SOP evidence pack (soplib)'
    """
    frame = frame_of(report, language)
    with use_language(language):
        if report.as_of is not None:
            record = _("the record as it stood at the end of {date}", date=day(report.as_of.date, frame))
        else:
            record = _("the store as it was on {date}", date=day(report.on, frame))
        lines = [
            _("SOP evidence pack (soplib)"),
            "",
            _("Made from the store at commit {commit}: {record}.", commit=report.head or "-", record=record),
            _("Open index.html: it lists every document with what it is."),
            "",
            "report/            "
            + _("the audit report (PDF, HTML, Markdown, JSON) and the SOP register (CSV)"),
            "coverage/          "
            + _("internalisation coverage per SOP, per unit, and who is outstanding (CSV)"),
            "acknowledgements/  " + _("who acknowledged each SOP in force, and how (PDF, CSV)"),
            "briefings/         " + _("the attendance list (daftar hadir) of each briefing (PDF, CSV)"),
            "sessions/          "
            + _(
                "per review session: the minutes (notula), the evaluation worksheet (kertas kerja evaluasi), "
                "the session record and, per SOP, the SOP before and after (SOP AP print) and the redline"
            ),
            "",
            *_checking(report.head),
        ]
        return "\n".join(lines) + "\n"
