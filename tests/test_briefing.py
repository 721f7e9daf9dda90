"""Briefings (sosialisasi): creation, attendance lists (all or nothing), the daftar hadir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ACTOR, ANI, BUDI, CITRA, DEDI, CliRun

from soplib import (
    InvalidInputError,
    NotFoundError,
    RefusedError,
    Store,
    create_briefing,
    deactivate_staff,
    get_briefing,
    list_acks,
    record_attendance,
    verify_chain,
)

GOLDEN = Path(__file__).parent / "golden"
SOPS = "KPU-NTB-SOP-02,KPU-NTB-SOP-03"


def _sheet(tmp_path: Path, *ids: str, header: str = "id") -> Path:
    path = tmp_path / "hadir.csv"
    path.write_text(header + "\n" + "".join(f"{i}\n" for i in ids), encoding="utf-8")
    return path


def _create(cli: CliRun, sops: str = SOPS, date: str = "2026-02-03") -> str:
    r = cli("briefing", "create", "--title", "Sosialisasi SOP", "--date", date, "--sops", sops, "--by", ACTOR)
    assert r.exit_code == 0, r.output
    return r.output.strip()


def test_create_prints_an_id_and_pins_versions(cli: CliRun, staffed_store: Store) -> None:
    assert _create(cli) == "B-20260203-1"
    assert _create(cli) == "B-20260203-2"
    b = get_briefing(staffed_store, "B-20260203-1")
    assert [(s.id, s.version, s.title) for s in b.sops] == [
        ("KPU-NTB-SOP-02", 1, "Pengelolaan Surat Masuk"),
        ("KPU-NTB-SOP-03", 1, "Pemutakhiran Data Pemilih Berkelanjutan"),
    ]
    listed = json.loads(cli("briefing", "list", "--json").output)
    assert [(x["id"], x["attendees"]) for x in listed] == [("B-20260203-1", 0), ("B-20260203-2", 0)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--date", "2026-02-30", "--sops", SOPS), "invalid briefing date"),
        (("--date", "2026-02-03", "--sops", "KPU-NTB-SOP-09"), "no SOP KPU-NTB-SOP-09"),
        (("--date", "2026-02-03", "--sops", "KPU-NTB-SOP-02,KPU-NTB-SOP-02"), "listed twice"),
        (("--date", "2026-02-03", "--sops", ","), "at least one SOP"),
    ],
)
def test_create_refuses_bad_input(
    cli: CliRun, staffed_store: Store, args: tuple[str, ...], message: str
) -> None:
    head = staffed_store.head()
    r = cli("briefing", "create", "--title", "X", *args, "--by", ACTOR)
    assert r.exit_code == 1 and message in r.output and r.output.count("\n") == 1
    assert staffed_store.head() == head


def test_attendance_is_one_commit_and_reports_skips(
    cli: CliRun, staffed_store: Store, tmp_path: Path
) -> None:
    bid = _create(cli)
    head = staffed_store.head()
    r = cli("briefing", "attend", bid, str(_sheet(tmp_path, ANI, BUDI, CITRA)), "--by", ACTOR)
    assert r.exit_code == 0, r.output
    assert "3 attendees added" in r.output and "4 acknowledgements recorded" in r.output
    assert "skipped KPU-NTB-SOP-02 for 199003032015031003: outside its audience" in r.output
    assert "skipped KPU-NTB-SOP-03 for 198202022006042002: outside its audience" in r.output
    commits = list(staffed_store._git.repo.walk(staffed_store.head()))
    assert commits[1][0] == head  # exactly one new commit
    records = list_acks(staffed_store)
    assert {(r.staff, r.sop) for r in records} == {
        (ANI, "KPU-NTB-SOP-02"),
        (BUDI, "KPU-NTB-SOP-02"),
        (ANI, "KPU-NTB-SOP-03"),
        (CITRA, "KPU-NTB-SOP-03"),
    }
    assert {r.how for r in records} == {bid}
    # A second list with someone already present: no duplicate records.
    again = record_attendance(staffed_store, bid, _sheet(tmp_path, ANI, DEDI), by=ACTOR)
    assert again.already_present == (ANI,) and again.new_attendees == (DEDI,) and again.records == ()
    assert len(list_acks(staffed_store)) == 4 and verify_chain(staffed_store.snapshot()).is_intact


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((ANI, "197001012000011099"), "hadir.csv: row 3, column id: no staff 197001012000011099"),
        ((ANI, BUDI, ANI), "hadir.csv: row 4, column id: 198001012005011001 is also on row 2"),
        ((ANI, "../x"), "hadir.csv: row 3, column id: invalid staff id"),
        ((DEDI, BUDI), "hadir.csv: row 3, column id: staff 198202022006042002 (Budi Santoso) is inactive"),
    ],
)
def test_one_bad_row_records_nothing(
    cli: CliRun, staffed_store: Store, tmp_path: Path, rows: tuple[str, ...], message: str
) -> None:
    bid = _create(cli)
    deactivate_staff(staffed_store, BUDI, by=ACTOR)
    head = staffed_store.head()
    r = cli("briefing", "attend", bid, str(_sheet(tmp_path, *rows)), "--by", ACTOR)
    assert r.exit_code == 1 and message in r.output, r.output
    assert staffed_store.head() == head and get_briefing(staffed_store, bid).attendees == ()


def test_attendance_header_must_be_id(staffed_store: Store, tmp_path: Path) -> None:
    b = create_briefing(staffed_store, title="T", date="2026-02-03", sops=["KPU-NTB-SOP-02"], by=ACTOR)
    with pytest.raises(InvalidInputError, match="unknown column 'nip'"):
        record_attendance(staffed_store, b.id, _sheet(tmp_path, ANI, header="nip"), by=ACTOR)
    with pytest.raises(NotFoundError, match="no briefing B-1"):
        record_attendance(staffed_store, "B-1", _sheet(tmp_path, ANI), by=ACTOR)


def test_superseded_pinned_version(staffed_store: Store, tmp_path: Path) -> None:
    b = create_briefing(staffed_store, title="T", date="2026-02-03", sops=["KPU-NTB-SOP-01"], by=ACTOR)
    text = staffed_store.get("KPU-NTB-SOP-01").text
    staffed_store.update(text.replace("Pemohon mengisi", "Pemohon  mengisi"), by=ACTOR, message="spasi")
    # Same text: the records of the presented version still count; recorded as presented (v1).
    result = record_attendance(staffed_store, b.id, _sheet(tmp_path, ANI), by=ACTOR)
    assert [(r.version, r.how) for r in result.records] == [(1, b.id)]
    staffed_store.update(text.replace("Pemohon mengisi", "Pemohon menulis"), by=ACTOR, message="ubah")
    with pytest.raises(RefusedError, match="presented KPU-NTB-SOP-01 v1, now superseded by v3"):
        record_attendance(staffed_store, b.id, _sheet(tmp_path, BUDI), by=ACTOR)


def test_show_is_the_daftar_hadir(cli: CliRun, staffed_store: Store, tmp_path: Path) -> None:
    bid = _create(cli)
    cli("briefing", "attend", bid, str(_sheet(tmp_path, CITRA, ANI)), "--by", ACTOR)
    shown = json.loads(cli("briefing", "show", bid, "--json").output)
    assert shown["date"] == "2026-02-03" and shown["title"] == "Sosialisasi SOP"
    assert [(a["id"], a["name"], a["position"]) for a in shown["attendees"]] == [
        (CITRA, "Citra Dewi", "Operator SIDALIH"),
        (ANI, "Ani Pratiwi", "Kepala Subbagian"),
    ]
    plain = cli("briefing", "show", bid).output
    assert plain == (GOLDEN / "briefing_show.txt").read_text(encoding="utf-8")
