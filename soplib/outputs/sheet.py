"""The frame every evidence document shares: A4 sheets, the office heading, tables that fit, signatures.

Minutes, worksheets, attendance lists, acknowledgement lists and the audit
report are tables on A4 paper. This module makes them the same way:

- a document is a list of *sheets*, each A4 portrait or landscape (a named
  page), laid out on screen as sheets of that size, so a browser shows what
  prints;
- a table's columns are shares of the sheet's width (``table-layout: fixed``,
  the shares add up to 100 %): no table is ever wider than its page, long
  words break inside their cell, a row never splits across pages and the
  header rows (``thead``) are repeated on every page the table continues on;
- the footer of every page says what the paper is (document, office, the
  store commit it was made from) and "Page n of m";
- every string from the store goes through :func:`esc`.

    >>> html = document(frame, title="Notula", sheets=[Sheet(body)])
    >>> pdf = render(html, "pdf", created=date(2026, 3, 20))
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Literal

from soplib.errors import InvalidInputError
from soplib.i18n import _, format_date
from soplib.outputs.html import esc
from soplib.outputs.model import Logo, OfficeProfile
from soplib.outputs.pdf import render_pdf
from soplib.outputs.style import FONT, page_number_content

DocFormat = Literal["pdf", "html"]
Orientation = Literal["portrait", "landscape"]

CSS = f"""\
@page {{ size: A4 portrait; margin: 15mm 15mm 16mm 15mm;
  @bottom-left {{ content: element(footer); width: 80%; vertical-align: top; padding-top: 2mm; }}
  @bottom-right {{ content: PAGE_NUMBER; width: 20%; font: 6.5pt {FONT}; vertical-align: top;
    padding-top: 2mm; text-align: right; }} }}
@page landscape {{ size: A4 landscape; margin: 12mm 10mm 14mm 10mm; }}
html {{ font-family: {FONT}; font-size: 9pt; line-height: 1.3; color: #000; }}
body {{ margin: 0; }}
.sheet {{ box-sizing: border-box; }}
.sheet.landscape {{ page: landscape; }}
.sheet + .sheet {{ break-before: page; }}
.running {{ position: running(footer); font-size: 6pt; color: #333; overflow-wrap: break-word; }}
h1, h2, h3, p {{ margin: 0; }}
.kop {{ display: flex; align-items: center; gap: 4mm; border-bottom: 0.8mm double #000;
  padding-bottom: 2mm; margin-bottom: 4mm; }}
.kop img {{ height: 16mm; width: auto; }}
.kop .office {{ font-size: 12pt; font-weight: bold; text-transform: uppercase; }}
.kop .address {{ font-size: 8pt; }}
h1 {{ font-size: 12pt; text-align: center; text-transform: uppercase; letter-spacing: 0.03em; }}
.subtitle {{ text-align: center; font-size: 10pt; margin: 1mm 0 4mm; }}
h2 {{ font-size: 10pt; margin: 5mm 0 2mm; break-after: avoid; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
th, td {{ border: 0.3mm solid #000; padding: 1.1mm 1.2mm; vertical-align: top; text-align: left;
  overflow-wrap: break-word; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
.grid {{ font-size: 8pt; }}
.grid th {{ font-size: 7.5pt; background: #e6e6e6; text-align: center; vertical-align: middle; }}
.grid.dense th {{ font-size: 6.5pt; padding: 0.8mm; }}
.grid td.n, .grid td.c {{ text-align: center; }}
.grid tr.group td {{ background: #f2f2f2; font-weight: bold; }}
.grid td.sign {{ height: 9mm; font-size: 7pt; color: #333; }}
.grid td.sign span.even {{ display: block; padding-left: 50%; }}
.info {{ margin: 0 0 4mm; font-size: 9pt; }}
.info th, .info td {{ border: none; padding: 0.5mm 1mm; }}
.info th {{ font-weight: bold; }}
.small {{ font-size: 7.5pt; color: #333; }}
.note {{ font-size: 8pt; margin-top: 2mm; }}
.none {{ font-style: italic; color: #333; }}
.signers {{ margin-top: 8mm; break-inside: avoid; }}
.signers td {{ border: none; text-align: center; padding: 0 4mm; }}
.signers .space {{ height: 18mm; }}
.signers .name {{ font-weight: bold; text-decoration: underline; }}
svg.chart {{ display: block; margin: 1mm 0 3mm; }}
svg.chart text {{ font-family: {FONT}; font-size: 7pt; }}
@media screen {{
  html {{ background: #d9d9d9; }}
  .running {{ display: none; }}
  .sheet {{ background: #fff; width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 15mm;
    box-shadow: 0 0 2mm rgba(0, 0, 0, 0.3); }}
  .sheet.landscape {{ width: 297mm; min-height: 210mm; padding: 12mm 10mm; }}
}}
"""

_WIDTH = re.compile(r'class="pc(\d+)"')


@dataclass(frozen=True)
class Frame:
    """What every evidence document shows beside its own content.

    ``zone`` is the office's time zone: every moment is shown as a day there.
    ``head`` is the store commit the document was read from (in the footer).
    """

    office: OfficeProfile
    zone: tzinfo
    head: str | None
    language: str = "id"


@dataclass(frozen=True)
class Column:
    """A table column: its header and its share of the table's width in percent (whole numbers).

    The last column takes what the others leave (its ``share`` is only checked
    to be positive); ``cls`` styles its body cells (``n`` number, ``c`` centred,
    ``sign`` a signature cell).
    """

    label: str
    share: int
    cls: str = ""


@dataclass(frozen=True)
class Sheet:
    """One part of a document on A4 paper of one orientation."""

    body: str
    orientation: Orientation = "portrait"


def day(value: date | datetime | None, frame: Frame) -> str:
    """A date as people write it; a moment as the day it was in the office (``-`` for none).

    >>> day(datetime(2026, 3, 19, 17, tzinfo=UTC), frame)  # WITA: already 20 March
    '20 Maret 2026'
    """
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = value.astimezone(frame.zone).date()
    return format_date(value, frame.language)


def clock_time(value: datetime, frame: Frame) -> str:
    """The time of day of ``value`` in the office (``09:30``).

    >>> clock_time(datetime(2026, 3, 20, 1, tzinfo=UTC), frame)  # WITA
    '09:00'
    """
    return value.astimezone(frame.zone).strftime("%H:%M")


def logo_img(logo: Logo | None) -> str:
    """The office logo as an inline image (``data:`` URL: nothing is fetched).

    >>> logo_img(None)
    ''
    """
    if logo is None:
        return ""
    data = base64.b64encode(logo.data).decode("ascii")
    return f'<img src="data:{logo.media_type};base64,{data}" alt="">'


def heading(frame: Frame) -> str:
    """The office heading (*kop*): logo, name, address; nothing when the store has no office profile.

    >>> heading(frame).startswith('<header class="kop">')
    True
    """
    office = frame.office
    if not (office.name or office.address or office.logo):
        return ""
    text = f'<div class="office">{esc(office.name)}</div>' if office.name else ""
    if office.address:
        text += '<div class="address">' + "<br>".join(esc(x) for x in office.address.split("\n")) + "</div>"
    return f'<header class="kop">{logo_img(office.logo)}<div>{text}</div></header>'


def title_block(title: str, subtitle: str = "") -> str:
    """The document's title (upper case on paper) and an optional line under it.

    >>> title_block('Daftar Hadir', 'Sosialisasi SOP')
    '<h1>Daftar Hadir</h1><p class="subtitle">Sosialisasi SOP</p>'
    """
    sub = f'<p class="subtitle">{esc(subtitle)}</p>' if subtitle else ""
    return f"<h1>{esc(title)}</h1>{sub}"


def h2(text: str) -> str:
    """A section heading.

    >>> h2('Tim evaluasi')
    '<h2>Tim evaluasi</h2>'
    """
    return f"<h2>{esc(text)}</h2>"


def small(text: str) -> str:
    """A line of small print (a note under a table).

    >>> small('a <b>')
    '<p class="small">a &lt;b&gt;</p>'
    """
    return f'<p class="small">{esc(text)}</p>'


def note(text: str) -> str:
    """A paragraph of the document's own text.

    >>> note('Sesi masih berlangsung.')
    '<p class="note">Sesi masih berlangsung.</p>'
    """
    return f'<p class="note">{esc(text)}</p>'


def info(rows: Sequence[tuple[str, str]]) -> str:
    """A borderless table of label : value lines (values are plain text, escaped here).

    >>> info([('Sesi', 'R-20260310-0A1B')]).count('<tr>')
    1
    """
    body = "".join(f"<tr><th>{esc(k)}</th><td>: {esc(v)}</td></tr>" for k, v in rows)
    return f'<table class="info"><colgroup><col class="pc28"><col></colgroup>{body}</table>'


def grid(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    groups: Sequence[tuple[str, int]] = (),
    empty: str = "",
    dense: bool = False,
) -> str:
    """A table whose cells are HTML already escaped (use :func:`esc`); header repeated on every page.

    ``groups`` adds a first header row: (label, number of columns spanned);
    a label of ``""`` leaves its columns' own headers spanning both rows. A
    row whose single cell starts with ``<group>`` is a sub-heading across the
    table. ``empty`` is shown instead of a table without rows.

    >>> grid([Column('No', 10, 'n'), Column('Nama', 90)], [['1', 'Ani']]).count('<td')
    2
    """
    if not columns or any(c.share <= 0 for c in columns) or sum(c.share for c in columns[:-1]) >= 100:
        raise InvalidInputError("a table's columns must have positive shares adding up to under 100 %")
    if not rows and empty:
        return f'<p class="none">{esc(empty)}</p>'
    cols = "".join(f'<col class="pc{c.share}">' for c in columns[:-1]) + "<col>"
    if groups:
        first, second, at = [], [], 0
        for label, span in groups:
            if label:
                first.append(f'<th colspan="{span}">{esc(label)}</th>')
                second += [f"<th>{esc(c.label)}</th>" for c in columns[at : at + span]]
            else:
                first += [f'<th rowspan="2">{esc(c.label)}</th>' for c in columns[at : at + span]]
            at += span
        head = f"<tr>{''.join(first)}</tr><tr>{''.join(second)}</tr>"
    else:
        head = "<tr>" + "".join(f"<th>{esc(c.label)}</th>" for c in columns) + "</tr>"
    body = []
    for row in rows:
        if len(row) == 1 and row[0].startswith("<group>"):
            body.append(f'<tr class="group"><td colspan="{len(columns)}">{row[0][7:]}</td></tr>')
            continue
        if len(row) != len(columns):
            raise InvalidInputError("a row has {n} cells for {m} columns", n=len(row), m=len(columns))
        cells = "".join(
            f'<td class="{c.cls}">{v}</td>' if c.cls else f"<td>{v}</td>"
            for c, v in zip(columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="{"grid dense" if dense else "grid"}"><colgroup>{cols}</colgroup><thead>{head}</thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def group_row(text: str) -> list[str]:
    """A row of :func:`grid` that is a sub-heading across the whole table.

    >>> group_row('Sekretariat (2 orang)')
    ['<group>Sekretariat (2 orang)']
    """
    return ["<group>" + esc(text)]


@dataclass(frozen=True)
class Signer:
    """A signature block: the capacity they sign in, their position, name and NIP (a space to sign)."""

    capacity: str
    name: str
    position: str = ""
    nip: str = ""


def signatures(signers: Sequence[Signer], *, place_date: str = "") -> str:
    """Signature blocks side by side (at most three a row), the date line above the right-hand one.

    >>> 'Lalu Ahmad' in signatures([Signer('Disahkan oleh', 'Lalu Ahmad', 'Sekretaris', '1968')])
    True
    """
    if not signers:
        return ""
    cells = []
    for n, s in enumerate(signers):
        dated = f"<p>{esc(place_date)}</p>" if place_date and n == len(signers) - 1 else "<p>&#160;</p>"
        # Every block has a position line (blank if none), so the names line up.
        lines = [dated, f"<p>{esc(s.capacity)}</p>", f"<p>{esc(s.position) or '&#160;'}</p>"]
        lines += ['<div class="space"></div>', f'<p class="name">{esc(s.name)}</p>']
        if s.nip:
            nip = _("NIP {nip}", nip=s.nip)
            lines.append(f"<p>{esc(nip)}</p>")
        cells.append(f"<td>{''.join(lines)}</td>")
    rows = ["".join(cells[i : i + 3]) for i in range(0, len(cells), 3)]
    return '<table class="signers">' + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"


def document(frame: Frame, *, title: str, footer: str, sheets: Sequence[Sheet]) -> str:
    """The whole page: style, the running footer, the sheets (each on its own page or pages).

    ``footer`` names the paper on every page; the store commit is added to it.

    >>> document(frame, title='Notula', footer='Notula R-1', sheets=[Sheet('<p>x</p>')])[:15]
    '<!DOCTYPE html>'
    """
    body = "\n".join(f'<section class="sheet {s.orientation}">{s.body}</section>' for s in sheets)
    widths = sorted({int(w) for w in _WIDTH.findall(body)})
    css = CSS.replace("PAGE_NUMBER", page_number_content(_("Page {page} of {pages}")))
    css += "".join(f".pc{w} {{ width: {w}%; }}\n" for w in widths)
    line = footer
    if frame.head:
        line = _("{document} · store commit {commit}", document=footer, commit=frame.head)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(frame.language)}">\n<head>\n<meta charset="utf-8">\n<title>{esc(title)}</title>\n'
        f"<style>\n{css}</style>\n</head>\n<body>\n"
        f'<div class="running">{esc(line)}</div>\n{body}\n</body>\n</html>\n'
    )


def render(html: str, fmt: DocFormat, *, created: date | None) -> bytes:
    """The document as PDF bytes (dated ``created``; same input, same bytes) or UTF-8 HTML.

    >>> render(page, 'pdf', created=date(2026, 3, 20))[:5]
    b'%PDF-'
    """
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return render_pdf(html, created=created)
    raise InvalidInputError("unknown document format {format}: use pdf or html", format=repr(fmt))
