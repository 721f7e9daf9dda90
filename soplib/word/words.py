"""The fixed words of an exported SOP AP document, in Bahasa Indonesia and English.

They are the document's vocabulary, not messages: the importer recognises
every one of them (:mod:`soplib.word.labels`, :mod:`soplib.documents.procedure`), so an
exported document, in either language, reads back as the same SOP.

    >>> LABELS["en"]["ratified_by"]
    'Ratified by'
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "id": {
        "heading": "STANDAR OPERASIONAL PROSEDUR",
        "number": "Nomor SOP",
        "made": "Tanggal Pembuatan",
        "revised": "Tanggal Revisi",
        "revision": "Revisi ke",
        "effective": "Tanggal Efektif",
        "ratified_by": "Disahkan oleh",
        "title": "Nama SOP",
        "unit": "Unit Kerja",
        "review_interval_months": "Evaluasi",
        "every_months": "setiap {n} bulan",
        "audience_units": "Berlaku bagi unit",
        "audience_positions": "Berlaku bagi jabatan",
        "legal_basis": "Dasar Hukum",
        "qualifications": "Kualifikasi Pelaksana",
        "related": "Keterkaitan",
        "equipment": "Peralatan/Perlengkapan",
        "warnings": "Peringatan",
        "records": "Pencatatan dan Pendataan",
        "no": "No",
        "activity": "Kegiatan",
        "actors": "Pelaksana",
        "mutu": "Mutu Baku",
        "yes_no": "Ya: {yes} · Tidak: {no}",
        "version": "versi {n}",
    },
    "en": {
        "heading": "STANDARD OPERATING PROCEDURE",
        "number": "SOP number",
        "made": "Date made",
        "revised": "Date revised",
        "revision": "Revision",
        "effective": "Effective date",
        "ratified_by": "Ratified by",
        "title": "SOP title",
        "unit": "Unit",
        "review_interval_months": "Review every",
        "every_months": "{n} months",
        "audience_units": "Applies to units",
        "audience_positions": "Applies to positions",
        "legal_basis": "Legal basis",
        "qualifications": "Qualifications",
        "related": "Related SOPs",
        "equipment": "Equipment",
        "warnings": "Warnings",
        "records": "Records",
        "no": "No",
        "activity": "Activity",
        "actors": "Actor",
        "mutu": "Quality standard",
        "yes_no": "Yes: {yes} · No: {no}",
        "version": "version {n}",
    },
}
