"""Briefings (sosialisasi): creation, attendance lists (all or nothing), the daftar hadir."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import ACTOR, ANI, BUDI, CITRA, DEDI, CliRun, Clock

from soplib import InvalidInputError, NotFoundError, RefusedError, Store
from soplib.audit.ackchain import verify_chain

GOLDEN = Path(__file__).parent / "golden"
SOPS = "KPU-NTB-SOP-02,KPU-NTB-SOP-03"


def _sheet(tmp_path: Path, *ids: str, header: str = "id") -> Path:
    path = tmp_path / "hadir.csv"
    path.write_text(header + "\n" + "".join(f"{i}\n" for i in ids), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Briefing ids end in random hex: here 0A1B, 0A1C ... in turn, so ids are known in advance."""
    counter = iter(range(0x0A1B, 0x10000))
    monkeypatch.setattr("secrets.token_hex", lambda n: f"{next(counter):04X}")
    yield


def _create(cli: CliRun, sops: str = SOPS, day: str = "2026-02-03") -> str:
    r = cli("briefing", "create", "--title", "Sosialisasi SOP", "--date", day, "--sops", sops, "--by", ACTOR)
    assert r.exit_code == 0, r.output
    return r.output.strip()


def test_create_prints_an_id_and_pins_versions(cli: CliRun, staffed_store: Store) -> None:
    assert _create(cli) == "B-20260203-0A1B"
    assert _create(cli) == "B-20260203-0A1C"
    b = staffed_store.briefings.get("B-20260203-0A1B")
    assert b.date == date(2026, 2, 3) and b.by == ACTOR
    assert [(s.id, s.version, s.title) for s in b.sops] == [
        ("KPU-NTB-SOP-02", 1, "Pengelolaan Surat Masuk"),
        ("KPU-NTB-SOP-03", 1, "Pemutakhiran Data Pemilih Berkelanjutan"),
    ]
    listed = json.loads(cli("briefing", "list", "--json").output)
    assert [(x["id"], x["date"], x["attendees"]) for x in listed] == [
        ("B-20260203-0A1B", "2026-02-03", []),
        ("B-20260203-0A1C", "2026-02-03", []),
    ]


def test_ids_are_random_per_day_and_validated(staffed_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real random suffix
    made = staffed_store.briefings.create(title="T", day=date(2026, 2, 3), sops=["KPU-NTB-SOP-02"], by=ACTOR)
    assert made.id.startswith("B-20260203-") and len(made.id) == len("B-20260203-0A1B")
    assert int(made.id[-4:], 16) >= 0 and made.id[-4:] == made.id[-4:].upper()
    for bad in ("B-1", "../B-20260203-0A1B", "B-20260203-0a1b"):
        with pytest.raises(InvalidInputError, match="invalid briefing id"):
            staffed_store.briefings.get(bad)
    with pytest.raises(InvalidInputError, match=r"must be a datetime\.date, not str"):
        staffed_store.briefings.create(title="T", day="2026-02-03", sops=["KPU-NTB-SOP-02"], by=ACTOR)


@pytest.mark.parametrize(
    ("args", "message"),
    [
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


@pytest.mark.parametrize("day", ["2026-02-30", "3 Feb 2026", "2026-2-3"])
def test_a_malformed_date_is_a_usage_error(cli: CliRun, staffed_store: Store, day: str) -> None:
    head = staffed_store.head()
    r = cli("briefing", "create", "--title", "X", "--date", day, "--sops", SOPS, "--by", ACTOR)
    assert r.exit_code == 2 and f"{day!r} is not a date: use YYYY-MM-DD" in r.output
    assert "Traceback" not in r.output and staffed_store.head() == head


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
    commits = list(staffed_store.git.repo.walk(staffed_store.head()))
    assert commits[1].sha == head  # exactly one new commit
    records = staffed_store.acks.list()
    assert {(r.staff, r.sop) for r in records} == {
        (ANI, "KPU-NTB-SOP-02"),
        (BUDI, "KPU-NTB-SOP-02"),
        (ANI, "KPU-NTB-SOP-03"),
        (CITRA, "KPU-NTB-SOP-03"),
    }
    assert {r.how for r in records} == {bid}
    # A second list with someone already present: no duplicate records.
    again = staffed_store.briefings.attend(bid, _sheet(tmp_path, ANI, DEDI), by=ACTOR)
    assert again.already_present == (ANI,) and again.new_attendees == (DEDI,) and again.records == ()
    assert len(staffed_store.acks.list()) == 4 and verify_chain(staffed_store.snapshot()).is_intact
    # The same people as a list of ids, not a file: the same rules.
    third = staffed_store.briefings.attend(bid, [DEDI, ANI], by=ACTOR)
    assert third.already_present == (DEDI, ANI) and third.new_attendees == () and third.records == ()
    assert staffed_store.audit.verify().ok


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        # The file's shape is checked where it is read (file, row, column) ...
        ((ANI, BUDI, ANI), "hadir.csv: row 4, column id: 198001012005011001 is also on row 2"),
        ((ANI, "../x"), "hadir.csv: row 3, column id: invalid staff id"),
        # ... the people against the registry, by their place on the list (row 3 is person 2).
        ((ANI, "197001012000011099"), "person 2 of the list: no staff 197001012000011099"),
        ((DEDI, BUDI), "person 2 of the list: staff 198202022006042002 (Budi Santoso) is inactive"),
    ],
)
def test_one_bad_row_records_nothing(
    cli: CliRun, staffed_store: Store, tmp_path: Path, rows: tuple[str, ...], message: str
) -> None:
    bid = _create(cli)
    staffed_store.staff.deactivate(BUDI, by=ACTOR)
    head = staffed_store.head()
    r = cli("briefing", "attend", bid, str(_sheet(tmp_path, *rows)), "--by", ACTOR)
    assert r.exit_code == 1 and message in r.output and r.output.count("\n") == 1, r.output
    assert staffed_store.head() == head and staffed_store.briefings.get(bid).attendees == ()


def test_attendance_header_must_be_id(staffed_store: Store, tmp_path: Path) -> None:
    b = staffed_store.briefings.create(title="T", day=date(2026, 2, 3), sops=["KPU-NTB-SOP-02"], by=ACTOR)
    missing = re.escape("hadir.csv: row 1: missing column 'id'; the header must name id")
    with pytest.raises(InvalidInputError, match=missing):
        staffed_store.briefings.attend(b.id, _sheet(tmp_path, ANI, header="pegawai"), by=ACTOR)
    # A NIP column is an id column, as Indonesian sheets name it.
    assert staffed_store.briefings.attend(b.id, _sheet(tmp_path, ANI, header="NIP"), by=ACTOR).records
    with pytest.raises(NotFoundError, match="no briefing B-20260203-FFFF"):
        staffed_store.briefings.attend("B-20260203-FFFF", _sheet(tmp_path, ANI), by=ACTOR)


def test_superseded_pinned_version(staffed_store: Store, tmp_path: Path) -> None:
    b = staffed_store.briefings.create(title="T", day=date(2026, 2, 3), sops=["KPU-NTB-SOP-01"], by=ACTOR)
    text = staffed_store.sops.get("KPU-NTB-SOP-01").text
    spaced = text.replace("Pemohon mengisi", "Pemohon  mengisi")
    staffed_store.sops.update(spaced, by=ACTOR, message="spasi", base=1)
    # Same text: the records of the presented version still count; recorded as presented (v1).
    result = staffed_store.briefings.attend(b.id, _sheet(tmp_path, ANI), by=ACTOR)
    assert [(r.version, r.how) for r in result.records] == [(1, b.id)]
    changed = text.replace("Pemohon mengisi", "Pemohon menulis")
    staffed_store.sops.update(changed, by=ACTOR, message="ubah", base=2)
    with pytest.raises(RefusedError, match="presented KPU-NTB-SOP-01 v1, now superseded by v3"):
        staffed_store.briefings.attend(b.id, _sheet(tmp_path, BUDI), by=ACTOR)


def test_show_is_the_daftar_hadir(cli: CliRun, staffed_store: Store, tmp_path: Path, clock: Clock) -> None:
    clock.at("2026-02-03", hour=2)
    bid = _create(cli)
    cli("briefing", "attend", bid, str(_sheet(tmp_path, CITRA, ANI)), "--by", ACTOR)
    shown = json.loads(cli("briefing", "show", bid, "--json").output)
    assert shown["date"] == "2026-02-03" and shown["title"] == "Sosialisasi SOP"
    assert [(a["id"], a["name"], a["position"], a["sops"]) for a in shown["attendees"]] == [
        (CITRA, "Citra Dewi", "Operator SIDALIH", ["KPU-NTB-SOP-03 v1"]),
        (ANI, "Ani Pratiwi", "Kepala Subbagian", ["KPU-NTB-SOP-02 v1", "KPU-NTB-SOP-03 v1"]),
    ]
    assert {a["recorded_at"] for a in shown["attendees"]} == {"2026-02-03T02:00:00Z"}
    plain = cli("briefing", "show", bid).output
    golden = GOLDEN / "briefing_show.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(plain, encoding="utf-8")
    assert plain == golden.read_text(encoding="utf-8")
