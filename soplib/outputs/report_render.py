"""The audit report as PDF, HTML, Markdown, JSON or CSV.

* ``pdf`` and ``html``: A4 pages (:mod:`soplib.outputs.report_html`): the
  summary and coverage (with bar charts) on portrait pages, the register,
  the sessions and the overdue reviews on landscape pages, who has not
  acknowledged what on portrait pages; translated, names beside ids, dates
  as people write them in the office's time zone.
* ``md``: the same sections as Markdown tables (to paste into minutes),
  translated.
* ``json``: :meth:`AuditReport.to_json`: stable English keys and identifier
  values (``in_force``, ``revise``; schema in docs/cli.md), whatever the
  language.
* ``csv``: the SOP register, one row per SOP with its evaluation and coverage
  figures (:data:`CSV_COLUMNS`): machine-readable like the JSON (identifier
  headers and values), formula-safe cells.

    >>> render_report(report, "md", language="en").splitlines()[0]
    '# SOP audit report'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from soplib.audit.report import AuditReport
from soplib.clock import office_zone
from soplib.documents.records import Approver
from soplib.errors import InvalidInputError
from soplib.files import csv_bytes
from soplib.i18n import _, check_language, use_language
from soplib.labels import label
from soplib.outputs.model import OfficeProfile
from soplib.outputs.sheet import Column, Frame, day

if TYPE_CHECKING:
    from soplib.audit.report import SessionRow

FORMATS = ("pdf", "html", "md", "json", "csv")
CSV_COLUMNS = (
    "id",
    "title",
    "unit",
    "version",
    "status",
    "effective_date",
    "approver",
    "next_review_due",
    "overdue",
    "evaluated",
    "followed_up",
    "audience",
    "acknowledged",
    "coverage_percent",
)


def report_format(name: str) -> str:
    """The format of a report file from its name's extension (``.pdf``, ``.md`` ...), else html.

    >>> report_format('laporan.PDF')
    'pdf'
    """
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"pdf": "pdf", "md": "md", "json": "json", "csv": "csv", "htm": "html"}.get(suffix, "html")


def render_report_bytes(
    report: AuditReport, fmt: str, *, language: str = "id", office: OfficeProfile | None = None
) -> bytes:
    """The report in ``fmt`` (one of :data:`FORMATS`) as the bytes of its file.

    >>> render_report_bytes(report, 'pdf', language='id')[:5]
    b'%PDF-'
    """
    if fmt == "pdf":
        from soplib.outputs.pdf import render_pdf
        from soplib.outputs.report_html import render_html

        return render_pdf(render_html(report, language=language, office=office), created=report.on)
    return render_report(report, fmt, language=language, office=office).encode("utf-8")


def render_report(
    report: AuditReport, fmt: str, *, language: str = "id", office: OfficeProfile | None = None
) -> str:
    """The report in ``fmt``: ``html``, ``md``, ``json`` or ``csv`` text (a PDF: :func:`render_report_bytes`).

    ``language`` (``id``/``en``) is the language of md and html; ``office`` the
    heading of the html page.

    >>> render_report(report, 'md', language='id').splitlines()[0]
    '# Laporan Audit SOP'
    """
    check_language(language)
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return render_md(report, language=language)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "html":
        from soplib.outputs.report_html import render_html

        return render_html(report, language=language, office=office)
    if fmt == "pdf":
        raise InvalidInputError("a PDF is bytes: use render_report_bytes(report, 'pdf')")
    raise InvalidInputError(
        "unknown report format {fmt}: use one of {formats}", fmt=repr(fmt), formats=", ".join(FORMATS)
    )


def frame_of(report: AuditReport, language: str, office: OfficeProfile | None = None) -> Frame:
    """The frame the report's pages are drawn in (its days are the office's).

    >>> frame_of(report, 'id').language
    'id'
    """
    return Frame(office or OfficeProfile(), office_zone(report.time_zone), report.head, language)


def pct(value: float | None) -> str:
    """``66.7%`` (``-`` when there is no audience).

    >>> pct(66.666)
    '66.7%'
    """
    return "-" if value is None else f"{value:.1f}%"


def iso(value: date | datetime | None) -> str:
    """An ISO date for the machine-readable forms.

    >>> iso(date(2026, 4, 1))
    '2026-04-01'
    """
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def ratifier(approver: Approver | None, declared: bool = False) -> str:
    """``Name, position, NIP ...`` of who ratified a version (``(declared on import)`` when declared).

    >>> ratifier(Approver('1968', 'Lalu Ahmad', 'Sekretaris'))
    'Lalu Ahmad, Sekretaris, NIP 1968'
    """
    if approver is None:
        return "-"
    parts = [approver.name or approver.id]
    if approver.position:
        parts.append(approver.position)
    if approver.name and approver.id != "-":
        parts.append(_("NIP {nip}", nip=approver.id))
    text = ", ".join(parts)
    return text + " (" + label("ratifier_source", "declared") + ")" if declared else text


def outcome_text(value: str) -> str:
    """An outcome as people read it; ``none`` is *not decided*.

    >>> outcome_text('none')
    'not decided'
    """
    return _("not decided") if value == "none" else label("outcome", value)


@dataclass(frozen=True)
class Table:
    """One section of the report: its title, columns (with their share of the page) and plain-text rows.

    A cell's ``\\n`` is a line break (HTML) or a space (Markdown).
    """

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    orientation: str = "portrait"


def _closed(s: SessionRow, frame: Frame) -> str:
    if s.closed_at is None:
        return "-"
    who = s.closed_by_name or s.closed_by or "-"
    if s.closed_by_position:
        who += f", {s.closed_by_position}"
    return f"{day(s.closed_at, frame)}\n{who}"


def _team(s: SessionRow) -> str:
    from soplib.outputs.minutes import role_label

    lines = []
    for m in s.team:
        who = m.name or m.id
        if m.position:
            who += f", {m.position}"
        lines.append(f"{who} ({role_label(m.role)})")
    return "\n".join(lines) or "-"


def tables(report: AuditReport, frame: Frame) -> list[Table]:
    """Every table of the report, translated (call inside ``use_language``).

    >>> [t.key for t in tables(report, frame)][:2]
    ['coverage-sop', 'coverage-unit']
    """
    cov = report.coverage
    register = tuple(
        (str(n), f"{r.id}\n{r.title}", r.unit or "-", str(r.version), label("status", r.status),
         day(r.effective_date, frame), ratifier(r.approver, r.declared),
         (f"{day(r.last_evaluated, frame)}\n{outcome_text(r.last_outcome or 'none')}, {r.last_session}"
          if r.last_evaluated else "-"),
         day(r.next_review, frame))
        for n, r in enumerate(report.register, 1)
    )  # fmt: skip
    sessions = tuple(
        (f"{s.id}\n{s.title}", s.ref, label("session_status", s.status), day(s.started_at, frame),
         _closed(s, frame), _team(s),
         "\n".join(f"{k}: {outcome_text(v)}" for k, v in s.outcomes.items()) or "-",
         ", ".join(s.evaluated) or "-")
        for s in report.sessions
    )  # fmt: skip
    per_sop = tuple(
        (str(n), f"{s.id}\n{s.title}", str(s.version), str(s.audience_size), str(s.acknowledged),
         str(len(s.outstanding)), pct(s.percent))
        for n, s in enumerate(cov.sops, 1)
    )  # fmt: skip
    per_unit = tuple(
        (u.unit, str(u.staff), str(u.required), str(u.acknowledged), pct(u.percent)) for u in cov.units
    )
    overdue = tuple(
        (d.id, d.title, str(d.version), day(d.counted_from, frame), str(d.interval_months),
         day(d.due_date, frame), str(-d.days_left))
        for d in report.overdue
    )  # fmt: skip
    C = Column
    return [
        Table("coverage-sop", _("Internalisation coverage per SOP"),
              (C(_("No."), 5, "n"), C(_("SOP"), 43), C(_("Version"), 9, "c"), C(_("Audience"), 11, "c"),
               C(_("Acknowledged"), 12, "c"), C(_("Outstanding"), 11, "c"), C(_("Coverage"), 9, "c")),
              per_sop),
        Table("coverage-unit", _("Internalisation coverage per unit"),
              (C(_("Unit"), 44), C(_("Staff"), 12, "c"), C(_("Required"), 14, "c"),
               C(_("Acknowledged"), 15, "c"), C(_("Coverage"), 15, "c")), per_unit),
        Table("register", _("SOP register"),
              (C(_("No."), 3, "n"), C(_("SOP"), 19), C(_("Unit"), 11), C(_("Version"), 6, "c"),
               C(_("Status"), 9), C(_("Effective date"), 9), C(_("Ratified by"), 17),
               C(_("Last evaluated"), 14), C(_("Next periodic review"), 12)), register, "landscape"),
        Table("sessions", _("Review sessions"),
              (C(_("Session"), 14), C(_("Reference"), 11), C(_("Status"), 8), C(_("Started"), 9),
               C(_("Closed"), 13), C(_("Team"), 18), C(_("Outcomes"), 16), C(_("Worksheet filled for"), 11)),
              sessions, "landscape"),
        Table("overdue", _("Overdue periodic reviews"),
              (C(_("SOP"), 16), C(_("Title"), 30), C(_("Version"), 8, "c"), C(_("Counted from"), 12),
               C(_("Months"), 9, "c"), C(_("Due"), 12), C(_("Days overdue"), 13, "c")), overdue, "landscape"),
    ]  # fmt: skip


def summary(report: AuditReport, frame: Frame) -> list[tuple[str, str]]:
    """The report's header lines (label, value), translated.

    >>> summary(report, frame)[0][0]
    'Report date'
    """
    g = report.grade
    point = report.as_of
    if point is not None:
        record = _("as recorded at the end of {date} (commit {commit})", date=day(point.date, frame),
                   commit=point.commit or "-")  # fmt: skip
    else:
        record = _("the store as it is now")
    shares = _("{evaluated} of {main} main SOPs evaluated, {followed} followed up",
               evaluated=len(g.evaluated), main=len(g.main), followed=len(g.followed_up))  # fmt: skip
    cov = report.coverage
    return [
        (_("Report date"), day(report.on, frame)),
        (_("Record"), record),
        (_("Store commit"), report.head or _("(empty store)")),
        (_("Grade (SOPs are evaluated)"), f"{g.letter} ({g.score:g})"),
        (_("Rule"), f"{g.letter} = {label('grade', g.letter)} ({shares})"),
        (_("Window"), _("review sessions started after {start} up to {end}", start=day(g.window_start, frame),
                        end=day(g.window_end, frame))),
        (_("Coverage overall"), _("{done} of {required} ({percent})", done=cov.acknowledged,
                                  required=cov.required, percent=pct(cov.percent))),
    ]  # fmt: skip


def outstanding_rows(report: AuditReport) -> list[tuple[str, int, str, list[tuple[str, str, str, str]]]]:
    """Per SOP with people outstanding: (id, version, title, [(name, id, position, unit)]).

    >>> outstanding_rows(report)[0][:2]
    ('KPU-NTB-SOP-01', 2)
    """
    staff = report.coverage.staff
    return [
        (
            s.id,
            s.version,
            s.title,
            [(staff[i].name, i, staff[i].position, staff[i].unit) for i in s.outstanding],
        )
        for s in report.coverage.sops
        if s.outstanding
    ]


# -- Markdown -------------------------------------------------------------------------


def _md_cell(value: str) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def _md_table(columns: list[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return f"_{empty}_\n"
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def render_md(report: AuditReport, *, language: str = "id") -> str:
    """The report as Markdown: the header lines, then one table per section.

    >>> render_md(report, language='en').splitlines()[0]
    '# SOP audit report'
    """
    frame = frame_of(report, language)
    with use_language(language):
        none, title = _("none"), _("SOP audit report")
        out = [f"# {title}\n"]
        out += [f"- **{k}**: {_md_cell(v)}" for k, v in summary(report, frame)]
        out.append("")
        for table in tables(report, frame):
            out += [
                f"## {table.title}\n",
                _md_table([c.label for c in table.columns], list(table.rows), none),
            ]
        rows = [
            (sop, str(version), name, nip, unit, position)
            for sop, version, _title, people in outstanding_rows(report)
            for name, nip, position, unit in people
        ]
        columns = [_("SOP"), _("Version"), _("Name"), _("NIP / ID"), _("Unit"), _("Position")]
        heading = _("Outstanding acknowledgements")
        out += [f"## {heading}\n", _md_table(columns, rows, none)]
        return "\n".join(out)


# -- CSV ------------------------------------------------------------------------------


def render_csv(report: AuditReport) -> str:
    """The register with evaluation and coverage columns (:data:`CSV_COLUMNS`), one row per SOP.

    >>> render_csv(report).splitlines()[0].split(',')[:3]
    ['id', 'title', 'unit']
    """
    cov = {s.id: s for s in report.coverage.sops}
    overdue = {d.id for d in report.overdue}
    g = report.grade
    rows = []
    for r in report.register:
        c = cov.get(r.id)
        who = ""
        if r.approver is not None:  # empty, not "-" (which a spreadsheet shows as "'-")
            a = r.approver
            who = (
                a.label()
                + (f", NIP {a.id}" if a.name and a.id != "-" else "")
                + (" (declared)" if r.declared else "")
            )
        rows.append(
            [
                r.id, r.title, r.unit or "", r.version, r.status, iso(r.effective_date), who,
                iso(r.next_review), "yes" if r.id in overdue else "no",
                "yes" if r.id in g.evaluated else "no", "yes" if r.id in g.followed_up else "no",
                c.audience_size if c else "", c.acknowledged if c else "",
                "" if c is None or c.percent is None else f"{c.percent:.1f}",
            ]
        )  # fmt: skip
    return csv_bytes(CSV_COLUMNS, rows).decode()
