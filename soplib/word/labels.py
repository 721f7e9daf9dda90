"""The words of the SOP AP identity part: its row labels, dates as people write them, the SOP id.

Labels are compared without case, spacing or punctuation (``No. SOP`` and
``Nomor  SOP:`` are the same), in Bahasa Indonesia or English, with a close
match for a typo. Dates are read as Indonesian offices write them, day first.

    >>> field_of("Tgl. Pembuatan")
    'made'
    >>> find_dates("3 Desember 2026, 03-12-2026")
    [datetime.date(2026, 12, 3), datetime.date(2026, 12, 3)]
    >>> id_from_number("04/SOP/KPU-Prov-018/2024")
    '04-SOP-KPU-PROV-018-2024'
"""

from __future__ import annotations

import difflib
import functools
import re
from datetime import date

from soplib.documents.procedure import normalise_header

# field -> every way an office labels its row (normalised: lower-case ASCII letters and digits).
_LABELS: dict[str, tuple[str, ...]] = {
    "number": ("nomorsop", "nosop", "nomersop", "nomor", "no", "sopnumber", "number", "nomorsopap"),
    "made": (
        "tanggalpembuatan", "tglpembuatan", "tanggaldibuat", "tgldibuat", "tanggalpenyusunan",
        "datemade", "datecreated", "dateofpreparation", "made",
    ),
    "revised": ("tanggalrevisi", "tglrevisi", "daterevised", "revisiondate", "revised", "dateofrevision"),
    "revision": ("revisike", "revisi", "norevisi", "nomorrevisi", "revision", "revisionnumber", "revisionno"),
    "effective": (
        "tanggalefektif", "tglefektif", "tanggalpengesahan", "tglpengesahan", "tanggalberlaku",
        "tglberlaku", "tanggalditetapkan", "effectivedate", "dateeffective", "effective",
    ),
    "ratified_by": (
        "disahkanoleh", "disahkan", "pengesahan", "ditetapkanoleh", "mengesahkan", "ratifiedby",
        "approvedby",
    ),
    "title": (
        "namasop", "judulsop", "namaprosedur", "judulprosedur", "namajudulsop", "judul", "nama",
        "soptitle", "sopname", "title",
    ),
    "unit": ("unitkerja", "unit", "satuankerja", "bagian", "bidang", "workunit"),
    "legal_basis": ("dasarhukum", "landasanhukum", "legalbasis"),
    "related": ("keterkaitan", "keterkaitansop", "sopterkait", "relatedsops", "related"),
    "qualifications": (
        "kualifikasipelaksana", "kualifikasi", "kompetensipelaksana", "qualifications",
        "qualificationsofperformers", "performerqualifications",
    ),
    "equipment": (
        "peralatanperlengkapan", "peralatan", "perlengkapan", "peralatandanperlengkapan",
        "perlengkapanperalatan", "equipment", "equipmentandsupplies",
    ),
    "warnings": ("peringatan", "warnings", "warning"),
    "records": (
        "pencatatandanpendataan", "pencatatanpendataan", "pencatatan", "pendataan", "records",
        "recordsandfiling", "recordskept",
    ),
    "review_interval_months": (
        "evaluasi", "evaluasisetiap", "dievaluasisetiap", "reviewevery", "reviewinterval",
    ),
    "audience_units": ("berlakubagiunit", "berlakuuntukunit", "appliestounits"),
    "audience_positions": ("berlakubagijabatan", "berlakuuntukjabatan", "appliestopositions"),
}  # fmt: skip
_BY_LABEL = {label: name for name, labels in _LABELS.items() for label in labels}
_FUZZY = sorted(label for label in _BY_LABEL if len(label) >= 8)  # short labels only exactly

# Month names (and their usual abbreviations), Indonesian and English.
_MONTHS: dict[str, int] = {}
for _n, _names in enumerate(
    (
        ("januari", "january", "jan"),
        ("februari", "pebruari", "february", "feb", "peb"),
        ("maret", "march", "mar"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "june", "jun"),
        ("juli", "july", "jul"),
        ("agustus", "august", "agu", "agt", "aug", "ags"),
        ("september", "sept", "sep"),
        ("oktober", "october", "okt", "oct"),
        ("november", "nopember", "nov", "nop"),
        ("desember", "december", "des", "dec"),
    ),
    start=1,
):
    _MONTHS.update(dict.fromkeys(_names, _n))
MONTH_NAMES = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}  # fmt: skip

_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"(?<![\w])(?:"
    rf"(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})"  # 2026-12-03
    rf"|(?P<nd>\d{{1,2}})[-/.](?P<nm>\d{{1,2}})[-/.](?P<ny>\d{{4}})"  # 03-12-2026, 3/12/2026, 3.12.2026
    rf"|(?P<wd>\d{{1,2}})[\s.-]*(?P<wm>{_MONTH_WORD})\.?[\s.-]*(?P<wy>\d{{4}})"  # 3 Desember 2026, 3-Des-2026
    rf")(?![\w])",
    re.IGNORECASE,
)
_REVISION = re.compile(r"(?:revisi|rev|revision)\s*(?:ke|no|nomor)?\s*[-.:]?\s*(\d{1,3})\b", re.IGNORECASE)
_INTERVAL = re.compile(r"(\d{1,3})\s*(bulan|months?|tahun|years?)", re.IGNORECASE)
_ID_BAD = re.compile(r"[^A-Z0-9._-]+")


@functools.lru_cache(maxsize=8192)  # the same labels and values recur in every document
def field_of(label: str) -> str | None:
    """The front-matter field an identity row's label names, or None.

    >>> field_of("Peralatan/Perlengkapan"), field_of("Catatan")
    ('equipment', None)
    """
    key = normalise_header(label)
    if not key or len(key) > 60:
        return None
    if key in _BY_LABEL:
        return _BY_LABEL[key]
    close = difflib.get_close_matches(key, _FUZZY, n=1, cutoff=0.88) if len(key) >= 8 else []
    return _BY_LABEL[close[0]] if close else None


def find_dates(text: str) -> list[date]:
    """Every real date written in ``text``, in order (impossible ones such as 31-02-2026 left out)."""
    out = []
    for m in _DATE.finditer(text):
        if m.group("iy"):
            y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
        elif m.group("ny"):
            y, mo, d = int(m.group("ny")), int(m.group("nm")), int(m.group("nd"))
        else:
            y, mo, d = int(m.group("wy")), _MONTHS[m.group("wm").lower()], int(m.group("wd"))
        try:
            out.append(date(y, mo, d))
        except ValueError:
            continue
    return out


def revision_number(text: str) -> int | None:
    """``revisi ke-2`` / ``Rev. 2`` / a bare ``2`` -> 2 (None if the text names no number)."""
    m = _REVISION.search(text)
    if m:
        return int(m.group(1))
    bare = text.strip().strip(".")
    return int(bare) if bare.isdigit() and len(bare) <= 3 else None


def interval_months(text: str) -> int | None:
    """``setiap 12 bulan`` / ``every 2 years`` -> months (None if not said)."""
    m = _INTERVAL.search(text)
    if not m:
        return None
    n = int(m.group(1))
    return n * 12 if m.group(2).lower().startswith(("tahun", "year")) else n


def format_date(day: date, lang: str) -> str:
    """``3 Desember 2026`` (id) / ``3 December 2026`` (en): the form :func:`find_dates` reads back."""
    return f"{day.day} {MONTH_NAMES[lang][day.month - 1]} {day.year}"


def id_from_number(number: str) -> str:
    """An SOP number turned into a valid SOP id: upper case, other characters as ``-``, 64 at most.

    The result may still be invalid (too short); the caller validates it.
    """
    text = _ID_BAD.sub("-", number.upper())
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"-{2,}", "-", text).strip("-._")[:64].rstrip("-._")
    while text.endswith(".lock"):
        text = text[: -len(".lock")].rstrip("-._")
    return text
