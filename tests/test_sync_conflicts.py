"""Real conflicts between two machines: one side wins, the other's change is refused, named, kept.

Two approvals that both make version 2 of the same SOP; decisions recorded in a
session the other side already approved or abandoned. The refusal names both
commits, nothing is overwritten, the refused commit stays in the history (and is
listed), and both stores verify.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from conftest import Clock
from remotes import CHAIR, MEMBER, READER, SECRETARY, Server, office_store, published

from soplib import Store
from soplib.sync.remotes import REFUSED_TAGS

SOP_BIN = Path(sys.executable).parent / "sop"
ONE, TWO, THREE = "KPU-NTB-SOP-01", "KPU-NTB-SOP-02", "KPU-NTB-SOP-03"
TEAM = {CHAIR: "chair", MEMBER: "member"}


def sop(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(SOP_BIN), "--store", str(store), "--lang", "en", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def revise(store: Store, session: str, text: str) -> str:
    """Revise step 2 of SOP-01 in ``session`` and approve it: version 2 with ``text``; the approval commit."""
    review = store.reviews.get(session)
    review.replace(ONE, "prosedur/2", text=text, by=CHAIR, reason="batas waktu")
    review.keep_rest(ONE, by=CHAIR)
    review.outcome(ONE, "revise", by=CHAIR)
    approved = review.approve(by=SECRETARY, effective=date(2026, 4, 1))
    assert approved.commit is not None
    return approved.commit


def test_two_approvals_of_version_2_one_wins_the_other_is_refused_named_and_kept(
    tmp_path: Path, file_server: Server, clock: Clock
) -> None:
    clock.at("2026-03-02")
    with office_store(tmp_path / "seed") as seed:
        first = seed.reviews.start([ONE], team=TEAM, ref="BA 3/2026", by=CHAIR).id
    url = published(tmp_path / "seed", file_server)
    a, b = Store.clone(url, tmp_path / "a"), Store.clone(url, tmp_path / "b")

    clock.at("2026-03-03")
    mine = revise(a, first, "Petugas memeriksa berkas paling lama 1 hari kerja.")
    a.acks.record(READER, ONE, by=READER)  # of A's version 2, which will not survive
    clock.at("2026-03-04")
    second = b.reviews.start([ONE], team=TEAM, ref="BA 4/2026", by=CHAIR).id
    theirs = revise(b, second, "Petugas memeriksa berkas paling lama 2 hari kerja.")
    assert b.remotes.sync(by=SECRETARY).pushed
    text_b = b.sops.text(ONE)
    a.close()

    clock.at("2026-03-05")
    done = sop(tmp_path / "a", "sync", "--by", SECRETARY)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 2, done.stderr  # one line per refused change
    approval = next(line for line in lines if mine[:10] in line)
    # One message naming both sides: our approval and the remote commit that wrote version 2.
    assert mine[:10] in approval and theirs[:10] in approval, approval
    assert f"{ONE} (pinned v1, now v2)" in approval
    ack = next(line for line in lines if mine[:10] not in line)
    assert "(ack by" in ack
    assert theirs[:10] in ack and "not the text that was acknowledged" in ack

    with Store.open(tmp_path / "a") as a:
        # Nothing overwritten: version 2 is B's, on both sides; A's text is still in A's commit.
        assert a.sops.text(ONE) == text_b
        assert a.reviews.get(first).header().status == "open"  # not approved here after all
        assert b.remotes.sync(by=SECRETARY).integrated == "fast-forward"
        assert a.head() == b.head()
        assert a.git.repo.read_commit(mine).sha == mine
        mine_text = a.snapshot(mine).read(f"sops/{ONE}.md").decode()
        assert "paling lama 1 hari kerja" in mine_text
        # Listed: the refused changes of this history, each with the other side's commit.
        listed = a.remotes.refused()
        assert {(r.commit, r.action, r.other) for r in listed} == {
            (mine, "approve", theirs),
            (listed[0].commit if listed[0].action == "ack" else listed[1].commit, "ack", theirs),
        }
        cli = json.loads(sop(tmp_path / "a", "remote", "refused", "--json").stdout)
        assert {r["commit"] for r in cli} == {r.commit for r in listed}
        # The refused approval's tag stepped aside; the tag is the winner's.
        assert a.git.repo.refs.read(f"refs/tags/sop/{ONE}/v2") == theirs
        assert a.git.repo.refs.read(f"{REFUSED_TAGS}sop/{ONE}/v2") == mine
        # Coverage does not count the refused acknowledgement of A's text.
        assert [r for r in a.acks.list() if r.staff == READER] == []
        for store in (a, b):
            report = store.audit.verify()
            assert report.ok, report.findings
    b.close()


def test_decisions_in_a_session_the_other_side_closed_are_refused_naming_the_close(
    tmp_path: Path, file_server: Server, clock: Clock
) -> None:
    clock.at("2026-03-02")
    with office_store(tmp_path / "seed") as seed:
        closing = seed.reviews.start([TWO], team=TEAM, ref="BA 5/2026", by=CHAIR).id
        approving = seed.reviews.start([THREE], team=TEAM, ref="BA 6/2026", by=CHAIR).id
    url = published(tmp_path / "seed", file_server)
    a, b = Store.clone(url, tmp_path / "a"), Store.clone(url, tmp_path / "b")

    clock.at("2026-03-03")
    late_keep = a.reviews.get(closing).outcome(TWO, "keep", by=MEMBER)
    late_eval = a.reviews.get(approving).keep_rest(THREE, by=MEMBER)
    assert late_keep and late_eval
    clock.at("2026-03-04")
    abandon = b.reviews.get(closing).abandon(by=CHAIR, reason="diganti")
    assert abandon.status == "abandoned"
    b.reviews.get(approving).keep_rest(THREE, by=CHAIR)
    b.reviews.get(approving).outcome(THREE, "keep", by=CHAIR)
    approved = b.reviews.get(approving).approve(by=SECRETARY, effective=date(2026, 4, 1))
    b.remotes.sync(by=SECRETARY)
    closed_by = {c.value("Sop-Action"): c.sha for c in b.git.repo.walk(b.head(), limit=10)}

    clock.at("2026-03-05")
    result = a.remotes.sync(by=SECRETARY)
    assert result.pushed and len(result.refused) == 2
    by_action = {r.action: r for r in result.refused}
    assert by_action["review-outcome"].other == closed_by["review-abandon"]
    assert by_action["review-keep-rest"].other == approved.commit
    for r in result.refused:
        assert "nothing more can be recorded" in r.reason
        assert r.other_action in ("review-abandon", "approve") and r.other_actor in (CHAIR, SECRETARY)
    # The closed sessions' logs hold only what the winning side recorded.
    assert a.reviews.get(closing).header().status == "abandoned"
    assert all(e.by != MEMBER for e in a.reviews.get(approving).log())
    for store in (a, b):
        b.remotes.sync(by=SECRETARY)
        report = store.audit.verify()
        assert report.ok, report.findings
    assert a.head() == b.head()
    a.close()
    b.close()
