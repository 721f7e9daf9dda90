"""The print stylesheet of the SOP AP layout: A4 pages, tables, the flowchart's half-columns.

The same stylesheet lays the page out on screen: each page is a sheet of the
paper's size, so what a person checks in a browser is what prints.

    >>> css = stylesheet(widths={9.0, 62.0}, footer_page="Halaman {page} dari {pages}")
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from soplib.outputs.layout import ACTOR_FONT_STEPS
from soplib.outputs.procedure_html import font_class, width_class

FONT = '"DejaVu Sans", Arial, "Liberation Sans", sans-serif'

BASE = f"""\
@page {{ size: A4 portrait; margin: 15mm 15mm 16mm 15mm;
  @top-center {{ content: element(banner); }}
  @bottom-left {{ content: element(footer); width: 80%; vertical-align: top; padding-top: 2mm; }}
  @bottom-right {{ content: PAGE_NUMBER; width: 20%; font: 6.5pt {FONT}; vertical-align: top;
    padding-top: 2mm; }} }}
@page landscape {{ size: A4 landscape; margin: 10mm 10mm 14mm 10mm; }}
.sheet {{ box-sizing: border-box; }}
html {{ font-family: {FONT}; font-size: 9pt; line-height: 1.3; color: #000; }}
body {{ margin: 0; }}
.sheet.landscape {{ page: landscape; break-before: page; }}
.running {{ position: running(footer); font-size: 6pt; color: #333; overflow-wrap: break-word; }}
.banner {{ position: running(banner); font-size: 8pt; font-weight: bold; letter-spacing: 0.05em; }}
/* Fixed layout everywhere: widths never depend on the text, and a long word breaks (break-word)
   instead of widening its column; it also keeps the typesetter from measuring every word. */
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
th, td {{ border: 0.3mm solid #000; padding: 1.2mm; vertical-align: top; text-align: left;
  overflow-wrap: break-word; }}
h1, h2, h3, p {{ margin: 0; }}
.kop {{ display: flex; align-items: center; gap: 4mm; border-bottom: 0.8mm double #000;
  padding-bottom: 2mm; margin-bottom: 4mm; }}
.kop img {{ height: 18mm; width: auto; }}
.kop .office {{ font-size: 13pt; font-weight: bold; text-transform: uppercase; }}
.kop .address {{ font-size: 8.5pt; }}
.withdrawn {{ border: 0.6mm solid #000; text-align: center; font-weight: bold; padding: 2mm;
  margin-bottom: 4mm; letter-spacing: 0.05em; }}
.identity td.brand {{ text-align: center; vertical-align: middle; font-weight: bold; }}
.identity td.brand img {{ display: block; margin: 0 auto 2mm; height: 22mm; width: auto; }}
.identity td.brand .unit {{ font-weight: normal; margin-top: 2mm; }}
.identity th {{ font-weight: bold; }}
.identity .title {{ font-size: 11pt; font-weight: bold; }}
.identity .revision {{ font-size: 8pt; }}
.signer .space {{ height: 16mm; }}
.signer .name {{ font-weight: bold; text-decoration: underline; }}
.note {{ font-size: 7.5pt; color: #333; }}
.grid {{ margin-top: 4mm; table-layout: fixed; }}
.grid h3 {{ font-size: 9pt; margin-bottom: 1mm; }}
.grid ol {{ margin: 0; padding-left: 5mm; }}
.prose {{ margin-top: 4mm; }}
.prose h2 {{ font-size: 10pt; margin-bottom: 1mm; }}
.prose p {{ margin-bottom: 1.5mm; }}
.notes {{ margin-top: 4mm; }}
.caption {{ font-size: 10pt; margin-bottom: 2mm; }}
.caption .count {{ font-weight: normal; font-size: 8pt; }}
.lead {{ margin-bottom: 1.5mm; }}
.proc-table {{ table-layout: fixed; font-size: 8pt; line-height: 1.3; }}
.proc-table thead {{ display: table-header-group; }}
.proc-table th {{ font-size: 7.5pt; background: #eee; text-align: center; vertical-align: middle; }}
.proc-table tr {{ break-inside: avoid; }}
.proc-table td.no {{ text-align: center; }}
.proc-table td.lh, .proc-table td.rh {{ padding: 0; }}
.proc-table td.lh {{ border-right: none; }}
.proc-table td.rh {{ border-left: none; }}
.proc-table td.lh.on {{ border-right: 0.3mm solid #000; }}
svg.fc {{ display: block; overflow: hidden; }}
.ratification {{ break-inside: avoid; width: 80mm; margin: 6mm 0 0 auto; text-align: center; }}
.ratification .space {{ height: 20mm; }}
.ratification .name {{ font-weight: bold; text-decoration: underline; }}
.fingerprint {{ margin-top: 6mm; font-size: 7pt; color: #333; border-top: 0.2mm solid #999;
  padding-top: 1mm; overflow-wrap: break-word; }}
@media screen {{
  html {{ background: #d9d9d9; }}
  .running {{ display: none; }}
  .banner {{ display: none; }}
  .sheet {{ background: #fff; width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 15mm;
    box-shadow: 0 0 2mm rgba(0, 0, 0, 0.3); }}
  .sheet.landscape {{ width: 297mm; min-height: 210mm; padding: 10mm; }}
}}
"""


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes, ``<`` and line breaks escaped).

    >>> print(css_string('a "b" </style>'))
    "a \\22 b\\22  \\3C /style>"
    """
    escaped = re.sub(r'[\\"<\n\r]', lambda m: f"\\{ord(m.group()):X} ", text)
    return f'"{escaped}"'


def page_number_content(template: str) -> str:
    """``Halaman {page} dari {pages}`` as a CSS ``content`` value with the page counters.

    >>> page_number_content("Halaman {page} dari {pages}")
    '"Halaman " counter(page) " dari " counter(pages)'
    """
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            parts.append(css_string(literal))
        if name in ("page", "pages"):
            parts.append(f"counter({name})")
    return " ".join(parts) or '""'


def stylesheet(*, widths: Iterable[float], footer_page: str) -> str:
    """The whole stylesheet: the base rules, one width class per width used, the page numbers.

    >>> ".w900 { width: 9.00mm; }" in stylesheet(widths={9.0}, footer_page="Page {page} of {pages}")
    True
    """
    rules = "".join(f".{width_class(w)} {{ width: {w:.2f}mm; }}\n" for w in sorted(set(widths)))
    rules += "".join(f".proc-table th.{font_class(pt)} {{ font-size: {pt}pt; }}\n" for pt in ACTOR_FONT_STEPS)
    return BASE.replace("PAGE_NUMBER", page_number_content(footer_page)) + rules
