"""Review sessions through the Python API: a whole review, every refusal, two processes at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ACTOR, write_sop
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soplib import CRITERIA, InvalidInputError, NotFoundError, RefusedError, Review, Store, load, parse
from soplib.cli.demo import demo_files

TEAM = {ACTOR: "chair", "budi": "member"}
S1, S2, S3, S4 = "KPU-NTB-SOP-01", "KPU-NTB-SOP-02", "KPU-NTB-SOP-03", "KPU-NTB-SOP-04"
YES = dict.fromkeys(CRITERIA, True)

NEW_SOP = """\
---
id: KPU-NTB-SOP-05
title: Pengelolaan Arsip Inaktif
---
# Prosedur

1. Arsiparis menerima arsip inaktif dari unit kerja.
2. Arsiparis mencatat arsip dalam daftar arsip inaktif.
"""


def _start(store: Store, *ids: str) -> Review:
    return Review.start(store, list(ids), team=TEAM, ref="Berita Acara Pleno 12/BA/2026", by=ACTOR)


def test_a_whole_review(demo_store: Store) -> None:
    session = _start(demo_store, S1, S2, S3)
    assert session.header().pinned == {S1: 1, S2: 1, S3: 1}
    session.outcome(S1, "revise", by=ACTOR)
    session.remove(S1, "prosedur/4", by="budi", reason="Disposisi tidak diperlukan")
    session.replace(S1, "prosedur/2", text="Petugas memeriksa identitas dan formulir.", by="budi", reason="x")
    session.add(S1, after="prosedur/8", text="Petugas mengarsipkan berkas.", by=ACTOR, reason="arsip")
    session.add(S1, section="prosedur", text="Petugas menyapa pemohon.", by=ACTOR, reason="pelayanan")
    session.keep(S1, "prosedur/5", by="budi")
    session.remove(S1, "prosedur/5", by=ACTOR, reason="digabung")  # supersedes the keep
    session.keep_rest(S1, by=ACTOR)
    session.outcome(S2, "withdraw", by=ACTOR, reason="diganti SRIKANDI")
    session.outcome(S3, "keep", by="budi")
    session.evaluate(
        S1, answers={**YES, "easy_to_carry_out": False}, notes={"general": "perlu arsip"}, by=ACTOR
    )
    session.propose(parse(NEW_SOP), by="budi", reason="belum ada SOP arsip")
    assert session.decision(S1, "prosedur/5").action == "remove"
    assert [e.action for e in session.log() if e.key == "prosedur/5"] == ["keep", "remove"]
    (d1,) = session.diff(S1)
    assert d1.counts() == {"kept": 6, "changed": 1, "removed": 2, "added": 2, "moved": 0}
    preview = session.preview(S1)
    assert "Petugas mengarsipkan berkas." in preview.text
    ev = session.evaluation(S1)
    assert ev is not None and ev.answers == {**YES, "easy_to_carry_out": False}

    result = session.approve(by="kepala.kantor", effective_date="2026-12-01", editorial={})
    assert result.versions == {S1: 2, "KPU-NTB-SOP-05": 1}
    assert result.withdrawn == (S2,) and result.kept == (S3,) and result.created == ("KPU-NTB-SOP-05",)
    v2 = demo_store.get(S1)
    assert v2.version == 2 and v2.text == preview.text
    assert (v2.approved_by, v2.session, v2.effective_date) == ("kepala.kantor", session.id, "2026-12-01")
    meta = demo_store.info(S1).latest.meta
    assert meta["decisions"] == {"kept": 6, "removed": 2, "replaced": 1, "added": 2}
    assert [s.status for s in demo_store.sops() if s.id == S2] == ["withdrawn"]
    assert demo_store.info(S2).withdrawn["session"] == session.id
    assert demo_store.get(S3).version == 1
    assert demo_store.get("KPU-NTB-SOP-05").session == session.id
    assert session.header().status == "approved"
    # one commit, linked to the session, with the tags
    msg = subprocess.run(
        ["git", "--git-dir", str(demo_store.path), "log", "-1", "--format=%B"], capture_output=True, text=True
    ).stdout
    assert f"Sop-Session: {session.id}" in msg and "Sop-Action: approve" in msg
    assert "Sop-Tag: sop/KPU-NTB-SOP-01/v2" in msg and "Sop-Withdrawn: KPU-NTB-SOP-02 1" in msg
    assert demo_store.tag_commit(S1, 2) == result.commit == demo_store.head()
    # a fresh process sees the same session
    reopened = Review.open(Store.open(demo_store.path), session.id)
    assert len(reopened.log()) == len(session.log())


def test_editorial_approval_and_all_active(demo_store: Store) -> None:
    session = Review.start(
        demo_store, all_active=True, team=TEAM, ref="SK 3/2026", by=ACTOR, title="Evaluasi"
    )
    assert set(session.header().pinned) == {S1, S2, S3, S4}
    for sop in (S1, S2, S3):
        session.outcome(sop, "keep", by=ACTOR)
    session.outcome(S4, "revise", by=ACTOR)
    session.replace(
        S4, "prosedur/3", text="Kepala Subbagian menyetujui peminjaman barang.", by=ACTOR, reason="ejaan"
    )
    session.keep_rest(S4, by=ACTOR)
    session.approve(by="kepala", editorial={S4: "perbaikan redaksi"})
    assert demo_store.info(S4).latest.meta["editorial"] == {"reason": "perbaikan redaksi", "by": "kepala"}


def test_abandon(demo_store: Store) -> None:
    session = _start(demo_store, S1)
    session.abandon(by="budi", reason="dijadwalkan ulang")
    assert session.header().status == "abandoned"
    with pytest.raises(RefusedError, match="abandoned"):
        session.outcome(S1, "keep", by=ACTOR)
    assert [h.status for h in Review.sessions(demo_store)] == ["abandoned"]


# -- refusals -------------------------------------------------------------------------------


def test_only_team_members_decide(demo_store: Store) -> None:
    session = _start(demo_store, S1)
    with pytest.raises(RefusedError, match="not on the team"):
        session.keep(S1, "prosedur/1", by="orang.lain")
    assert session.log() == []


@pytest.mark.parametrize("what", ["remove", "replace", "add", "withdraw"])
def test_reason_required(demo_store: Store, what: str) -> None:
    session = _start(demo_store, S1)
    with pytest.raises(InvalidInputError, match="reason is required"):
        if what == "remove":
            session.remove(S1, "prosedur/1", by=ACTOR, reason=" ")
        elif what == "replace":
            session.replace(S1, "prosedur/1", text="Teks baru.", by=ACTOR, reason="")
        elif what == "add":
            session.add(S1, after="prosedur/1", text="Teks baru.", by=ACTOR, reason="")
        else:
            session.outcome(S1, "withdraw", by=ACTOR)


def test_bad_input_refused(demo_store: Store) -> None:
    session = _start(demo_store, S1, S2)
    with pytest.raises(InvalidInputError, match="invalid session id"):
        Review.open(demo_store, "../etc")
    with pytest.raises(NotFoundError, match="no review session"):
        Review.open(demo_store, "R-20260101-ABCD")
    with pytest.raises(NotFoundError, match="no item prosedur/99"):
        session.keep(S1, "prosedur/99", by=ACTOR)
    with pytest.raises(InvalidInputError, match="invalid item key"):
        session.keep(S1, "--all", by=ACTOR)
    with pytest.raises(NotFoundError, match="does not review"):
        session.keep(S4, "prosedur/1", by=ACTOR)
    with pytest.raises(InvalidInputError, match="same as the current text"):
        session.replace(
            S1, "prosedur/1", text=demo_store.get(S1).document.item("prosedur/1").text, by=ACTOR, reason="x"
        )
    with pytest.raises(InvalidInputError, match="table row must be one line"):
        session.add(S2, after="prosedur/1", text="1 | Satu\n2 | Dua", by=ACTOR, reason="x")
    with pytest.raises(InvalidInputError, match="--after ITEM_KEY or --section"):
        session.add(S1, text="Satu.", by=ACTOR, reason="x")
    with pytest.raises(InvalidInputError, match="missing: "):
        session.evaluate(S1, answers={"drives_performance": True}, by=ACTOR)
    with pytest.raises(RefusedError, match="already exists"):
        session.propose(demo_store.get(S3).document, by=ACTOR)
    with pytest.raises(InvalidInputError, match="team"):
        Review.start(demo_store, [S1], team={}, ref="SK", by=ACTOR)
    assert session.log() == []


def test_start_refuses_withdrawn_sop(demo_store: Store) -> None:
    session = _start(demo_store, S2)
    session.outcome(S2, "withdraw", by=ACTOR, reason="usang")
    session.approve(by="kepala")
    with pytest.raises(RefusedError, match="withdrawn"):
        _start(demo_store, S2)


def test_approval_refusals_write_nothing(demo_store: Store, tmp_path: Path) -> None:
    session = _start(demo_store, S1, S4)
    head = demo_store.head()
    with pytest.raises(RefusedError, match=f"no outcome for {S1}, {S4}"):
        session.approve(by="kepala")
    session.outcome(S1, "revise", by=ACTOR)
    session.outcome(S4, "keep", by=ACTOR)
    session.remove(S1, "prosedur/2", by=ACTOR, reason="x")
    with pytest.raises(
        RefusedError, match="undecided items: KPU-NTB-SOP-01 tujuan/1, KPU-NTB-SOP-01 prosedur/1,"
    ):
        session.approve(by="kepala")
    session.keep_rest(S1, by=ACTOR)
    session.remove(S4, "prosedur/1", by=ACTOR, reason="x")
    with pytest.raises(RefusedError, match="outcome keep but remove"):
        session.approve(by="kepala")
    session.keep(S4, "prosedur/1", by=ACTOR)
    # someone saves a new version of a pinned SOP meanwhile
    demo_store.update(demo_store.get(S4).text + "\nCatatan tambahan.\n", by=ACTOR, message="langsung")
    head = demo_store.head()
    with pytest.raises(RefusedError, match="KPU-NTB-SOP-04 \\(pinned v1, now v2\\)"):
        session.approve(by="kepala")
    assert demo_store.head() == head and demo_store.get(S1).version == 1
    assert session.header().status == "open"


def test_revise_without_change_refused(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    session.outcome(S4, "revise", by=ACTOR)
    session.keep_rest(S4, by=ACTOR)
    with pytest.raises(RefusedError, match="every item is kept"):
        session.approve(by="kepala")
    with pytest.raises(InvalidInputError, match="effective-date"):
        session.approve(by="kepala", effective_date="2026-13-01")


def test_closed_session_refuses_everything(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    session.outcome(S4, "keep", by=ACTOR)
    session.approve(by="kepala")
    with pytest.raises(RefusedError, match="is approved"):
        session.approve(by="kepala")
    with pytest.raises(RefusedError, match="is approved"):
        session.abandon(by=ACTOR)


# -- two processes at once -------------------------------------------------------------------

WORKER = """
import sys, time
from pathlib import Path
from soplib import Review, Store
store_path, session_id, who, parity, go = sys.argv[1:]
while not Path(go).exists():
    time.sleep(0.001)
store = Store.open(store_path)
session = Review.open(store, session_id)
for n in range(1, 25):
    if n % 2 == int(parity):
        session.keep("BIG-01", f"prosedur/{n}", by=who)
store.close()
"""


def test_two_processes_deciding_at_once_lose_nothing(store: Store, tmp_path: Path) -> None:
    body = "---\nid: BIG-01\ntitle: Banyak langkah\n---\n# Prosedur\n\n" + "".join(
        f"{n}. Langkah nomor {n}.\n" for n in range(1, 25)
    )
    store.add([load(write_sop(tmp_path, "BIG-01", body=body))], by=ACTOR)
    session = Review.start(store, ["BIG-01"], team={"ani": "chair", "budi": "member"}, ref="SK", by=ACTOR)
    go = tmp_path / "go"
    script = textwrap.dedent(WORKER)
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(store.path), session.id, who, parity, str(go)])
        for who, parity in (("ani", "0"), ("budi", "1"))
    ]
    go.touch()
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    log = session.log()
    assert [e.seq for e in log] == list(range(1, 25))
    assert {e.by for e in log} == {"ani", "budi"}
    assert session.undecided("BIG-01") == []


def test_the_api_script_in_the_docs_runs(capsys: pytest.CaptureFixture[str]) -> None:
    text = (Path(__file__).parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    section = text[text.index("## Review sessions") :]
    code = section[section.index("```python\n") + 10 : section.index("```\n", section.index("```python"))]
    namespace: dict[str, object] = {}
    exec(compile(code, "docs/api.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "KPU-NTB-SOP-01 revise 9 ()" in out and "{'KPU-NTB-SOP-01': 2, 'KPU-NTB-SOP-05': 1}" in out
    namespace["store"].close()


def test_retract_an_addition_and_a_proposal(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    added = session.add(
        S4, after="prosedur/4", text="Pengelola BMN mengarsipkan formulir.", by=ACTOR, reason="x"
    )
    proposed = session.propose(parse(NEW_SOP), by=ACTOR)
    assert session.diff(S4)[0].counts()["added"] == 1
    session.retract(added.seq, by="budi", reason="sudah tercakup di langkah 4")
    session.retract(proposed.seq, by="budi", reason="ditunda")
    assert session.diff(S4)[0].counts()["added"] == 0
    assert [s.sop for s in session.status()] == [S4]
    with pytest.raises(NotFoundError, match=f"no addition or proposal #{added.seq}"):
        session.retract(added.seq, by=ACTOR, reason="lagi")
    with pytest.raises(InvalidInputError, match="reason is required"):
        session.retract(1, by=ACTOR, reason="")
    assert [e.type for e in session.log()] == ["add", "proposal", "retract", "retract"]


def test_editorial_only_for_revised_sops(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    session.outcome(S4, "keep", by=ACTOR)
    with pytest.raises(InvalidInputError, match="only a revised SOP"):
        session.approve(by="kepala", editorial={S4: "redaksi"})


def test_title_and_ref_cannot_forge_commit_trailers(demo_store: Store) -> None:
    session = Review.start(
        demo_store, [S4], team=TEAM, ref="SK 1\nSop-Action: approve", title="Judul\n\nSop-Actor: x", by=ACTOR
    )
    header = session.header()
    assert header.title == "Judul Sop-Actor: x" and header.ref == "SK 1 Sop-Action: approve"
    msg = subprocess.run(
        ["git", "--git-dir", str(demo_store.path), "log", "-1", "--format=%B"], capture_output=True, text=True
    ).stdout
    assert msg.splitlines()[0] == f"Start review {session.id}: Judul Sop-Actor: x"
    assert [line for line in msg.splitlines() if line.startswith("Sop-Actor:")] == [f"Sop-Actor: {ACTOR}"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    actions=st.lists(st.sampled_from(["keep", "remove", "replace"]), min_size=4, max_size=4),
    adds=st.lists(st.integers(min_value=0, max_value=4), max_size=3),
)
def test_session_diff_agrees_with_its_decisions(
    tmp_path_factory: pytest.TempPathFactory, actions: list[str], adds: list[int]
) -> None:
    with Store.init(tmp_path_factory.mktemp("prop") / "store") as store:
        store.add([load(demo_files()[3])], by=ACTOR)  # KPU-NTB-SOP-04: four steps
        session = _start(store, S4)
        doc = store.get(S4).document
        for n, where in enumerate(adds):
            text = f"Tambahan nomor {n} dicatat petugas piket."
            if where == 0:
                session.add(S4, section="prosedur", text=text, by=ACTOR, reason="x")
            else:
                session.add(S4, after=f"prosedur/{where}", text=text, by=ACTOR, reason="x")
        expected = {}
        for item, action in zip(doc.items, actions, strict=True):
            if action == "keep":
                session.keep(S4, item.key, by=ACTOR)
                expected[item.key] = "kept"
            elif action == "remove":
                if len(expected) == 3 and set(expected.values()) == {"removed"} and not adds:
                    with pytest.raises(RefusedError, match="every step of KPU-NTB-SOP-04 would be removed"):
                        session.remove(S4, item.key, by=ACTOR, reason="x")
                    return
                session.remove(S4, item.key, by=ACTOR, reason="x")
                expected[item.key] = "removed"
            else:
                session.replace(S4, item.key, text=item.text[:-1] + " segera.", by=ACTOR, reason="x")
                expected[item.key] = "changed"
        (d,) = session.diff(S4)
        assert {c.old_key: c.status for c in d.items if c.old_key} == expected
        assert d.counts()["added"] == len(adds)
        session.outcome(S4, "revise", by=ACTOR)
        if all(a == "keep" for a in actions) and not adds:
            return
        session.approve(by="kepala")
        counts = store.info(S4).latest.meta["decisions"]
        assert counts == {
            "kept": actions.count("keep"),
            "removed": actions.count("remove"),
            "replaced": actions.count("replace"),
            "added": len(adds),
        }
        assert store.get(S4).text == session.preview(S4).text


def test_removing_every_step_is_refused(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    for n in (1, 2, 3):
        session.remove(S4, f"prosedur/{n}", by=ACTOR, reason="x")
    with pytest.raises(RefusedError, match="record outcome withdraw instead"):
        session.remove(S4, "prosedur/4", by=ACTOR, reason="x")
    session.add(S4, after="prosedur/4", text="Langkah pengganti.", by=ACTOR, reason="x")
    session.remove(S4, "prosedur/4", by=ACTOR, reason="x")  # with a new step, allowed
    assert [c.status for c in session.diff(S4)[0].items] == ["removed"] * 4 + ["added"]


def test_approval_refused_when_a_proposed_sop_appeared_meanwhile(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    session.outcome(S4, "keep", by=ACTOR)
    session.propose(parse(NEW_SOP), by=ACTOR)
    demo_store.add([parse(NEW_SOP)], by=ACTOR)
    head = demo_store.head()
    with pytest.raises(RefusedError, match="proposed SOP KPU-NTB-SOP-05 now exists"):
        session.approve(by="kepala")
    assert demo_store.head() == head
