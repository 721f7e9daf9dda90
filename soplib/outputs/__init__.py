"""Documents an assessor accepts: the ratified SOP printed in the SOP AP layout (HTML and PDF).

    >>> from soplib.outputs import PrintInput, Fingerprint, print_sop
    >>> pdf = print_sop(PrintInput(document=doc, version=1, fingerprint=Fingerprint(sha)), "pdf")

Importing this package is cheap: WeasyPrint is loaded when a PDF is made.
"""

from soplib.outputs.model import (
    Evaluation,
    Fingerprint,
    Logo,
    OfficeProfile,
    PrintInput,
    Ratifier,
    Withdrawal,
)
from soplib.outputs.pdf import render_pdf
from soplib.outputs.printing import OutputFormat, output_format, print_sop
from soplib.outputs.sop_html import render_sop_html

__all__ = [
    "Evaluation",
    "Fingerprint",
    "Logo",
    "OfficeProfile",
    "OutputFormat",
    "PrintInput",
    "Ratifier",
    "Withdrawal",
    "output_format",
    "print_sop",
    "render_pdf",
    "render_sop_html",
]
