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
import logging
from datetime import date
from typing import Any

from soplib.errors import InvalidInputError

_log = logging.getLogger(__name__)
GENERATOR = "soplib"


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), timeout=1)


def render_pdf(html: str, *, created: date | None = None) -> bytes:
    """``html`` typeset as a PDF (A4 pages as its CSS says): same input, same bytes.

    ``created`` becomes the PDF's creation and modification date (e.g. the
    version's effective date); without it the PDF carries no date at all.
    """
    if not isinstance(html, str) or not html.strip():
        raise InvalidInputError("nothing to print: the HTML is empty")
    import weasyprint  # heavy (Pango, fonts): imported when a PDF is made, never at start-up

    document = weasyprint.HTML(string=html, url_fetcher=_fetcher()).render()
    meta = document.metadata
    meta.generator = GENERATOR
    stamp = created.isoformat() if created else None
    meta.created = meta.modified = stamp
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    pdf = document.write_pdf(pdf_identifier=identifier)
    assert isinstance(pdf, bytes)
    _log.debug("printed %d pages, %d bytes", len(document.pages), len(pdf))
    return pdf
