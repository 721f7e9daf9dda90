"""The printed SOP in the SOP AP layout (PermenPAN-RB 35/2012) as one self-contained HTML page.

Portrait identity page: the office heading, the identity table (logo, office
and unit on the left; Nomor SOP, Tanggal Pembuatan, Tanggal Revisi with
*Revisi ke-n*, Tanggal Efektif, Disahkan oleh, Nama SOP on the right), the
two-column grid (Dasar Hukum | Kualifikasi Pelaksana, Keterkaitan |
Peralatan/Perlengkapan, Peringatan | Pencatatan dan Pendataan) and the body's
prose sections. Then each procedure on landscape pages with its flowchart,
the ratification block and the fingerprint line. Every word a person reads
comes from the catalogue; every string from the document or the store goes
through :func:`soplib.render.esc`. No script, no external resource: the only
image is the office logo, inlined as a ``data:`` URL.

    >>> page = render_sop_html(data)
    >>> page.startswith("<!DOCTYPE html>")
    True
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import date

from soplib.documents.model import Item
from soplib.documents.procedure import Procedure, procedures, runs
from soplib.i18n import _, format_date, use_language
from soplib.labels import label
from soplib.outputs.html import esc
from soplib.outputs.model import Logo, PrintInput, Ratifier
from soplib.outputs.procedure_html import multiline, procedure_pages
from soplib.outputs.style import stylesheet


def _day(value: date | None) -> str:
    return format_date(value) if value is not None else "-"


def _logo(logo: Logo | None) -> str:
    if logo is None:
        return ""
    data = base64.b64encode(logo.data).decode("ascii")
    return f'<img src="data:{logo.media_type};base64,{data}" alt="">'


def _p(text: str, cls: str = "") -> str:
    attrs = f' class="{cls}"' if cls else ""
    return f"<p{attrs}>{esc(text)}</p>"


def _list(values: Sequence[str]) -> str:
    if not values:
        return "<p>-</p>"
    return "<ol>" + "".join(f"<li>{esc(v)}</li>" for v in values) + "</ol>"


def ratifier_note(ratifier: Ratifier) -> str:
    """Where the ratifier's record comes from: frozen at approval, or declared on import.

    >>> ratifier = Ratifier("Lalu Ahmad", source="declared", recorded_by="ani", recorded_on=date(2026, 12, 3))
    >>> ratifier_note(ratifier)
    'as declared on import by ani, 3 December 2026'
    """
    day = _day(ratifier.recorded_on)
    if ratifier.source == "declared":
        return _("as declared on import by {by}, {date}", by=ratifier.recorded_by or "-", date=day)
    return _("recorded at approval by {by}, {date}", by=ratifier.recorded_by or "-", date=day)


def _signer(ratifier: Ratifier | None, *, space: str) -> str:
    """Position, the space to sign, name and NIP (the same in the identity table and at the end)."""
    if ratifier is None:
        return _p(_("not ratified yet"), "unsigned")
    parts = [f"<p>{esc(ratifier.position)}</p>" if ratifier.position else ""]
    parts.append(f'<div class="{space}"></div>')
    parts.append(f'<p class="name">{esc(ratifier.name)}</p>')
    if ratifier.nip:
        parts.append(_p(_("NIP {nip}", nip=ratifier.nip)))
    parts.append(f'<p class="note">{esc(ratifier_note(ratifier))}</p>')
    return "".join(parts)


def fingerprint_text(data: PrintInput) -> str:
    """The line that ties the paper to the record: id, version, content sha256, commit.

    >>> fingerprint_text(data)
    'KPU-NTB-SOP-02 version 3 · sha256 0497...f778f · commit 0123...4567'
    """
    fp = data.fingerprint
    if fp.commit:
        return _(
            "{id} version {version} · sha256 {sha256} · commit {commit}",
            id=data.document.id, version=data.version, sha256=fp.content_sha256, commit=fp.commit,
        )  # fmt: skip
    return _("{id} version {version} · sha256 {sha256}", id=data.document.id, version=data.version,
             sha256=fp.content_sha256)  # fmt: skip


def _identity(data: PrintInput) -> str:
    front = data.document.front
    office = data.office
    revised = esc(_day(data.revised))
    if data.revision:
        revision = _("Revision {n}", n=data.revision)
        revised += f'<br><span class="revision">{esc(revision)}</span>'
    rows = [
        (_("SOP number"), esc(front.number or "-")),
        (_("Date made"), esc(_day(data.made))),
        (_("Date revised"), revised),
        (_("Effective date"), esc(_day(data.effective))),
        (_("Ratified by"), f'<div class="signer">{_signer(data.ratifier, space="space")}</div>'),
        (_("SOP title"), f'<span class="title">{esc(front.title)}</span>'),
    ]
    brand = _logo(office.logo)
    if office.name:
        brand += f"<div>{esc(office.name)}</div>"
    if front.unit:
        brand += f'<div class="unit">{esc(front.unit)}</div>'
    body = "".join(
        (f'<tr><td class="brand" rowspan="{len(rows)}">{brand}</td>' if n == 0 else "<tr>")
        + f"<th>{esc(name)}</th><td>{value}</td></tr>"
        for n, (name, value) in enumerate(rows)
    )
    cols = '<colgroup><col class="w5600"><col class="w4200"><col></colgroup>'
    return f'<table class="identity">{cols}{body}</table>'


def _grid(data: PrintInput) -> str:
    front = data.document.front
    pairs = [
        (
            _("Legal basis"),
            front.legal_basis,
            _("Qualifications of those carrying it out"),
            front.qualifications,
        ),
        (_("Related SOPs"), front.related, _("Equipment"), front.equipment),
        (_("Warnings"), front.warnings, _("Records kept"), front.records),
    ]
    rows = "".join(
        f"<tr><td><h3>{esc(a)}</h3>{_list(av)}</td><td><h3>{esc(b)}</h3>{_list(bv)}</td></tr>"
        for a, av, b, bv in pairs
    )
    return f'<table class="grid">{rows}</table>'


def _heading(data: PrintInput) -> str:
    office = data.office
    if not (office.name or office.address or office.logo):
        return ""
    text = f'<div class="office">{esc(office.name)}</div>' if office.name else ""
    text += f'<div class="address">{multiline(office.address)}</div>' if office.address else ""
    return f'<header class="kop">{_logo(office.logo)}<div>{text}</div></header>'


def _notes(data: PrintInput) -> str:
    lines = []
    if data.last_evaluation:
        ev = data.last_evaluation
        lines.append(
            _("Last evaluated on {date} in session {session}: {outcome}",
              date=_day(ev.on), session=ev.session, outcome=label("outcome", ev.outcome))
        )  # fmt: skip
    if data.office.time_zone:
        lines.append(_("Dates are in {zone} time.", zone=data.office.time_zone))
    return "".join(f'<p class="note">{esc(line)}</p>' for line in lines)


def _text_of(items: Sequence[Item]) -> list[str]:
    # A paragraph's line breaks are soft in Markdown: the printed text flows.
    return [" ".join(i.text.split()) if i.kind == "paragraph" else i.text for i in items]


def _body(data: PrintInput) -> tuple[str, str, set[float], int]:
    """The prose sections (portrait) and the procedures (landscape), in document order."""
    doc = data.document
    titles = {s.slug: s.title for s in doc.sections}
    procs = iter(procedures(doc))
    prose: dict[str, list[Item]] = {}
    order: list[str] = []
    procedure_sections: dict[str, list[int]] = {}
    blocks: list[tuple[str, Procedure]] = []
    for run in runs(doc.body_items):
        section = run[0].section
        if section not in order:
            order.append(section)
        if run[0].kind in ("list_item", "table_row"):
            procedure_sections.setdefault(section, []).append(len(blocks))
            blocks.append((section, next(procs)))
        else:
            prose.setdefault(section, []).extend(run)
    portrait = []
    for section in order:
        if section not in procedure_sections and section in prose:
            head = f"<h2>{esc(titles[section])}</h2>" if titles.get(section) else ""
            paras = "".join(f"<p>{multiline(t)}</p>" for t in _text_of(prose[section]))
            portrait.append(f'<section class="prose">{head}{paras}</section>')
    landscape = []
    widths: set[float] = set()
    pages = 0
    for n, (section, procedure) in enumerate(blocks):
        first = procedure_sections[section][0] == n
        lead = _text_of(prose.get(section, [])) if first else []
        caption = titles.get(section) or _("Procedure")
        result = procedure_pages(procedure, caption=caption, lead=lead)
        landscape.append(result.html)
        widths |= result.widths
        pages += result.pages
    return "".join(portrait), "\n".join(landscape), widths, pages


def _page(data: PrintInput) -> str:
    doc = data.document
    prose, landscape, widths, _pages = _body(data)
    fingerprint = esc(fingerprint_text(data))
    banner = withdrawn = ""
    if data.withdrawal:
        w = data.withdrawal
        text = _("THIS SOP HAS BEEN WITHDRAWN on {date}", date=_day(w.on))
        banner = f'<div class="banner">{esc(text)}</div>'
        reason = "<br>" + esc(_("Reason: {reason}", reason=w.reason)) if w.reason else ""
        withdrawn = f'<p class="withdrawn">{esc(text)}{reason}</p>'
    ratification = (
        '<div class="ratification">'
        + _p(_("Ratified by"))
        + _signer(data.ratifier, space="space")
        + f'</div><p class="fingerprint">{fingerprint}</p>'
    )
    closing_portrait = "" if landscape else ratification
    # The ratification follows the last procedure page, inside its sheet.
    if landscape:
        landscape = landscape[: -len("</section>")] + ratification + "</section>"
    css = stylesheet(widths={*widths, 56.0, 42.0}, footer_page=_("Page {page} of {pages}"))
    title = _("{id} version {version}: {title}", id=doc.id, version=data.version, title=doc.title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{data.language}">\n<head>\n<meta charset="utf-8">\n<title>{esc(title)}</title>\n'
        f"<style>\n{css}</style>\n</head>\n<body>\n"
        f'<div class="running">{fingerprint}</div>{banner}\n'
        f'<section class="sheet portrait">{withdrawn}{_heading(data)}{_identity(data)}{_grid(data)}'
        f"{prose}{_notes(data)}{closing_portrait}</section>\n"
        f"{landscape}\n</body>\n</html>\n"
    )


def render_sop_html(data: PrintInput) -> str:
    """The SOP AP print of ``data`` as one self-contained HTML page (print CSS, same layout on screen).

    >>> "<table class=\\"identity\\">" in render_sop_html(data)
    True
    """
    with use_language(data.language):
        return _page(data)
