"""Acknowledgements: the rules, duplicates, carry-over, concurrency and the hash chain."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import ACTOR, ANI, BUDI, CITRA, DEDI, HEAD, HEAD_ROW, CliRun
from hypothesis import given
from hypothesis import strategies as st

from soplib import AckRecord, NotFoundError, RefusedError, Store
from soplib.audit.ackchain import verify_chain
from soplib.people.ackrecords import CHAIN, GENESIS, SEGMENT_MAX, parse_line, record_hash
from soplib.people.acks import counted_versions

SOP1, SOP2, SOP3 = "KPU-NTB-SOP-01", "KPU-NTB-SOP-02", "KPU-NTB-SOP-03"


def _commits(store: Store) -> int:
    return sum(1 for _ in store.git.repo.walk(store.head()))


def _withdraw(store: Store, sop: str) -> None:
    """Withdraw ``sop`` the way an office does: a review session, approved by the head of office."""
    store.staff.import_csv(("id,name,unit,position\n" + HEAD_ROW).encode(), by=ACTOR)
    session = store.reviews.start([sop], team={ACTOR: "chair"}, ref="BA 3/2026", by=ACTOR)
    session.outcome(sop, "withdraw", by=ACTOR, reason="digabung")
    session.approve(by=HEAD)
    assert not store.sops.record(sop).is_active


def test_ack_records_everything_the_issue_lists(cli: CliRun, staffed_store: Store) -> None:
    r = cli("ack", ANI, SOP1, "--by", ACTOR)
    assert r.exit_code == 0, r.output
    assert "recorded: 198001012005011001 (Ani Pratiwi) acknowledged KPU-NTB-SOP-01 v1" in r.output
    (record,) = staffed_store.acks.list()
    meta = staffed_store.sops.record(SOP1).latest.meta
    assert (record.seq, record.staff, record.sop, record.version) == (1, ANI, SOP1, 1)
    assert record.content_sha256 == meta["content_sha256"]
    assert (record.how, record.by, record.prev) == ("read", ACTOR, GENESIS)
    assert record.at.tzinfo is not None and record.at.utcoffset().total_seconds() == 0
    assert record.to_json()["at"].endswith("Z") and record.hash == record.expected_hash
    data = staffed_store.snapshot().read(f"acks/{SOP1}/v1/000001.tsv").decode()
    assert data == record.line() and record.to_json()["at"] in data


def test_acknowledging_twice_writes_nothing(cli: CliRun, staffed_store: Store) -> None:
    first = staffed_store.acks.record(ANI, SOP1, by=ACTOR)
    commits = _commits(staffed_store)
    again = staffed_store.acks.record(ANI, SOP1, by=ACTOR)
    assert first.created and not again.created and again.record == first.record
    r = cli("ack", ANI, SOP1, "--by", ACTOR)
    assert r.exit_code == 0 and "already there" in r.output and "nothing written" in r.output
    assert _commits(staffed_store) == commits and len(staffed_store.acks.list()) == 1


def test_refusals_are_one_line(cli: CliRun, staffed_store: Store) -> None:
    text = staffed_store.sops.get(SOP1).text.replace("Petugas meja layanan", "Petugas layanan")
    staffed_store.sops.update(text, by=ACTOR, message="Sebutan petugas", base=1)
    staffed_store.staff.deactivate(DEDI, by=ACTOR)
    _withdraw(staffed_store, "KPU-NTB-SOP-04")
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
        staffed_store.acks.record("1234", SOP1, by=ACTOR)
    with pytest.raises(RefusedError):
        staffed_store.acks.record(CITRA, SOP2, by=ACTOR)
    assert staffed_store.acks.record(CITRA, SOP1, by=ACTOR, version=1).created


def _new_version(store: Store, sop: str, old: str, new: str, *, editorial: str | None = None) -> int:
    current = store.sops.get(sop)
    assert old in current.text
    text = current.text.replace(old, new)
    return store.sops.update(
        text, by=ACTOR, message="ubah", base=current.version, editorial=editorial
    ).version


def test_whitespace_only_edit_carries_over(cli: CliRun, staffed_store: Store) -> None:
    staffed_store.acks.record(ANI, SOP1, by=ACTOR)
    _new_version(staffed_store, SOP1, "secara langsung atau melalui", "secara  langsung atau\n   melalui")
    again = staffed_store.acks.record(ANI, SOP1, by=ACTOR)
    assert not again.created and again.version == 2 and again.record.version == 1
    assert again.reason == "v1->v2 same text"
    r = cli("ack", ANI, SOP1, "--by", ACTOR)
    assert "through v1: v1->v2 same text" in r.output
    assert staffed_store.acks.record(BUDI, SOP1, by=ACTOR).record.version == 2


def test_editorial_carries_over_and_chains(staffed_store: Store) -> None:
    staffed_store.acks.record(ANI, SOP1, by=ACTOR)
    _new_version(staffed_store, SOP1, "tanda bukti penerimaan.", "tanda bukti  penerimaan.")
    _new_version(staffed_store, SOP1, "Kepala Subbagian", "Kepala Sub Bagian", editorial="ejaan jabatan")
    record = staffed_store.sops.record(SOP1)
    assert [c.to_json() for c in counted_versions(record)] == [
        {"source": 2, "target": 3, "reason": "editorial: ejaan jabatan"},
        {"source": 1, "target": 2, "reason": "same text"},
    ]
    outcome = staffed_store.acks.record(ANI, SOP1, by=ACTOR)
    assert not outcome.created and outcome.reason == "v2->v3 editorial: ejaan jabatan; v1->v2 same text"
    # A real change breaks the chain: earlier acknowledgements no longer count.
    _new_version(staffed_store, SOP1, "memeriksa kelengkapan identitas", "memeriksa identitas dan tujuan")
    assert counted_versions(staffed_store.sops.record(SOP1)) == []
    fresh = staffed_store.acks.record(ANI, SOP1, by=ACTOR)
    assert fresh.created and fresh.record.version == 4


def test_text_change_does_not_carry_over(staffed_store: Store) -> None:
    staffed_store.acks.record(ANI, SOP1, by=ACTOR)
    _new_version(staffed_store, SOP1, "memeriksa kelengkapan identitas", "memeriksa identitas")
    outcome = staffed_store.acks.record(ANI, SOP1, by=ACTOR)
    assert outcome.created and outcome.version == 2 and outcome.reason is None


def test_segments_stay_bounded(store: Store) -> None:
    rows = "\n".join(f"19800101200501{i:04d},Pegawai {i},Sekretariat,Staf" for i in range(SEGMENT_MAX + 40))
    store.staff.import_csv(("id,name,unit,position\n" + rows + "\n").encode(), by=ACTOR)
    from conftest import write_sop

    store.sops.add([write_sop(store.path.parent, "KPU-X-01")], by=ACTOR)
    ids = [f"19800101200501{i:04d}" for i in range(SEGMENT_MAX + 40)]
    for staff_id in ids[:30]:  # single acknowledgements merge into the last small segment
        store.acks.record(staff_id, "KPU-X-01", by=ACTOR)
    # An attendance list is one batch; one that does not fit the last segment gets its own.
    briefing = store.briefings.create(title="Sosialisasi", day=date(2026, 2, 3), sops=["KPU-X-01"], by=ACTOR)
    store.briefings.attend(briefing.id, ids[30:], by=ACTOR)
    snap = store.snapshot()
    assert snap.list("acks/KPU-X-01/v1") == ["000001.ids", "000001.tsv", "000002.ids", "000002.tsv"]
    names = ["000001.tsv", "000002.tsv"]
    assert [snap.read(f"acks/KPU-X-01/v1/{n}").count(b"\n") for n in names] == [30, SEGMENT_MAX + 10]
    assert {r.how for r in store.acks.iter()} == {"read", briefing.id}
    assert verify_chain(snap).is_intact and verify_chain(snap).records == SEGMENT_MAX + 40


WORKER = """
import sys
from soplib import Store
store = Store.open(sys.argv[1])
for staff_id in sys.argv[2:]:
    for sop in ("KPU-NTB-SOP-01", "KPU-NTB-SOP-04"):
        store.acks.record(staff_id, sop, by="ani.pratiwi")
store.close()
"""


def test_eight_processes_acknowledging_at_once(store: Store, store_path: Path) -> None:
    from conftest import load_demo

    load_demo(store)
    people = [f"19800101200501{i:04d}" for i in range(32)]
    rows = "\n".join(f"{p},Pegawai {p[-4:]},Sekretariat,Staf" for p in people)
    store.staff.import_csv(("id,name,unit,position\n" + rows + "\n").encode(), by=ACTOR)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(store_path), *people[i::8]], stderr=subprocess.PIPE
        )
        for i in range(8)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    records = store.acks.list()
    assert len(records) == 64
    assert {(r.staff, r.sop) for r in records} == {(p, s) for p in people for s in (SOP1, "KPU-NTB-SOP-04")}
    assert [r.seq for r in records] == list(range(1, 65))
    report = verify_chain(store.snapshot())
    assert report.is_intact and report.head_count == 64
    assert store.audit.verify().ok  # 64 commits in lock order, each replaying to itself


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
        store.acks.record(person, SOP1, by=ACTOR)
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
    # A well-formed head claiming two records more than there are: they count as deleted.
    edit = (
        OPEN + "p.write_text(lines[1] + lines[0] + lines[2]); "
        f"pathlib.Path('{CHAIN}').write_text(json.dumps({{'count': 5, 'last': 'f' * 64}}))"
    )
    _tamper(store_path, tmp_path, edit)
    findings = verify_chain(staffed_store.snapshot()).findings
    assert {"reordered", "head", "deleted"} <= {f.kind for f in findings}
    assert [(f.seq, f.message) for f in findings if f.kind == "deleted"] == [
        (4, "records 4-5 are missing (2)")
    ]
    # A head that is not even a head (no hash) is reported as such.
    malformed = (
        f"import pathlib, json; pathlib.Path('{CHAIN}').write_text(json.dumps({{'count': 5, 'last': 'x'}}))"
    )
    _tamper(store_path, tmp_path / "again", malformed)
    findings = verify_chain(staffed_store.snapshot()).findings
    assert [f.path for f in findings if f.kind == "head"] == [CHAIN]


def test_acks_json_output(cli: CliRun, staffed_store: Store) -> None:
    out = json.loads(cli("ack", CITRA, SOP3, "--by", ACTOR, "--json").output)
    assert out["created"] is True and out["record"]["staff"] == CITRA and out["carried_over"] == []


def test_chain_detects_a_forged_index(staffed_store: Store, store_path: Path, tmp_path: Path) -> None:
    _acked_three(staffed_store)
    index = SEG.replace(".tsv", ".ids")
    edit = f"import pathlib; p = pathlib.Path('{index}'); p.write_text(p.read_text() + '{DEDI}\\n')"
    _tamper(store_path, tmp_path, edit)
    assert staffed_store.acks.coverage(SOP1).sops[0].acknowledged == 4  # what the forged index claims
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
    at = datetime(2026, 2, 3, 8, tzinfo=UTC)
    record = AckRecord(seq, staff, SOP1, version, "a" * 64, how, ACTOR, at, GENESIS, digest)
    again = parse_line(record.line())
    assert again == record and again.expected_hash == digest
