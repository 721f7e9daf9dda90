"""Coverage and pending: audiences, outstanding names, units, carry-over, inactive staff."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import ACTOR, ANI, BUDI, CITRA, DEDI, HEAD, HEAD_ROW, CliRun

from soplib import CarryOver, RefusedError, Store

SOP1, SOP2, SOP3, SOP4 = (f"KPU-NTB-SOP-0{i}" for i in range(1, 5))


def _by_id(report_json: dict[str, object]) -> dict[str, dict[str, object]]:
    sops = report_json["sops"]
    assert isinstance(sops, list)
    return {s["id"]: s for s in sops}


def _update(store: Store, sop: str, old: str, new: str, *, message: str) -> None:
    current = store.sops.get(sop)
    assert old in current.text
    store.sops.update(current.text.replace(old, new), by=ACTOR, message=message, base=current.version)


def test_audiences_and_counts(staffed_store: Store) -> None:
    staffed_store.acks.record(ANI, SOP1, by=ACTOR)
    staffed_store.acks.record(BUDI, SOP2, by=ACTOR)
    report = staffed_store.acks.coverage()
    got = {s.id: (s.audience_size, s.acknowledged, list(s.outstanding)) for s in report.sops}
    assert got == {
        SOP1: (4, 1, [BUDI, CITRA, DEDI]),  # everyone; outstanding sorted by unit
        SOP2: (2, 1, [ANI]),  # units: Keuangan, Sekretariat
        SOP3: (2, 0, [ANI, CITRA]),  # positions: Operator SIDALIH, Kepala Subbagian, Anggota
        SOP4: (4, 0, [ANI, BUDI, CITRA, DEDI]),
    }
    assert (report.required, report.acknowledged, report.percent) == (12, 2, 16.7)
    # Outstanding people are ids; the report names each of them once.
    assert set(report.staff) == {ANI, BUDI, CITRA, DEDI}
    assert [p.name for p in report.outstanding_people(report.sops[1])] == ["Ani Pratiwi"]
    data = report.to_json()
    assert set(data["staff"]) == {ANI, BUDI, CITRA, DEDI} and data["staff"][CITRA]["name"] == "Citra Dewi"
    assert data["sops"][0]["outstanding"] == [BUDI, CITRA, DEDI]
    units = {u.unit: (u.staff, u.required, u.acknowledged, u.percent) for u in report.units}
    assert units["Sekretariat"] == (1, 4, 1, 25.0)
    assert units["Subbagian Keuangan, Umum dan Logistik"] == (1, 3, 1, 33.3)


def test_unit_filter_and_single_sop(cli: CliRun, staffed_store: Store) -> None:
    staffed_store.acks.record(ANI, SOP3, by=ACTOR)
    one = json.loads(cli("coverage", SOP3, "--json").output)
    assert [s["id"] for s in one["sops"]] == [SOP3]
    assert one["sops"][0]["outstanding"] == [CITRA] and one["percent"] == 50.0
    assert one["staff"] == {
        CITRA: {
            "id": CITRA, "name": "Citra Dewi", "unit": "Subbagian Perencanaan, Data dan Informasi",
            "position": "Operator SIDALIH", "active": True,
        }
    }  # fmt: skip
    unit = json.loads(cli("coverage", "--unit", "Sekretariat", "--json").output)
    assert unit["unit"] == "Sekretariat" and [u["unit"] for u in unit["units"]] == ["Sekretariat"]
    assert {s["id"]: s["audience_size"] for s in unit["sops"]} == {SOP1: 1, SOP2: 1, SOP3: 1, SOP4: 1}
    bad = cli("coverage", "--unit", "Bagian Tidak Ada")
    assert bad.exit_code == 1 and "no active staff in unit 'Bagian Tidak Ada'" in bad.output


def test_human_output_names_who_is_outstanding(cli: CliRun, staffed_store: Store) -> None:
    staffed_store.acks.record(ANI, SOP2, by=ACTOR)
    out = cli("coverage").output
    assert f"{SOP2}\tv1\t2\t1\t1\t50.0%\t\tBudi Santoso" in out
    assert "overall: 1 of 12 acknowledgements (8.3%)" in out
    one = cli("coverage", SOP4).output
    assert "Ani Pratiwi; Budi Santoso; Citra Dewi; Dedi Kurniawan" in one


def test_withdrawn_sops_and_inactive_staff_drop_out(staffed_store: Store) -> None:
    staffed_store.acks.record(DEDI, SOP1, by=ACTOR)
    staffed_store.staff.deactivate(DEDI, by=ACTOR)
    # Withdrawn the way an office does it: a review session approved by the head of office.
    staffed_store.staff.import_csv(("id,name,unit,position\n" + HEAD_ROW).encode(), by=ACTOR)
    session = staffed_store.reviews.start([SOP4], team={ACTOR: "chair"}, ref="BA 3/2026", by=ACTOR)
    session.outcome(SOP4, "withdraw", by=ACTOR, reason="digabung")
    session.approve(by=HEAD)
    report = staffed_store.acks.coverage()
    assert [s.id for s in report.sops] == [SOP1, SOP2, SOP3]
    # The head of office is in the audience of SOP-01 now; Dedi, inactive, no longer is.
    assert (report.sops[0].audience_size, report.sops[0].acknowledged) == (4, 0)
    assert DEDI not in report.sops[0].outstanding and HEAD in report.sops[0].outstanding
    with pytest.raises(RefusedError, match="withdrawn"):
        staffed_store.acks.coverage(SOP4)


def test_carry_over_is_counted_and_explained(cli: CliRun, staffed_store: Store) -> None:
    staffed_store.acks.record(ANI, SOP1, by=ACTOR)
    _update(staffed_store, SOP1, "Pemohon mengisi", "Pemohon  mengisi", message="spasi")
    staffed_store.acks.record(BUDI, SOP1, by=ACTOR)
    s = staffed_store.acks.coverage(SOP1).sops[0]
    assert (s.version, s.acknowledged, s.carried_over, s.carry_note) == (2, 2, 1, "v1->v2 same text")
    assert "v1->v2 same text" in cli("coverage", SOP1).output
    p = staffed_store.acks.pending(ANI)
    assert {a.id: (a.record.version, a.carried_over) for a in p.acknowledged} == {
        SOP1: (1, (CarryOver(1, 2, "same text"),))
    }
    # A real change: nobody has acknowledged v3.
    _update(staffed_store, SOP1, "Pemohon  mengisi", "Pemohon menulis", message="ubah")
    s = staffed_store.acks.coverage(SOP1).sops[0]
    assert (s.version, s.acknowledged, s.carried_over, s.carry_note) == (3, 0, 0, "")


def test_pending(cli: CliRun, staffed_store: Store, store_path: Path) -> None:
    staffed_store.acks.record(CITRA, SOP3, by=ACTOR)
    out = json.loads(cli("pending", CITRA, "--json").output)
    assert out["staff"]["name"] == "Citra Dewi"
    assert [(p["id"], p["version"]) for p in out["pending"]] == [(SOP1, 1), (SOP4, 1)]
    assert [(a["id"], a["record"]["how"], a["carried_over"]) for a in out["acknowledged"]] == [
        (SOP3, "read", [])
    ]
    assert out["acknowledged"][0]["record"]["at"].endswith("Z")
    plain = cli("pending", CITRA).output
    assert "Pelayanan Permohonan Informasi Publik" in plain and "acknowledged: 1 (0 carried over" in plain
    assert cli("pending", "1999").exit_code == 1
    # The installed command, as a person or a script would run it.
    sop = Path(__file__).parent.parent / ".venv" / "bin" / "sop"
    run = subprocess.run(
        [str(sop), "--store", str(store_path), "coverage", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert _by_id(json.loads(run.stdout))[SOP3]["acknowledged"] == 1


def test_demo_runs_the_internalisation_step(cli: CliRun, tmp_path: Path) -> None:
    r = cli("demo", "--dir", str(tmp_path / "demo"))
    assert r.exit_code == 0, r.output
    assert "27 acknowledgements in one commit" in r.output and "15 skipped (SOP not for them)" in r.output
    assert "KPU-NTB-SOP-01\tv2\t25\t14\t11\t56.0%" in r.output  # 25 staff, everyone in the audience
    assert "v1->v2 editorial: perbaikan penulisan" in r.output
    assert "overall: 33 of 94 acknowledgements (35.1%)" in r.output
    assert "hash chain intact: True" in r.output and " 0 lost; 0 stray files" in r.output
    with Store.open(tmp_path / "demo") as demo:
        assert len(demo.staff.list()) == 25 and demo.audit.verify().ok


def test_every_internalisation_command_is_documented() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in (
        "sop staff import",
        "sop staff list",
        "sop staff deactivate",
        "sop ack ",
        "sop briefing create",
        "sop briefing attend",
        "sop briefing show",
        "sop briefing list",
        "sop coverage",
        "sop pending",
    ):
        assert f"`{command}" in docs, command


def test_cli_update_editorial_carries_acknowledgements_over(
    staffed_store: Store, cli: CliRun, tmp_path: Path
) -> None:
    staffed_store.acks.record(ANI, SOP1, by=ACTOR)
    edited = tmp_path / "sop1.md"
    text = cli("show", SOP1).output  # names the version it shows: the update needs no --base
    assert text.startswith(f"---\n# soplib-base: {SOP1} v1\n")
    edited.write_text(text.replace("secara langsung", "secara langsung (luring)"), encoding="utf-8")
    refused = cli("update", str(edited), "--by", ACTOR, "-m", "redaksi", "--editorial", "  ")
    assert refused.exit_code == 1 and "--editorial needs a reason" in refused.output
    r = cli("update", str(edited), "--by", ACTOR, "-m", "redaksi", "--editorial", "perbaikan redaksi")
    assert r.exit_code == 0, r.output
    assert "carry over" in r.output
    s = _by_id(json.loads(cli("coverage", SOP1, "--json").output))[SOP1]
    assert (s["version"], s["acknowledged"]) == (2, 1)
    # The same kind of change without --editorial: the acknowledgement no longer counts.
    edited.write_text(text.replace("secara langsung", "secara langsung (daring)"), encoding="utf-8")
    stale = cli("update", str(edited), "--by", ACTOR, "-m", "isi berubah")  # edited from v1, not v2
    assert stale.exit_code == 1 and "the current version is v2" in stale.output
    edited.write_text(cli("show", SOP1).output.replace("(luring)", "(daring)"), encoding="utf-8")
    assert cli("update", str(edited), "--by", ACTOR, "-m", "isi berubah").exit_code == 0
    s = _by_id(json.loads(cli("coverage", SOP1, "--json").output))[SOP1]
    assert (s["version"], s["acknowledged"]) == (3, 0)
