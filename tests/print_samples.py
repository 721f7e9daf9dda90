"""SOPs for the print tests: realistic documents made in code (no fixture files to drift)."""

from __future__ import annotations

from datetime import date

from soplib import parse
from soplib.documents.model import SopDocument
from soplib.outputs import Evaluation, Fingerprint, Logo, OfficeProfile, PrintInput, Ratifier, Withdrawal

ACTORS = ("Pemohon", "Petugas Layanan", "Kepala Subbagian", "Sekretaris")
NIP = "196805121994031007"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def long_sop(steps: int = 40, *, sop_id: str = "KPU-NTB-SOP-40") -> str:
    """A procedure table with one column per actor, the mutu baku columns, decisions and shared steps.

    Step 1 starts, the last ends; every 7th step is a decision whose "tidak" goes back 3 steps
    (and so across a page now and then); step 12 is shared by two actors; step 20 is a document.
    """
    head = "| No | Kegiatan | " + " | ".join(f"Pelaksana: {a}" for a in ACTORS)
    head += " | Kelengkapan | Waktu | Output | Keterangan |\n"
    head += "|" + "---|" * (2 + len(ACTORS) + 4) + "\n"
    rows = []
    for n in range(1, steps + 1):
        lane = (n - 1) % len(ACTORS)
        marks = [""] * len(ACTORS)
        if n == 1:
            marks[0] = "mulai"
        elif n == steps:
            marks[lane] = "selesai"
        elif n % 7 == 0:
            marks[lane] = f"keputusan: ya {n + 1}, tidak {n - 3}"
        elif n == 20:
            marks[lane] = "dokumen"
        else:
            marks[lane] = "x"
        if n == 12:
            marks[(lane + 2) % len(ACTORS)] = "x"
        activity = (
            f"Langkah {n}: petugas memeriksa berkas permohonan nomor {n} dan mencatatnya dalam register"
        )
        if n % 7 == 0:
            activity = f"Apakah berkas langkah {n} lengkap dan sesuai ketentuan?"
        if n == 9:
            activity += " " + "sangat panjang sekali " * 12  # a long activity wraps over many lines
        rows.append(
            f"| {n} | {activity} | "
            + " | ".join(marks)
            + f" | Formulir {n} | {n % 3 + 1} hari | Berkas {n} | - |"
        )
    return (
        f"---\nid: {sop_id}\ntitle: Pelayanan Permohonan Berkas ({steps} langkah)\n"
        "number: 40/SOP/KPU-Prov-018/2026\nunit: Subbagian Teknis dan Hubungan Partisipasi Masyarakat\n"
        "legal_basis: [Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum]\n"
        "qualifications: [Memahami tata naskah dinas]\nequipment: [Komputer, Register]\n"
        "warnings: [Berkas tidak lengkap dikembalikan kepada pemohon]\nrecords: [Register berkas]\n"
        "---\n# Prosedur\n\n" + head + "\n".join(rows) + "\n"
    )


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5d9e7e60000000049454e44ae426082"
)


def print_input(
    doc: SopDocument | str,
    *,
    language: str = "id",
    logo: Logo | None = None,
    withdrawal: Withdrawal | None = None,
) -> PrintInput:
    """A fully filled input, as the store will supply it after an approval."""
    document = parse(doc) if isinstance(doc, str) else doc
    return PrintInput(
        document=document,
        version=3,
        revision=2,
        made=date(2019, 3, 1),
        revised=date(2026, 12, 3),
        effective=date(2026, 12, 10),
        ratifier=Ratifier(
            "Drs. H. Lalu Ahmad, M.Si.",
            nip=NIP,
            position="Sekretaris KPU Provinsi Nusa Tenggara Barat",
            unit="Sekretariat",
            source="declared",
            recorded_by="ani.pratiwi",
            recorded_on=date(2026, 12, 3),
        ),
        last_evaluation=Evaluation("R-20261120-0A1B", date(2026, 11, 20), "revise"),
        withdrawal=withdrawal,
        fingerprint=Fingerprint(document.content_fingerprint, COMMIT),
        office=OfficeProfile(
            "KPU Provinsi Nusa Tenggara Barat", "Jl. Langko No. 74, Mataram, NTB", logo, time_zone="WITA"
        ),
        language=language,
    )
