"""The audit report as A4 pages: one self-contained HTML page, the same layout printed to PDF.

Portrait: the office heading, the title, the summary (report date, which
record, the store commit, the grade and its rule, overall coverage), coverage
per SOP and per unit as bar charts (inline SVG) and tables. Landscape: the
SOP register, the review sessions with their teams, the overdue periodic
reviews. Portrait: who has not acknowledged the version in force, per SOP,
with names, NIPs, positions and units. Inline CSS, no script, no external
resource; every string from the store escaped.

    >>> page = render_html(report, language="id", office=office)
"""

from __future__ import annotations

from collections.abc import Sequence

from soplib.audit.report import AuditReport
from soplib.i18n import _, use_language
from soplib.outputs.html import esc
from soplib.outputs.model import OfficeProfile
from soplib.outputs.report_render import Table, frame_of, outstanding_rows, pct, summary, tables
from soplib.outputs.sheet import Column, Sheet, document, grid, group_row, h2, heading, info, title_block
from soplib.people.staff import StaffMember

# The chart's drawing units; it is drawn 180 mm wide (the portrait page between its margins).
_BAR_W, _LABEL_W, _PCT_W, _ROW_H = 380, 260, 60, 22
_CHART_MM = 180.0


def bar_chart(title: str, bars: Sequence[tuple[str, float | None]]) -> str:
    """A horizontal bar chart of percentages (inline SVG): a label and a value per bar, no script.

    >>> bar_chart('Cakupan', [('KPU-NTB-SOP-01 v2', 20.0)]).count('<rect')
    2
    """
    if not bars:
        return ""
    width = _LABEL_W + _BAR_W + _PCT_W
    height = _ROW_H * len(bars) + 10
    scale = _CHART_MM / width
    rows = []
    for n, (name, value) in enumerate(bars):
        y = 5 + n * _ROW_H
        filled = 0 if value is None else round(_BAR_W * value / 100, 1)
        short = name if len(name) <= 40 else name[:39] + "…"
        rows.append(
            f'<text x="{_LABEL_W - 6}" y="{y + 15}" text-anchor="end">{esc(short)}</text>'
            f'<rect x="{_LABEL_W}" y="{y + 3}" width="{_BAR_W}" height="{_ROW_H - 6}" fill="#e4e4e4"/>'
            f'<rect x="{_LABEL_W}" y="{y + 3}" width="{filled}" height="{_ROW_H - 6}" fill="#2f7d32"/>'
            f'<text x="{_LABEL_W + _BAR_W + 6}" y="{y + 15}">{esc(pct(value))}</text>'
        )
    return (
        f'<svg class="chart" role="img" width="{_CHART_MM:.0f}mm" height="{height * scale:.1f}mm" '
        f'viewBox="0 0 {width} {height}"><title>{esc(title)}</title>{"".join(rows)}</svg>'
    )


def _table(table: Table) -> str:
    rows = [[esc(cell).replace("\n", "<br>") for cell in row] for row in table.rows]
    return grid(table.columns, rows, empty=_("none"))


def _grid(table: Table) -> str:
    return h2(table.title) + _table(table)


def outstanding_people(report: AuditReport) -> list[tuple[str, list[tuple[StaffMember, list[str]]]]]:
    """Per unit, everyone who still has an SOP in force to acknowledge, with those SOPs ("ID vN").

    >>> [unit for unit, _people in outstanding_people(report)][:1]
    ['Sekretariat']
    """
    staff = report.coverage.staff
    todo: dict[str, list[str]] = {}
    for s in report.coverage.sops:
        for i in s.outstanding:
            todo.setdefault(i, []).append(f"{s.id} v{s.version}")
    units: dict[str, list[tuple[StaffMember, list[str]]]] = {}
    for i in sorted(todo, key=lambda i: (staff[i].unit, staff[i].name, i)):
        units.setdefault(staff[i].unit, []).append((staff[i], todo[i]))
    return list(units.items())


def _outstanding(report: AuditReport) -> str:
    # One row per person (not per person and SOP): an office of 150 people and 200 SOPs lists
    # 150 rows, each a to-do list, instead of thousands of pairs.
    columns = [
        Column(_("No."), 5, "n"), Column(_("Name"), 24), Column(_("NIP / ID"), 20), Column(_("Position"), 16),
        Column(_("SOPs not acknowledged yet"), 35),
    ]  # fmt: skip
    rows: list[list[str]] = []
    n = 0
    for unit, people in outstanding_people(report):
        rows.append(group_row(_("{unit} ({n} people)", unit=unit, n=len(people))))
        for person, sops in people:
            n += 1
            rows.append(
                [str(n), esc(person.name), esc(person.id), esc(person.position or "-"), esc(", ".join(sops))]
            )
    return h2(_("Outstanding acknowledgements")) + grid(columns, rows, empty=_("none"))


def render_html(report: AuditReport, *, language: str = "id", office: OfficeProfile | None = None) -> str:
    """The report as one self-contained HTML page of A4 sheets (print CSS; :func:`render_pdf` prints it).

    >>> '<h1>Laporan Audit SOP</h1>' in render_html(report, language='id')
    True
    """
    frame = frame_of(report, language, office)
    with use_language(language):
        title = _("SOP audit report")
        subtitle = _("Grade {letter}", letter=report.grade.letter)
        found = {t.key: t for t in tables(report, frame)}
        cov = report.coverage
        first = (
            heading(frame)
            + title_block(title, subtitle)
            + info(summary(report, frame))
            + h2(found["coverage-sop"].title)
            + bar_chart(found["coverage-sop"].title, [(f"{s.id} v{s.version}", s.percent) for s in cov.sops])
            + _table(found["coverage-sop"])
            + h2(found["coverage-unit"].title)
            + bar_chart(found["coverage-unit"].title, [(u.unit, u.percent) for u in cov.units])
            + _table(found["coverage-unit"])
        )
        wide = "".join(_grid(found[k]) for k in ("register", "sessions", "overdue"))
        footer = _("SOP audit report of {date}", date=summary(report, frame)[0][1])
        sheets = [Sheet(first), Sheet(wide, "landscape"), Sheet(_outstanding(report))]
        if not outstanding_rows(report):  # nothing outstanding: one line on the first sheet
            sheets = [Sheet(first + _outstanding(report)), sheets[1]]
        return document(frame, title=f"{title} {report.on.isoformat()}", footer=footer, sheets=sheets)
