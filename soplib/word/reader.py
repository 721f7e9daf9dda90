"""Word in: a .docx SOP in the SOP AP layout read into soplib's SOP Markdown, with a mapping report.

    >>> result = read_docx(Path("SOP Peminjaman BMN.docx").read_bytes(), source="SOP Peminjaman BMN.docx")
    >>> result.document.front.title
    'Peminjaman Barang Milik Negara'
    >>> [m.target for m in result.report.mapped][:3]
    ['number', 'declared.made', 'declared.effective']

The SOP id is, in this order: the ``sop_id`` given, the id ``sop export`` wrote
into the file's properties, or the *Nomor SOP* turned into an id
(``04/SOP/KPU-Prov-018/2024`` -> ``04-SOP-KPU-PROV-018-2024``). The unit is the
``unit`` given, else the document's *Unit Kerja* row. The report says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from sop_store import validate_doc_id
from soplib.documents.model import SopDocument
from soplib.documents.parse import FIELDS, parse
from soplib.errors import InvalidInputError, Phrase, SopError
from soplib.i18n import _
from soplib.word.body import read_body
from soplib.word.cells import WordText
from soplib.word.container import open_docx
from soplib.word.labels import id_from_number
from soplib.word.report import Collector, MappingReport


@dataclass(frozen=True)
class ImportResult:
    """One imported SOP: its Markdown (a valid SOP), the parsed document and the mapping report."""

    sop_id: str
    text: str
    document: SopDocument
    report: MappingReport

    def to_json(self) -> dict[str, Any]:
        return {"id": self.sop_id, "markdown": self.text, "report": self.report.to_json()}


def read_docx(
    data: bytes, *, source: str, unit: str | None = None, sop_id: str | None = None
) -> ImportResult:
    """Read a Word SOP; raise :class:`InvalidInputError` (one line naming ``source``) when it cannot be.

    >>> read_docx(data, source="sop.docx", unit="Sekretariat").text.splitlines()[1]
    'id: 04-SOP-KPU-PROV-018-2024'
    """
    document = open_docx(data, source=source)
    report = Collector(source)
    words = WordText(document)
    body = read_body(document, words, report, source=source)
    _headers_and_footers(document, report)
    found = body.identity.front
    if not found.get("title"):
        raise InvalidInputError(
            "{source}: no SOP title found: the identity table needs a 'Nama SOP' (or 'Judul SOP') row "
            "with the title beside it",
            source=source,
        )
    if not body.blocks:
        raise InvalidInputError(
            "{source}: no procedure found after the identity table: add a procedure table "
            "(No | Kegiatan | Pelaksana ...) or a numbered list of steps",
            source=source,
        )
    front: dict[str, Any] = {"id": _sop_id(document, found, sop_id, source, report)}
    if unit is not None:
        if found.get("unit") and found["unit"] != unit:
            report.chose("unit", unit, _("given with --unit; the document says {unit}", unit=found["unit"]))
        found["unit"] = unit
    audience = {k: found.pop(f"audience_{k}") for k in ("units", "positions") if found.get(f"audience_{k}")}
    found.pop("audience_units", None)
    found.pop("audience_positions", None)
    if audience:
        found["audience"] = audience
    if body.identity.declared:
        found["declared"] = _declared(body.identity.declared)
    for name in FIELDS:
        if name != "id" and name in found:
            front[name] = found[name]
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100_000, default_flow_style=False)
    text = f"---\n{head}---\n{body.markdown}"
    return ImportResult(front["id"], text, parse(text, source=source), report.build())


def _declared(found: dict[str, Any]) -> dict[str, Any]:
    order = ("made", "revised", "revision", "effective", "ratified_by")
    out = {k: found[k] for k in order if k in found}
    if "ratified_by" in out:
        out["ratified_by"] = {
            k: out["ratified_by"][k] for k in ("name", "nip", "position") if k in out["ratified_by"]
        }
    return out


def _sop_id(document: Any, found: dict[str, Any], given: str | None, source: str, report: Collector) -> str:
    if given is not None:
        validate_doc_id(given)
        report.chose("id", given, _("given with --id"))
        return given
    stored = (document.core_properties.identifier or "").strip()
    try:
        validate_doc_id(stored)
    except InvalidInputError:
        stored = ""
    if stored:
        report.chose("id", stored, _("the SOP id sop export wrote into the document's properties"))
        return stored
    number = found.get("number") or ""
    candidate = id_from_number(number) if number else ""
    try:
        validate_doc_id(candidate)
    except InvalidInputError:
        what = (
            SopError("its Nomor SOP {number!r} makes no valid id", number=number)
            if number
            else Phrase("it has no Nomor SOP")
        )
        raise InvalidInputError(
            "{source}: no SOP id: {what}; give one with --id (e.g. --id KPU-NTB-SOP-05)",
            source=source,
            what=what,
        ) from None
    report.chose("id", candidate, _("made from the Nomor SOP {number!r}", number=number))
    return candidate


def _headers_and_footers(document: Any, report: Collector) -> None:
    for n, section in enumerate(document.sections, start=1):
        for kind, part in (("header", section.header), ("footer", section.footer)):
            if part.is_linked_to_previous:
                continue
            text = " ".join(p.text for p in part.paragraphs).strip()
            if text:
                report.dropped(
                    kind, f"section {n}", _("page headers and footers are not part of the SOP text"), text
                )
