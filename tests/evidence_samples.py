"""A store with a year of evidence, built on a fixed clock: what the evidence tests print.

2026-01-05: the four demo SOPs and 16 short ones (KPU-T-01 ... -16) added;
staff registered: the head of office, 56 people in four units, and one person
whose name, unit and position are hostile (markup, a formula). 01-06: the
office profile (WITA, Bahasa Indonesia). 02-03: briefing B-20260203-0A1B on
SOP-04 and KPU-T-01, attended by 50 people. 03-10: session R-20260310-0A1B
over all 20 SOPs (team: a chair, a member with the hostile name, a member
not in the registry): SOP-01 revised (a step replaced with a hostile reason,
one removed, one added), SOP-03 withdrawn, the others kept; every SOP
evaluated. 03-20: approved by the head, effective 04-01. 04-05: three people
acknowledge SOP-01 v2 individually, the hostile one KPU-T-05. 05-02: briefing B-20260502-0B2C on SOP-02,
nobody recorded yet. 05-10: session R-20260510-0B2C opens and proposes a new
SOP.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import ACTOR, HEAD, HEAD_ROW

import soplib.clock
from soplib import CRITERIA, Store, load, parse
from soplib.demo_data import sop_files

SESSION = "R-20260310-0A1B"
OPEN_SESSION = "R-20260510-0B2C"
BRIEFING = "B-20260203-0A1B"
BLANK_BRIEFING = "B-20260502-0B2C"
CHAIR = "198503152010011001"
EVIL = "199912312025011999"
EVIL_NAME = "<script>alert(1)</script> Budi"
UNITS = ("Sekretariat", "Subbagian Keuangan, Umum dan Logistik", "Subbagian Teknis", "Subbagian Hukum")
FIRST = ("Ahmad", "Baiq", "Citra", "Dewi", "Eka", "Fajar", "Gita", "Hadi")
LAST = ("Pratama", "Santoso", "Wulandari", "Hidayat", "Saputra", "Rahmawati", "Kusuma")


def nip(n: int) -> str:
    return f"199001012015011{n:03d}"


def staff_csv() -> str:
    rows = [f"{CHAIR},Lalu Wira Kusuma,Sekretariat,Kepala Subbagian Program"]
    for n, (first, last) in enumerate(itertools.islice(itertools.product(FIRST, LAST), 56), 1):
        rows.append(f'{nip(n)},{first} {last},"{UNITS[n % 4]}",Pengelola Data')
    rows.append(f'{EVIL},"{EVIL_NAME}",Unit <img src=x onerror=alert(2)>,"=HYPERLINK(""http://x"")"')
    return "id,name,unit,position\n" + HEAD_ROW + "\n".join(rows) + "\n"


def short_sop(n: int) -> str:
    return (
        f"---\nid: KPU-T-{n:02d}\ntitle: Prosedur Uji Nomor {n}\nunit: Sekretariat\n---\n# Prosedur\n\n"
        "1. Petugas menerima berkas.\n2. Petugas memeriksa berkas.\n3. Petugas mengarsipkan berkas.\n"
    )


class _Clock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 1, 5, 1, tzinfo=UTC)

    def at(self, day: str, hour: int = 1) -> None:
        self.moment = datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")


@contextmanager
def fixed_world(token: str = "0A1B") -> Iterator[_Clock]:
    clock = _Clock()
    tokens = iter([token, "0A1B", "0B2C", "0B2C", "0B2C", "0B2C"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(soplib.clock, "now", lambda: clock.moment)
        mp.setattr("secrets.token_hex", lambda n: next(tokens, "0C3D"))
        yield clock


def build(path: Path) -> Store:
    """The store described in the module docstring (hours are UTC: 01:00 is 09:00 WITA)."""
    with fixed_world() as clock:
        s = Store.init(path, language="id", time_zone="Asia/Makassar",
                       office_name="Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat")  # fmt: skip
        s.sops.add([load(p) for p in sop_files()] + [parse(short_sop(n)) for n in range(1, 17)], by=ACTOR)
        s.staff.import_csv(staff_csv().encode(), by=ACTOR)
        clock.at("2026-01-06")
        s.office.set(address="Jl. Langko No. 74, Mataram, Nusa Tenggara Barat", by=ACTOR)
        clock.at("2026-02-03")
        presented = ["KPU-NTB-SOP-04", "KPU-T-01"]
        b = s.briefings.create(title="Sosialisasi SOP BMN", day=date(2026, 2, 3), sops=presented, by=ACTOR)
        s.briefings.attend(b.id, [nip(n) for n in range(1, 51)], by=ACTOR)
        clock.at("2026-03-10")
        ids = s.sops.ids()
        team = {CHAIR: "chair", EVIL: "member", "tamu.luar": "member"}
        session = s.reviews.start(ids, team=team, ref="Berita Acara Pleno Nomor 12/2026", by=CHAIR,
                                  title="Evaluasi SOP 2026")  # fmt: skip
        for k, sop_id in enumerate(ids):
            answers = {c: (k + i) % 5 != 0 for i, c in enumerate(CRITERIA)}
            notes = {"general": f"catatan {sop_id}"} | (
                {"easy_to_carry_out": "=1+1 perlu waktu"} if k == 0 else {}
            )
            session.evaluate(sop_id, answers=answers, notes=notes, by=CHAIR)
        sop1 = "KPU-NTB-SOP-01"
        old = s.sops.get(sop1).document.item("prosedur/2").text
        session.replace(sop1, "prosedur/2", text=old.rstrip(".") + " paling lama 1 hari kerja.", by=EVIL,
                        reason="<img src=x onerror=alert(3)> batas waktu")  # fmt: skip
        session.remove(sop1, "prosedur/4", reason="disposisi melalui e-PPID", by=CHAIR)
        session.add(sop1, after="prosedur/8", text="Petugas mengarsipkan berkas.", reason="arsip", by=CHAIR)
        session.keep_rest(sop1, by=CHAIR)
        session.outcome(sop1, "revise", by=CHAIR, reason="langkah disposisi tidak diperlukan")
        session.outcome("KPU-NTB-SOP-03", "withdraw", by=CHAIR, reason="diganti SOP nasional")
        for sop_id in ids:
            if sop_id not in (sop1, "KPU-NTB-SOP-03"):
                session.outcome(sop_id, "keep", by=CHAIR, reason="masih layak")
        clock.at("2026-03-20")
        session.approve(by=HEAD, effective=date(2026, 4, 1))
        clock.at("2026-04-05")
        for n in (51, 52, 53):
            s.acks.record(nip(n), sop1, by=ACTOR)
        s.acks.record(EVIL, "KPU-T-05", by=ACTOR)
        clock.at("2026-05-02")
        s.briefings.create(title="Sosialisasi SOP persuratan", day=date(2026, 5, 2), sops=["KPU-NTB-SOP-02"],
                           by=ACTOR)  # fmt: skip
        clock.at("2026-05-10")
        other = s.reviews.start(["KPU-T-02"], team={CHAIR: "chair"}, ref="SK 7/2026", by=CHAIR)
        other.propose(parse("---\nid: KPU-T-99\ntitle: Pengelolaan Arsip Inaktif\n---\n# Prosedur\n\n"
                            "1. Arsiparis menerima arsip.\n2. Arsiparis menyimpan arsip.\n"), by=CHAIR,
                      reason="belum ada SOP arsip")  # fmt: skip
    assert session.id == SESSION and b.id == BRIEFING and other.id == OPEN_SESSION
    return s
