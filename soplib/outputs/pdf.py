"""HTML to PDF with WeasyPrint, in-process and deterministic.

The same HTML always gives the same bytes: the PDF's identifier is derived
from the HTML, its dates are the ones given (none by default), and nothing is
fetched: the fetcher admits ``data:`` URLs only (the inlined logo), so a
reference smuggled into an SVG logo never reaches a file or the network.

    >>> pdf = render_pdf(render_sop_html(data), created=date(2026, 12, 3))
    >>> pdf[:5]
    b'%PDF-'
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections import OrderedDict
from datetime import date
from functools import cache
from typing import Any

from sop_store.logs import get_logger
from soplib.errors import InvalidInputError

_log = get_logger(__name__)
GENERATOR = "soplib"
# The page's own stylesheet: the first <style> element (document text is escaped, so never one).
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_SHEETS: OrderedDict[str, Any] = OrderedDict()


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), timeout=1)


@cache
def _fonts() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def warm_up() -> None:
    """Load WeasyPrint and make the font configuration now (before forking workers that typeset).

    >>> warm_up()  # before forking workers
    """
    importlib.import_module("weasyprint")  # loading it is the point: workers forked later share it

    _fonts()


def _stylesheet(css: str) -> Any:
    """``css`` parsed once per process: a pack's 300 pages share a handful of stylesheets."""
    import weasyprint

    key = hashlib.sha256(css.encode("utf-8")).hexdigest()
    sheet = _SHEETS.get(key)
    if sheet is None:
        sheet = _SHEETS[key] = weasyprint.CSS(string=css, font_config=_fonts(), url_fetcher=_fetcher())
        if len(_SHEETS) > 64:
            _SHEETS.popitem(last=False)
    return sheet


def render_pdf(html: str, *, created: date | None = None) -> bytes:
    """``html`` typeset as a PDF (A4 pages as its CSS says): same input, same bytes.

    ``created`` becomes the PDF's creation and modification date (e.g. the
    version's effective date); without it the PDF carries no date at all.
    """
    if not isinstance(html, str) or not html.strip():
        raise InvalidInputError("nothing to print: the HTML is empty")
    import weasyprint  # heavy (Pango, fonts): imported when a PDF is made, never at start-up

    # The page's stylesheet is parsed once and the font configuration made once per process (a
    # quarter of the time of a small page); the PDF is the same, byte for byte, as from the page whole.
    found = _STYLE.search(html)
    body, sheets = (
        (html[: found.start()] + html[found.end() :], [_stylesheet(found.group(1))]) if found else (html, [])
    )
    document = weasyprint.HTML(string=body, url_fetcher=_fetcher()).render(
        font_config=_fonts(), stylesheets=sheets
    )
    meta = document.metadata
    meta.generator = GENERATOR
    stamp = created.isoformat() if created else None
    meta.created = meta.modified = stamp
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    pdf = document.write_pdf(pdf_identifier=identifier)
    assert isinstance(pdf, bytes)
    _log.debug("printed %d pages, %d bytes", len(document.pages), len(pdf))
    return pdf
