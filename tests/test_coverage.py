"""Coverage and pending: audiences, outstanding names, units, carry-over, inactive staff."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import ACTOR, ANI, BUDI, CITRA, DEDI, CliRun

import sop_store
from soplib import RefusedError, Store, acknowledge, coverage, deactivate_staff, pending

SOP1, SOP2, SOP3, SOP4 = (f"KPU-NTB-SOP-0{i}" for i in range(1, 5))


def _by_id(report_json: dict[str, object]) -> dict[str, dict[str, object]]:
    sops = report_json["sops"]
    assert isinstance(sops, list)
    return {s["id"]: s for s in sops}


def test_audiences_and_counts(staffed_store: Store) -> None:
    acknowledge(staffed_store, ANI, SOP1, by=ACTOR)
    acknowledge(staffed_store, BUDI, SOP2, by=ACTOR)
    report = coverage(staffed_store)
    got = {s.id: (s.audience_size, s.acknowledged, [p.id for p in s.outstanding]) for s in report.sops}
    assert got == {
        SOP1: (4, 1, [BUDI, CITRA, DEDI]),  # everyone; outstanding sorted by unit
        SOP2: (2, 1, [ANI]),  # units: Keuangan, Sekretariat
        SOP3: (2, 0, [ANI, CITRA]),  # positions: Operator SIDALIH, Kepala Subbagian, Anggota
        SOP4: (4, 0, [ANI, BUDI, CITRA, DEDI]),
    }
    assert (report.required, report.acknowledged, report.percent) == (12, 2, 16.7)
    units = {u.unit: (u.staff, u.required, u.acknowledged, u.percent) for u in report.units}
    assert units["Sekretariat"] == (1, 4, 1, 25.0)
    assert units["Subbagian Keuangan, Umum dan Logistik"] == (1, 3, 1, 33.3)


def test_unit_filter_and_single_sop(cli: CliRun, staffed_store: Store) -> None:
    acknowledge(staffed_store, ANI, SOP3, by=ACTOR)
    one = json.loads(cli("coverage", SOP3, "--json").output)
    assert [s["id"] for s in one["sops"]] == [SOP3]
    assert one["sops"][0]["outstanding"][0]["name"] == "Citra Dewi" and one["percent"] == 50.0
    unit = json.loads(cli("coverage", "--unit", "Sekretariat", "--json").output)
    assert unit["unit"] == "Sekretariat" and [u["unit"] for u in unit["units"]] == ["Sekretariat"]
    assert {s["id"]: s["audience_size"] for s in unit["sops"]} == {SOP1: 1, SOP2: 1, SOP3: 1, SOP4: 1}
    bad = cli("coverage", "--unit", "Bagian Tidak Ada")
    assert bad.exit_code == 1 and "no active staff in unit 'Bagian Tidak Ada'" in bad.output


def test_human_output_names_who_is_outstanding(cli: CliRun, staffed_store: Store) -> None:
    acknowledge(staffed_store, ANI, SOP2, by=ACTOR)
    out = cli("coverage").output
    assert f"{SOP2}\tv1\t2\t1\t1\t50.0%\t\tBudi Santoso" in out
    assert "overall: 1 of 12 acknowledgements (8.3%)" in out
    one = cli("coverage", SOP4).output
    assert "Ani Pratiwi; Budi Santoso; Citra Dewi; Dedi Kurniawan" in one


def test_withdrawn_sops_and_inactive_staff_drop_out(staffed_store: Store) -> None:
    acknowledge(staffed_store, DEDI, SOP1, by=ACTOR)
    deactivate_staff(staffed_store, DEDI, by=ACTOR)
    with staffed_store.transaction(by=ACTOR, subject="withdraw") as tx:
        sop_store.withdraw(tx, SOP4)
    report = coverage(staffed_store)
    assert [s.id for s in report.sops] == [SOP1, SOP2, SOP3]
    assert (report.sops[0].audience_size, report.sops[0].acknowledged) == (3, 0)
    with pytest.raises(RefusedError, match="withdrawn"):
        coverage(staffed_store, SOP4)


def test_carry_over_is_counted_and_explained(cli: CliRun, staffed_store: Store) -> None:
    acknowledge(staffed_store, ANI, SOP1, by=ACTOR)
    text = staffed_store.get(SOP1).text
    staffed_store.update(text.replace("Pemohon mengisi", "Pemohon  mengisi"), by=ACTOR, message="spasi")
    acknowledge(staffed_store, BUDI, SOP1, by=ACTOR)
    s = coverage(staffed_store, SOP1).sops[0]
    assert (s.version, s.acknowledged, s.carried_over, s.carry_note) == (2, 2, 1, "v1->v2 same text")
    assert "v1->v2 same text" in cli("coverage", SOP1).output
    p = pending(staffed_store, ANI)
    assert {a.id: a.reason for a in p.acknowledged} == {SOP1: "v1->v2 same text"}
    # A real change: nobody has acknowledged v3.
    staffed_store.update(text.replace("Pemohon mengisi", "Pemohon menulis"), by=ACTOR, message="ubah")
    s = coverage(staffed_store, SOP1).sops[0]
    assert (s.version, s.acknowledged, s.carried_over, s.carry_note) == (3, 0, 0, "")


def test_pending(cli: CliRun, staffed_store: Store, store_path: Path) -> None:
    acknowledge(staffed_store, CITRA, SOP3, by=ACTOR)
    out = json.loads(cli("pending", CITRA, "--json").output)
    assert out["staff"]["name"] == "Citra Dewi"
    assert [(p["id"], p["version"]) for p in out["pending"]] == [(SOP1, 1), (SOP4, 1)]
    assert [(a["id"], a["how"], a["carried_over"]) for a in out["acknowledged"]] == [(SOP3, "read", None)]
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
    assert "imported 25 staff" in r.output and "27 acknowledgements in one commit" in r.output
    assert "v1->v2 editorial: perbaikan penulisan" in r.output
    assert "overall: 28 of 94 acknowledgements (29.8%)" in r.output
    assert "hash chain of acknowledgements: 28 records, intact: True" in r.output


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
    acknowledge(staffed_store, ANI, SOP1, by=ACTOR)
    edited = tmp_path / "sop1.md"
    text = staffed_store.get(SOP1).text
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
    assert cli("update", str(edited), "--by", ACTOR, "-m", "isi berubah").exit_code == 0
    s = _by_id(json.loads(cli("coverage", SOP1, "--json").output))[SOP1]
    assert (s["version"], s["acknowledged"]) == (3, 0)
