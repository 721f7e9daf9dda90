"""The entry point: a :class:`PrintInput` to the bytes of a PDF or an HTML file.

The caller (the store's print command) gathers the input; this module only
renders. The format follows the output's name: ``FILE.pdf`` or ``FILE.html``.

    >>> data = print_sop(print_input, output_format("sop-04.pdf"))
    >>> data[:5]
    b'%PDF-'
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from soplib.errors import InvalidInputError
from soplib.outputs.model import PrintInput
from soplib.outputs.pdf import render_pdf
from soplib.outputs.sop_html import render_sop_html

OutputFormat = Literal["pdf", "html"]


def output_format(path: Path | str) -> OutputFormat:
    """``pdf`` or ``html`` from an output file's name; anything else is refused.

    >>> output_format("SOP-04.PDF")
    'pdf'
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix in (".html", ".htm"):
        return "html"
    raise InvalidInputError(
        "{path}: the print is a PDF or an HTML page; name the output FILE.pdf or FILE.html", path=path
    )


def print_sop(data: PrintInput, fmt: OutputFormat = "pdf") -> bytes:
    """The SOP AP print of ``data``: PDF bytes, or the HTML page as UTF-8.

    The PDF's date is the version's effective date (else its drafting date):
    printing the same version again gives the same bytes.

    >>> print_sop(data, "html").startswith(b"<!DOCTYPE html>")
    True
    """
    html = render_sop_html(data)
    if fmt == "html":
        return html.encode("utf-8")
    if fmt != "pdf":
        raise InvalidInputError("unknown print format {format}: use pdf or html", format=repr(fmt))
    return render_pdf(html, created=data.effective or data.made)
