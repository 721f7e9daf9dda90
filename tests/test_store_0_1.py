"""A store made by soplib 0.1 opens, verifies, takes new operations and verifies again.

tests/fixtures/store-0.1.bundle is the store `sop demo` of the released soplib
0.1 built (commit 1c932ff: 44 commits, reviews, acknowledgements, an anchor),
as a plain git bundle. Its commits carry no operations; verify checks them by
the 0.1 rules (written by soplib, records only grow) and replays every commit
made after it.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import CliRun

from soplib import Store

BUNDLE = Path(__file__).parent / "fixtures" / "store-0.1.bundle"
SECRETARY = "197605142002121003"  # Sekretaris in the 0.1 demo's staff registry
HEAD_OF_UNIT = "198003212006041002"  # Kepala Subbagian Keuangan, Umum dan Logistik


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    git("clone", "--quiet", "--bare", str(BUNDLE), str(path))
    # A clone keeps the bundle's refs under refs/heads and refs/tags, as the 0.1 store had them.
    assert git("--git-dir", str(path), "show", "main:soplib-store.json").count('"format": 1') == 1
    return path


def test_a_0_1_store_opens_and_verifies(old_store: Path) -> None:
    with Store.open(old_store) as store:
        report = store.audit.verify()
        assert report.ok, report.findings
        assert report.replayed == 0 and report.sops == 5 and report.versions == 9 and report.anchors == 1
        assert [s.id for s in store.sops.list()][:2] == ["KPU-NTB-SOP-01", "KPU-NTB-SOP-02"]
        assert store.sops.get("KPU-NTB-SOP-01").version == 2
        assert store.acks.coverage().sops[0].acknowledged > 0
        assert store.grants.is_open()


def test_new_operations_on_a_0_1_store_are_replayed(old_store: Path, tmp_path: Path) -> None:
    with Store.open(old_store) as store:
        store.grants.grant("admin", SECRETARY, by=SECRETARY)
        store.grants.grant("approver", SECRETARY, by=SECRETARY)
        store.grants.grant("controller", HEAD_OF_UNIT, by=SECRETARY)
        session = store.reviews.start(
            ["KPU-NTB-SOP-04"], team={HEAD_OF_UNIT: "chair"}, ref="BA 9", by=HEAD_OF_UNIT
        )
        session.outcome("KPU-NTB-SOP-04", "keep", by=HEAD_OF_UNIT)
        session.approve(by=SECRETARY, effective=date(2027, 1, 4))
        store.acks.record(HEAD_OF_UNIT, "KPU-NTB-SOP-04", by=HEAD_OF_UNIT)
        report = store.audit.verify()
        assert report.ok, report.findings
        assert report.replayed == report.commits - 44 >= 6  # every commit made now, replayed under the rules
        assert store.audit.history("KPU-NTB-SOP-04").versions[-1].version == 2


def test_a_0_1_commit_rewritten_with_plain_git_is_found(old_store: Path, tmp_path: Path, cli: CliRun) -> None:
    # Edit an old acknowledgement segment by hand and commit it the way soplib 0.1 would have.
    work = tmp_path / "work"
    git("clone", "--quiet", str(old_store), str(work))
    segment = next((work / "acks").rglob("*.tsv"))
    segment.write_text(segment.read_text().replace("read", "brf", 1), encoding="utf-8")
    git("-C", str(work), "-c", "user.name=soplib", "-c", "user.email=soplib@localhost", "commit", "-qam",
        "Acknowledge KPU-NTB-SOP-01\n\nSop-Actor: ani.pratiwi\nSop-Action: ack\n")  # fmt: skip
    git("-C", str(work), "push", "--quiet", "origin", "main")
    with Store.open(old_store) as store:
        kinds = {f.kind for f in store.audit.verify().findings}
    assert kinds and kinds <= {
        "foreign-commit",
        "unclaimed-change",
        "record-rewritten",
        "ack-altered",
        "altered",
    }
