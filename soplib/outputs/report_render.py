"""The audit report rendered as Markdown, JSON, CSV or one self-contained HTML page.

* ``md``: the report's sections as Markdown tables (for pasting into minutes).
* ``json``: :meth:`AuditReport.to_json` (schema in docs/cli.md).
* ``csv``: the SOP register, one row per SOP, with each SOP's evaluation and
  coverage figures as extra columns (:data:`CSV_COLUMNS`); the other sections
  are in the ``md``/``json``/``html`` forms and in the pack.
* ``html``: every section, coverage per SOP and per unit drawn as inline SVG
  bar charts; inline CSS, no scripts, no external URLs, every document string
  escaped with :func:`soplib.printout.esc`.

    >>> render_report(report, "html")
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from soplib.audit.report import AuditReport
from soplib.documents.records import Approver
from soplib.errors import InvalidInputError
from soplib.files import csv_bytes
from soplib.outputs.html import PAGE_CSS, esc

FORMATS = ("html", "md", "json", "csv")
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


def render_report(report: AuditReport, fmt: str) -> str:
    """The report in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return render_md(report)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "html":
        return render_html(report)
    raise InvalidInputError(
        "unknown report format {fmt}: use one of {formats}", fmt=repr(fmt), formats=", ".join(FORMATS)
    )


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _day(value: date | datetime | None) -> str:
    if value is None:
        return "-"
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def _who(approver: Approver | None, declared: bool = False) -> str:
    if approver is None:
        return "-"
    text = approver.label() + (f", NIP {approver.id}" if approver.name and approver.id != "-" else "")
    return text + (" (declared)" if declared else "")


def _sections(report: AuditReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(title, columns, rows) of every table, shared by the Markdown and HTML forms."""
    cov = report.coverage
    return [
        (
            "SOP register",
            ["id", "title", "unit", "version", "status", "effective", "approver", "last evaluated",
             "next review due"],
            [
                [r.id, r.title, r.unit or "", r.version, r.status, _day(r.effective_date),
                 _who(r.approver, r.declared),
                 f"{_day(r.last_evaluated)} ({r.last_outcome}, "
                 f"{r.last_session})" if r.last_evaluated else "-",
                 _day(r.next_review)]
                for r in report.register
            ],
        ),
        (
            "Review sessions",
            ["session", "title", "reference", "status", "started", "closed", "team", "outcomes", "evaluated"],
            [
                [s.id, s.title, s.ref, s.status, _day(s.started_at), _day(s.closed_at),
                 ", ".join(f"{m.name or m.id} ({m.role})" for m in s.team),
                 ", ".join(f"{k}: {v}" for k, v in s.outcomes.items()) or "-",
                 ", ".join(s.evaluated) or "-"]
                for s in report.sessions
            ],
        ),
        (
            "Internalisation coverage per SOP",
            ["sop", "version", "audience", "acknowledged", "outstanding", "coverage"],
            [[s.id, s.version, s.audience_size, s.acknowledged, len(s.outstanding), _pct(s.percent)]
             for s in cov.sops],
        ),
        (
            "Internalisation coverage per unit",
            ["unit", "staff", "required", "acknowledged", "coverage"],
            [[u.unit, u.staff, u.required, u.acknowledged, _pct(u.percent)] for u in cov.units],
        ),
        (
            "Outstanding acknowledgements",
            ["sop", "version", "name", "NIP / id", "unit", "position"],
            [[o["sop"], o["version"], o["name"], o["id"], o["unit"], o["position"]]
             for o in report.outstanding()],
        ),
        (
            "Overdue periodic reviews",
            ["sop", "title", "version", "counted from", "months", "due", "days overdue"],
            [[d.id, d.title, d.version, _day(d.counted_from), d.interval_months, _day(d.due_date),
              -d.days_left]
             for d in report.overdue],
        ),
    ]  # fmt: skip


def _header_lines(report: AuditReport) -> list[tuple[str, str]]:
    g = report.grade
    as_of = report.as_of
    record = f"as recorded at the end of {as_of.date} (commit {as_of.commit or 'none'})" if as_of else "now"
    return [
        ("Report date", _day(report.on)),
        ("Record", record),
        ("Store head", report.head or "(empty store)"),
        ("Grade (SOPs are evaluated)", f"{g.letter} ({g.score:g})"),
        ("Rule", g.rule),
        ("Window", f"sessions started after {_day(g.window_start)} up to {_day(g.window_end)}"),
        ("Coverage overall", f"{report.coverage.acknowledged} of {report.coverage.required} "
         f"({_pct(report.coverage.percent)})"),
    ]  # fmt: skip


# -- Markdown -------------------------------------------------------------------------


def _md_cell(value: Any) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def _md_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    if not rows:
        return "_none_\n"
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def render_md(report: AuditReport) -> str:
    """The report as Markdown: a header list, then one table per section."""
    out = ["# SOP audit report\n"]
    out += [f"- **{k}**: {_md_cell(v)}" for k, v in _header_lines(report)]
    out.append("")
    for title, columns, rows in _sections(report):
        out += [f"## {title}\n", _md_table(columns, rows)]
    return "\n".join(out)


# -- CSV ------------------------------------------------------------------------------


def render_csv(report: AuditReport) -> str:
    """The register with evaluation and coverage columns (:data:`CSV_COLUMNS`), one row per SOP."""
    cov = {s.id: s for s in report.coverage.sops}
    overdue = {d.id for d in report.overdue}
    g = report.grade
    rows = []
    for r in report.register:
        c = cov.get(r.id)
        rows.append(
            [
                r.id, r.title, r.unit or "", r.version, r.status, _day(r.effective_date),
                _who(r.approver, r.declared) if r.approver else "",  # empty, not "-" (which reads as "'-")
                _day(r.next_review) if r.next_review else "", "yes" if r.id in overdue else "no",
                "yes" if r.id in g.evaluated else "no", "yes" if r.id in g.followed_up else "no",
                c.audience_size if c else "", c.acknowledged if c else "",
                "" if c is None or c.percent is None else f"{c.percent:.1f}",
            ]
        )  # fmt: skip
    return csv_bytes(CSV_COLUMNS, rows).decode()


# -- HTML -----------------------------------------------------------------------------

_CSS = (
    PAGE_CSS
    + """dl.head{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.head dt{font-weight:600}dl.head dd{margin:0;word-break:break-all}
.grade{font-size:2rem;font-weight:700}.none{color:#57606a;font-style:italic}
svg text{font-family:system-ui,sans-serif;font-size:12px}
@media print{h2{page-break-after:avoid}table{page-break-inside:auto}tr{page-break-inside:avoid}}"""
)

_BAR_W, _LABEL_W, _ROW_H = 360, 300, 22


def _bar_chart(title: str, bars: Sequence[tuple[str, float | None]]) -> str:
    """A horizontal bar chart (inline SVG) of percentages; a label per bar, no scripts."""
    if not bars:
        return '<p class="none">none</p>'
    height = _ROW_H * len(bars) + 10
    width = _LABEL_W + _BAR_W + 60
    rows = []
    for n, (label, pct) in enumerate(bars):
        y = 5 + n * _ROW_H
        filled = 0 if pct is None else round(_BAR_W * pct / 100, 1)
        short = label if len(label) <= 44 else label[:43] + "…"
        rows.append(
            f'<text x="{_LABEL_W - 6}" y="{y + 15}" text-anchor="end">{esc(short)}</text>'
            f'<rect x="{_LABEL_W}" y="{y + 3}" width="{_BAR_W}" height="{_ROW_H - 6}" fill="#eaeef2"/>'
            f'<rect x="{_LABEL_W}" y="{y + 3}" width="{filled}" height="{_ROW_H - 6}" fill="#2da44e"/>'
            f'<text x="{_LABEL_W + _BAR_W + 6}" y="{y + 15}">{esc(_pct(pct))}</text>'
        )
    return (
        f'<svg role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{esc(title)}</title>{"".join(rows)}</svg>'
    )


def _html_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    if not rows:
        return '<p class="none">none</p>'
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: AuditReport) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, no scripts, escaped text)."""
    head = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in _header_lines(report))
    parts = []
    charts = {
        "Internalisation coverage per SOP": _bar_chart(
            "Coverage per SOP", [(f"{s.id} v{s.version}", s.percent) for s in report.coverage.sops]
        ),
        "Internalisation coverage per unit": _bar_chart(
            "Coverage per unit", [(u.unit, u.percent) for u in report.coverage.units]
        ),
    }
    for title, columns, rows in _sections(report):
        parts.append(
            f"<section><h2>{esc(title)}</h2>{charts.get(title, '')}{_html_table(columns, rows)}</section>"
        )
    sections = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        f"<title>SOP audit report "
        f"{esc(_day(report.on))}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"<h1>SOP audit report</h1>\n"
        f'<p class="grade">Grade {esc(report.grade.letter)}</p>\n'
        f'<dl class="head">{head}</dl>\n{sections}\n</body>\n</html>\n'
    )
