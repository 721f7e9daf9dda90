"""Word in, Word out: SOPs kept as .docx in the SOP AP layout, imported into and exported from soplib.

    >>> result = read_docx(data, source="sop.docx")
    >>> result.text            # the SOP Markdown (docs/format.md)
    >>> result.report.dropped  # what was not taken, and why
    >>> write_docx(result.document, ExportContext(version=1))

docs/import.md describes what is mapped from where.
"""

from soplib.word.reader import ImportResult, read_docx
from soplib.word.report import Choice, Dropped, Mapping, MappingReport
from soplib.word.writer import ExportContext, write_docx

__all__ = [
    "Choice",
    "Dropped",
    "ExportContext",
    "ImportResult",
    "Mapping",
    "MappingReport",
    "read_docx",
    "write_docx",
]
