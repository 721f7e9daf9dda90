"""Acknowledgements: the rules, duplicates, carry-over, concurrency and the hash chain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ACTOR, ANI, BUDI, CITRA, DEDI, CliRun
from hypothesis import given
from hypothesis import strategies as st

import sop_store
from soplib import (
    NotFoundError,
    RefusedError,
    Store,
    acknowledge,
    deactivate_staff,
    import_staff,
    list_acks,
    verify_chain,
)
from soplib.ack import (
    CHAIN,
    GENESIS,
    SEGMENT_MAX,
    AckRecord,
    NewAck,
    counted_versions,
    parse_line,
    record_hash,
    stage_acks,
)

SOP1, SOP2, SOP3 = "KPU-NTB-SOP-01", "KPU-NTB-SOP-02", "KPU-NTB-SOP-03"


def _commits(store: Store) -> int:
    return sum(1 for _ in store._git.repo.walk(store.head()))


def test_ack_records_everything_the_issue_lists(cli: CliRun, staffed_store: Store) -> None:
    r = cli("ack", ANI, SOP1, "--by", ACTOR)
    assert r.exit_code == 0, r.output
    assert "recorded: 198001012005011001 (Ani Pratiwi) acknowledged KPU-NTB-SOP-01 v1" in r.output
    (record,) = list_acks(staffed_store)
    meta = staffed_store.info(SOP1).latest.meta
    assert (record.seq, record.staff, record.sop, record.version) == (1, ANI, SOP1, 1)
    assert record.content_sha256 == meta["content_sha256"]
    assert (record.how, record.by, record.prev) == ("read", ACTOR, GENESIS)
    assert record.at.endswith("Z") and record.hash == record.expected_hash
    data = staffed_store.snapshot().read(f"acks/{SOP1}/v1/000001.tsv").decode()
    assert data == record.line()


def test_acknowledging_twice_writes_nothing(cli: CliRun, staffed_store: Store) -> None:
    first = acknowledge(staffed_store, ANI, SOP1, by=ACTOR)
    commits = _commits(staffed_store)
    again = acknowledge(staffed_store, ANI, SOP1, by=ACTOR)
    assert first.created and not again.created and again.record == first.record
    r = cli("ack", ANI, SOP1, "--by", ACTOR)
    assert r.exit_code == 0 and "already there" in r.output and "nothing written" in r.output
    assert _commits(staffed_store) == commits and len(list_acks(staffed_store)) == 1


def test_refusals_are_one_line(cli: CliRun, staffed_store: Store) -> None:
    text = staffed_store.get(SOP1).text.replace("Petugas meja layanan", "Petugas layanan")
    staffed_store.update(text, by=ACTOR, message="Sebutan petugas")
    deactivate_staff(staffed_store, DEDI, by=ACTOR)
    with staffed_store.transaction(by=ACTOR, subject="withdraw") as tx:
        sop_store.withdraw(tx, "KPU-NTB-SOP-04")
    head = staffed_store.head()
    cases = [
        ((ANI, SOP1, "--version", "1"), "KPU-NTB-SOP-01 v1 is superseded by v2"),
        ((ANI, SOP1, "--version", "7"), "has no version 7"),
        ((ANI, "KPU-NTB-SOP-04"), "withdrawn"),
        (("197001012000011099", SOP1), "no staff 197001012000011099"),
        ((DEDI, SOP1), "is inactive"),
        ((CITRA, SOP2), "does not apply to 199003032015031003 (Citra Dewi, Operator SIDALIH"),
        ((BUDI, SOP3), "positions: Operator SIDALIH, Kepala Subbagian, Anggota"),
        (("a/b", SOP1), "invalid staff id 'a/b'"),
        ((ANI, "nope"), "invalid SOP id"),
    ]
    for args, message in cases:
        r = cli("ack", *args, "--by", ACTOR)
        assert r.exit_code == 1, (args, r.output)
        assert message in r.output, (args, r.output)
        assert r.output.startswith("error: ") and r.output.count("\n") == 1
    assert staffed_store.head() == head


def test_refusal_classes_through_the_api(staffed_store: Store) -> None:
    with pytest.raises(NotFoundError):
        acknowledge(staffed_store, "1234", SOP1, by=ACTOR)
    with pytest.raises(RefusedError):
        acknowledge(staffed_store, CITRA, SOP2, by=ACTOR)
    assert acknowledge(staffed_store, CITRA, SOP1, by=ACTOR, version=1).created


def _new_version(store: Store, sop: str, old: str, new: str, *, editorial: str | None = None) -> int:
    text = store.get(sop).text
    assert old in text
    return store.update(text.replace(old, new), by=ACTOR, message="ubah", editorial=editorial).version


def test_whitespace_only_edit_carries_over(cli: CliRun, staffed_store: Store) -> None:
    acknowledge(staffed_store, ANI, SOP1, by=ACTOR)
    _new_version(staffed_store, SOP1, "secara langsung atau melalui", "secara  langsung atau\n   melalui")
    again = acknowledge(staffed_store, ANI, SOP1, by=ACTOR)
    assert not again.created and again.version == 2 and again.record.version == 1
    assert again.reason == "v1->v2 same text"
    r = cli("ack", ANI, SOP1, "--by", ACTOR)
    assert "through v1: v1->v2 same text" in r.output
    assert acknowledge(staffed_store, BUDI, SOP1, by=ACTOR).record.version == 2


def test_editorial_carries_over_and_chains(staffed_store: Store) -> None:
    acknowledge(staffed_store, ANI, SOP1, by=ACTOR)
    _new_version(staffed_store, SOP1, "tanda bukti penerimaan.", "tanda bukti  penerimaan.")
    _new_version(staffed_store, SOP1, "Kepala Subbagian", "Kepala Sub Bagian", editorial="ejaan jabatan")
    info = staffed_store.info(SOP1)
    assert [c.to_json() for c in counted_versions(info)] == [
        {"from": 2, "to": 3, "reason": "editorial: ejaan jabatan"},
        {"from": 1, "to": 2, "reason": "same text"},
    ]
    outcome = acknowledge(staffed_store, ANI, SOP1, by=ACTOR)
    assert not outcome.created and outcome.reason == "v2->v3 editorial: ejaan jabatan; v1->v2 same text"
    # A real change breaks the chain: earlier acknowledgements no longer count.
    _new_version(staffed_store, SOP1, "memeriksa kelengkapan identitas", "memeriksa identitas dan tujuan")
    assert counted_versions(staffed_store.info(SOP1)) == []
    fresh = acknowledge(staffed_store, ANI, SOP1, by=ACTOR)
    assert fresh.created and fresh.record.version == 4


def test_text_change_does_not_carry_over(staffed_store: Store) -> None:
    acknowledge(staffed_store, ANI, SOP1, by=ACTOR)
    _new_version(staffed_store, SOP1, "memeriksa kelengkapan identitas", "memeriksa identitas")
    outcome = acknowledge(staffed_store, ANI, SOP1, by=ACTOR)
    assert outcome.created and outcome.version == 2 and outcome.reason is None


def test_segments_stay_bounded(store: Store) -> None:
    rows = "\n".join(f"19800101200501{i:04d},Pegawai {i},Sekretariat,Staf" for i in range(SEGMENT_MAX + 40))
    import_staff(store, ("id,name,unit,position\n" + rows + "\n").encode(), by=ACTOR)
    from conftest import write_sop

    store.add([write_sop(store.path.parent, "KPU-X-01")], by=ACTOR)
    sha = store.info("KPU-X-01").latest.meta["content_sha256"]
    ids = [f"19800101200501{i:04d}" for i in range(SEGMENT_MAX + 40)]
    for staff_id in ids[:30]:  # single acknowledgements merge into the last small segment
        acknowledge(store, staff_id, "KPU-X-01", by=ACTOR)
    with store.transaction(by=ACTOR, subject="batch") as tx:  # a batch that does not fit: its own segment
        stage_acks(tx, [NewAck(i, "KPU-X-01", 1, sha) for i in ids[30:]])
    snap = store.snapshot()
    assert snap.list("acks/KPU-X-01/v1") == ["000001.ids", "000001.tsv", "000002.ids", "000002.tsv"]
    names = ["000001.tsv", "000002.tsv"]
    assert [snap.read(f"acks/KPU-X-01/v1/{n}").count(b"\n") for n in names] == [30, SEGMENT_MAX + 10]
    assert verify_chain(snap).is_intact and verify_chain(snap).records == SEGMENT_MAX + 40


WORKER = """
import sys
from soplib import Store, acknowledge
store = Store.open(sys.argv[1])
for staff_id in sys.argv[2:]:
    for sop in ("KPU-NTB-SOP-01", "KPU-NTB-SOP-04"):
        acknowledge(store, staff_id, sop, by="ani.pratiwi")
store.close()
"""


def test_eight_processes_acknowledging_at_once(store: Store, store_path: Path) -> None:
    from conftest import load_demo

    load_demo(store)
    people = [f"19800101200501{i:04d}" for i in range(32)]
    rows = "\n".join(f"{p},Pegawai {p[-4:]},Sekretariat,Staf" for p in people)
    import_staff(store, ("id,name,unit,position\n" + rows + "\n").encode(), by=ACTOR)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(store_path), *people[i::8]], stderr=subprocess.PIPE
        )
        for i in range(8)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    records = list_acks(store)
    assert len(records) == 64
    assert {(r.staff, r.sop) for r in records} == {(p, s) for p in people for s in (SOP1, "KPU-NTB-SOP-04")}
    assert [r.seq for r in records] == list(range(1, 65))
    report = verify_chain(store.snapshot())
    assert report.is_intact and report.head_count == 64


def _tamper(store_path: Path, tmp_path: Path, edit: str) -> None:
    """Change the store behind the library's back with plain git commands."""
    work = tmp_path / "work"
    git = ["git", "-c", "user.name=x", "-c", "user.email=x@x", "-C", str(work)]
    subprocess.run(["git", "clone", "-q", str(store_path), str(work)], check=True)
    subprocess.run(["python3", "-c", edit], cwd=work, check=True)
    subprocess.run([*git, "commit", "-qam", "tamper"], check=True)
    subprocess.run([*git, "push", "-q", "origin", "main"], check=True)


def _acked_three(store: Store) -> None:
    for person in (ANI, BUDI, CITRA):
        acknowledge(store, person, SOP1, by=ACTOR)
    assert verify_chain(store.snapshot()).is_intact


SEG = f"acks/{SOP1}/v1/000001.tsv"
OPEN = f"import pathlib, json; p = pathlib.Path('{SEG}'); lines = p.read_text().splitlines(True); "


def test_chain_detects_an_edited_record(staffed_store: Store, store_path: Path, tmp_path: Path) -> None:
    _acked_three(staffed_store)
    edit = OPEN + "p.write_text(p.read_text().replace('\\tread\\t', '\\tB-1\\t', 1))"
    _tamper(store_path, tmp_path, edit)
    report = verify_chain(staffed_store.snapshot())
    assert [(f.kind, f.seq) for f in report.findings] == [("altered", 1)]


def test_chain_detects_a_deleted_record(staffed_store: Store, store_path: Path, tmp_path: Path) -> None:
    _acked_three(staffed_store)
    edit = OPEN + "p.write_text(lines[0] + lines[2])"
    _tamper(store_path, tmp_path, edit)
    report = verify_chain(staffed_store.snapshot())
    assert ("deleted", 2) in [(f.kind, f.seq) for f in report.findings]


def test_chain_detects_reorder_and_head_mismatch(
    staffed_store: Store, store_path: Path, tmp_path: Path
) -> None:
    _acked_three(staffed_store)
    edit = (
        OPEN + "p.write_text(lines[1] + lines[0] + lines[2]); "
        f"pathlib.Path('{CHAIN}').write_text(json.dumps({{'count': 5, 'last': 'x'}}))"
    )
    _tamper(store_path, tmp_path, edit)
    kinds = {f.kind for f in verify_chain(staffed_store.snapshot()).findings}
    assert {"reordered", "head", "deleted"} <= kinds


def test_acks_json_output(cli: CliRun, staffed_store: Store) -> None:
    out = json.loads(cli("ack", CITRA, SOP3, "--by", ACTOR, "--json").output)
    assert out["created"] is True and out["record"]["staff"] == CITRA and out["carried_over"] == []


def test_chain_detects_a_forged_index(staffed_store: Store, store_path: Path, tmp_path: Path) -> None:
    _acked_three(staffed_store)
    index = SEG.replace(".tsv", ".ids")
    edit = f"import pathlib; p = pathlib.Path('{index}'); p.write_text(p.read_text() + '{DEDI}\\n')"
    _tamper(store_path, tmp_path, edit)
    from soplib import coverage

    assert coverage(staffed_store, SOP1).sops[0].acknowledged == 4  # what the forged index claims
    report = verify_chain(staffed_store.snapshot())
    assert [f.kind for f in report.findings] == ["index"]


@given(
    seq=st.integers(min_value=1, max_value=10**9),
    staff=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True),
    version=st.integers(min_value=1, max_value=999),
    how=st.sampled_from(["read", "B-20260203-1"]),
)
def test_record_line_round_trip(seq: int, staff: str, version: int, how: str) -> None:
    digest = record_hash(seq, staff, SOP1, version, "a" * 64, how, ACTOR, "2026-02-03T08:00:00Z", GENESIS)
    record = AckRecord(
        seq, staff, SOP1, version, "a" * 64, how, ACTOR, "2026-02-03T08:00:00Z", GENESIS, digest
    )
    again = parse_line(record.line())
    assert again == record and again.expected_hash == digest
