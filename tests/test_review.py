"""Review sessions through the Python API: a whole review, every refusal, two processes at once."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import ACTOR, HEAD, HEAD_ROW, write_sop
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soplib import (
    CRITERIA,
    Approver,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    RefusedError,
    Review,
    Store,
    load,
    parse,
)
from soplib.demo_data import sop_files as demo_files

TEAM = {ACTOR: "chair", "budi": "member"}
S1, S2, S3, S4 = "KPU-NTB-SOP-01", "KPU-NTB-SOP-02", "KPU-NTB-SOP-03", "KPU-NTB-SOP-04"
YES = dict.fromkeys(CRITERIA, True)
HEAD_CSV = ("id,name,unit,position\n" + HEAD_ROW).encode()
HEAD_AS_APPROVER = Approver(HEAD, "Drs. H. Lalu Ahmad, M.Si.", "Sekretaris", "Sekretariat")

NEW_SOP = """\
---
id: KPU-NTB-SOP-05
title: Pengelolaan Arsip Inaktif
---
# Prosedur

1. Arsiparis menerima arsip inaktif dari unit kerja.
2. Arsiparis mencatat arsip dalam daftar arsip inaktif.
"""


@pytest.fixture
def demo_store(demo_store: Store) -> Store:
    """The demo SOPs with the head of office registered: an approver must be registered staff."""
    demo_store.staff.import_csv(HEAD_CSV, by=ACTOR)
    return demo_store


def _start(store: Store, *ids: str) -> Review:
    return store.reviews.start(list(ids), team=TEAM, ref="Berita Acara Pleno 12/BA/2026", by=ACTOR)


def identity_count(store: Store, sop_id: str) -> int:
    return len(store.sops.get(sop_id).document.identity_items)


def last_message(store: Store) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(store.path), "log", "-1", "--format=%B"], capture_output=True, text=True
    ).stdout


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
    session.keep_rest(S1, by=ACTOR)  # the identity part's items too
    session.outcome(S2, "withdraw", by=ACTOR, reason="diganti SRIKANDI")
    session.outcome(S3, "keep", by="budi")
    session.evaluate(
        S1, answers={**YES, "easy_to_carry_out": False}, notes={"general": "perlu arsip"}, by=ACTOR
    )
    session.propose(parse(NEW_SOP), by="budi", reason="belum ada SOP arsip")
    assert session.decision(S1, "prosedur/5").action == "remove"
    assert session.decision(S1, "title").action == "keep"
    assert [e.action for e in session.log() if getattr(e, "key", None) == "prosedur/5"] == ["keep", "remove"]
    n_identity = identity_count(demo_store, S1)
    (d1,) = session.diff(S1)
    assert d1.counts() == {"kept": 6 + n_identity, "changed": 1, "removed": 2, "added": 2, "moved": 0}
    preview = session.preview(S1)
    assert "Petugas mengarsipkan berkas." in preview.text
    ev = session.evaluation(S1)
    assert ev is not None and ev.answers == {**YES, "easy_to_carry_out": False}

    result = session.approve(by=HEAD, effective=date(2026, 12, 1), editorial={})
    assert result.versions == {S1: 2, "KPU-NTB-SOP-05": 1}
    assert result.withdrawn == (S2,) and result.kept == (S3,) and result.created == ("KPU-NTB-SOP-05",)
    v2 = demo_store.sops.get(S1)
    assert v2.version == 2 and v2.text == preview.text
    # The approver is frozen into the version as the registry described them at approval.
    assert (v2.approver, v2.session, v2.effective) == (HEAD_AS_APPROVER, session.id, date(2026, 12, 1))
    meta = demo_store.sops.record(S1).latest.meta
    assert meta["decisions"] == {"kept": 6 + n_identity, "removed": 2, "replaced": 1, "added": 2}
    assert [s.status for s in demo_store.sops.list() if s.id == S2] == ["withdrawn"]
    assert demo_store.sops.record(S2).withdrawn["session"] == session.id
    assert demo_store.sops.get(S3).version == 1
    new = demo_store.sops.get("KPU-NTB-SOP-05")
    assert new.session == session.id and new.approver == HEAD_AS_APPROVER
    assert session.header().status == "approved" and session.header().effective_date == date(2026, 12, 1)
    # one commit, linked to the session, with the tags
    msg = last_message(demo_store)
    assert f"Sop-Session: {session.id}" in msg and "Sop-Action: approve" in msg
    assert "Sop-Tag: sop/KPU-NTB-SOP-01/v2" in msg and "Sop-Withdrawn: KPU-NTB-SOP-02 1" in msg
    assert f"Sop-Actor: {HEAD}" in msg and f"Sop-Tag: review/{session.id}" in msg
    assert demo_store.sops.commit_of(S1, 2) == result.commit == demo_store.head()
    # every recording replays to the same commits
    assert demo_store.audit.verify().ok
    # a fresh process sees the same session
    with Store.open(demo_store.path) as again:
        reopened = again.reviews.get(session.id)
        assert len(reopened.log()) == len(session.log())


def test_identity_items_are_decided_like_steps(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    session.outcome(S4, "revise", by=ACTOR)
    assert session.undecided(S4)[:4] == ["title", "number", "unit", "review_interval_months"]
    session.replace(S4, "title", text="Peminjaman dan Pengembalian BMN", by=ACTOR, reason="cakupan")
    session.replace(S4, "review_interval_months", text="12", by=ACTOR, reason="lebih sering")
    session.remove(S4, "equipment/2", by="budi", reason="formulir elektronik")
    session.add(S4, after="equipment/1", text="Aplikasi SIMAK-BMN", by="budi", reason="aplikasi")
    session.add(S4, section="warnings", text="Barang rusak dilaporkan hari itu juga", by=ACTOR, reason="x")
    with pytest.raises(RefusedError, match="undecided items: KPU-NTB-SOP-04 number, KPU-NTB-SOP-04 unit,"):
        session.approve(by=HEAD)
    session.keep_rest(S4, by=ACTOR)
    assert session.undecided(S4) == []
    session.approve(by=HEAD, effective=date(2026, 12, 1))
    front = demo_store.sops.get(S4).document.front
    assert front.title == "Peminjaman dan Pengembalian BMN" and front.review_interval_months == 12
    assert front.equipment == ("Buku inventaris", "Aplikasi SIMAK-BMN")
    assert front.warnings == ("Barang rusak dilaporkan hari itu juga",)
    old = demo_store.sops.get(S4, version=1).document
    assert [i.text for i in demo_store.sops.get(S4).document.body_items] == [i.text for i in old.body_items]
    assert demo_store.audit.verify().ok


def test_editorial_approval_and_all_active(demo_store: Store) -> None:
    session = demo_store.reviews.start(
        all_active=True, team=TEAM, ref="SK 3/2026", by=ACTOR, title="Evaluasi"
    )
    assert set(session.header().pinned) == {S1, S2, S3, S4}
    for sop in (S1, S2, S3):
        session.outcome(sop, "keep", by=ACTOR)
    session.outcome(S4, "revise", by=ACTOR)
    session.replace(
        S4, "prosedur/3", text="Kepala Subbagian menyetujui peminjaman barang.", by=ACTOR, reason="ejaan"
    )
    session.keep_rest(S4, by=ACTOR)
    session.approve(by=HEAD, editorial={S4: "perbaikan redaksi"})
    assert demo_store.sops.record(S4).latest.meta["editorial"] == {"reason": "perbaikan redaksi", "by": HEAD}


def test_abandon(demo_store: Store) -> None:
    session = _start(demo_store, S1)
    session.abandon(by="budi", reason="dijadwalkan ulang")
    assert session.header().status == "abandoned"
    with pytest.raises(RefusedError, match="abandoned"):
        session.outcome(S1, "keep", by=ACTOR)
    assert [h.status for h in demo_store.reviews.list()] == ["abandoned"]


# -- refusals -------------------------------------------------------------------------------


def test_only_team_members_decide(demo_store: Store) -> None:
    session = _start(demo_store, S1)
    with pytest.raises(NotAllowedError, match=r"orang\.lain is not on the team of session"):
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
        demo_store.reviews.get("../etc")
    with pytest.raises(NotFoundError, match="no review session"):
        demo_store.reviews.get("R-20260101-ABCD")
    with pytest.raises(NotFoundError, match="no item prosedur/99"):
        session.keep(S1, "prosedur/99", by=ACTOR)
    with pytest.raises(InvalidInputError, match="invalid item key"):
        session.keep(S1, "--all", by=ACTOR)
    with pytest.raises(NotFoundError, match="does not review"):
        session.keep(S4, "prosedur/1", by=ACTOR)
    with pytest.raises(InvalidInputError, match="same as the current text"):
        session.replace(
            S1,
            "prosedur/1",
            text=demo_store.sops.get(S1).document.item("prosedur/1").text,
            by=ACTOR,
            reason="x",
        )
    with pytest.raises(InvalidInputError, match="a table row is one line"):
        session.add(S2, after="prosedur/1", text="1 | Satu\n2 | Dua", by=ACTOR, reason="x")
    with pytest.raises(
        InvalidInputError, match="say where to add: after an item, or at the start of a section"
    ):
        session.add(S1, text="Satu.", by=ACTOR, reason="x")
    with pytest.raises(InvalidInputError, match="missing: "):
        session.evaluate(S1, answers={"drives_performance": True}, by=ACTOR)
    with pytest.raises(RefusedError, match="already exists"):
        session.propose(demo_store.sops.get(S3).document, by=ACTOR)
    with pytest.raises(InvalidInputError, match="team"):
        demo_store.reviews.start([S1], team={}, ref="SK", by=ACTOR)
    assert session.log() == []


def test_start_refuses_withdrawn_sop(demo_store: Store) -> None:
    session = _start(demo_store, S2)
    session.outcome(S2, "withdraw", by=ACTOR, reason="usang")
    session.approve(by=HEAD)
    with pytest.raises(RefusedError, match="withdrawn"):
        _start(demo_store, S2)


def test_approval_refusals_write_nothing(demo_store: Store, tmp_path: Path) -> None:
    session = _start(demo_store, S1, S4)
    head = demo_store.head()
    with pytest.raises(RefusedError, match=f"no outcome for {S1}, {S4}"):
        session.approve(by=HEAD)
    session.outcome(S1, "revise", by=ACTOR)
    session.outcome(S4, "keep", by=ACTOR)
    session.remove(S1, "prosedur/2", by=ACTOR, reason="x")
    # Every item of a revised SOP needs a decision, the identity part's first.
    undecided = [f"{S1} {i.key}" for i in demo_store.sops.get(S1).document.items if i.key != "prosedur/2"]
    assert undecided[:2] == [f"{S1} title", f"{S1} number"] and f"{S1} tujuan/1" in undecided
    with pytest.raises(RefusedError) as refused:
        session.approve(by=HEAD)
    assert str(refused.value) == f"cannot approve {session.id}: undecided items: {', '.join(undecided)}"
    session.keep_rest(S1, by=ACTOR)
    session.remove(S4, "prosedur/1", by=ACTOR, reason="x")
    with pytest.raises(RefusedError, match="outcome keep but remove"):
        session.approve(by=HEAD)
    session.keep(S4, "prosedur/1", by=ACTOR)
    # someone saves a new version of a pinned SOP meanwhile
    current = demo_store.sops.get(S4)
    demo_store.sops.update(current.text + "\nCatatan tambahan.\n", by=ACTOR, message="langsung", base=1)
    head = demo_store.head()
    with pytest.raises(RefusedError, match="KPU-NTB-SOP-04 \\(pinned v1, now v2\\)"):
        session.approve(by=HEAD)
    assert demo_store.head() == head and demo_store.sops.get(S1).version == 1
    assert session.header().status == "open"


def test_the_approver_must_be_active_registered_staff(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    session.outcome(S4, "keep", by=ACTOR)
    head = demo_store.head()
    with pytest.raises(NotAllowedError, match=r"kepala\.kantor is not an active member of the staff"):
        session.approve(by="kepala.kantor")
    demo_store.staff.deactivate(HEAD, by=ACTOR)
    head = demo_store.head()
    with pytest.raises(NotAllowedError, match=f"{HEAD} is not an active member of the staff registry"):
        session.approve(by=HEAD)
    assert demo_store.head() == head and session.header().status == "open"


def test_once_roles_exist_the_approver_needs_the_approver_role(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    session.outcome(S4, "keep", by=ACTOR)
    demo_store.staff.import_csv(b"id,name,unit,position\nadmin.kpu,Admin,Sekretariat,Pranata\n", by=ACTOR)
    demo_store.grants.grant("admin", "admin.kpu", by="admin.kpu")
    head = demo_store.head()
    with pytest.raises(NotAllowedError, match=r"admin\.kpu may not approve session R-\d{8}-\w{4}: it needs"):
        session.approve(by="admin.kpu")
    with pytest.raises(NotAllowedError, match="needs the approver role"):
        session.approve(by=HEAD)
    assert demo_store.head() == head and session.header().status == "open"
    demo_store.grants.grant("approver", HEAD, by="admin.kpu")
    session.approve(by=HEAD)
    assert session.header().status == "approved" and demo_store.audit.verify().ok


def test_revise_without_change_refused(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    session.outcome(S4, "revise", by=ACTOR)
    session.keep_rest(S4, by=ACTOR)
    with pytest.raises(RefusedError, match="every item is kept"):
        session.approve(by=HEAD)
    # The effective date is a date, never text to guess at (the CLI parses YYYY-MM-DD).
    with pytest.raises(InvalidInputError, match=r"effective must be a datetime\.date, not str"):
        session.approve(by=HEAD, effective="2026-12-01")
    with pytest.raises(InvalidInputError, match=r"effective must be a datetime\.date, not datetime"):
        session.approve(by=HEAD, effective=datetime(2026, 12, 1))


def test_closed_session_refuses_everything(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    session.outcome(S4, "keep", by=ACTOR)
    session.approve(by=HEAD)
    with pytest.raises(RefusedError, match="is approved"):
        session.approve(by=HEAD)
    with pytest.raises(RefusedError, match="is approved"):
        session.abandon(by=ACTOR)


# -- two processes at once -------------------------------------------------------------------

WORKER = """
import sys, time
from pathlib import Path
from soplib import Store
store_path, session_id, who, parity, go = sys.argv[1:]
while not Path(go).exists():
    time.sleep(0.001)
store = Store.open(store_path)
session = store.reviews.get(session_id)
for n in range(1, 25):
    if n % 2 == int(parity):
        session.keep("BIG-01", f"prosedur/{n}", by=who)
store.close()
"""


def test_two_processes_deciding_at_once_lose_nothing(store: Store, tmp_path: Path) -> None:
    body = "---\nid: BIG-01\ntitle: Banyak langkah\n---\n# Prosedur\n\n" + "".join(
        f"{n}. Langkah nomor {n}.\n" for n in range(1, 25)
    )
    store.sops.add([load(write_sop(tmp_path, "BIG-01", body=body))], by=ACTOR)
    session = store.reviews.start(["BIG-01"], team={"ani": "chair", "budi": "member"}, ref="SK", by=ACTOR)
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
    assert session.undecided("BIG-01") == ["title"]  # the workers decided every step, not the title
    assert store.audit.verify().ok


def test_the_review_in_the_docs_api_script_runs(capsys: pytest.CaptureFixture[str]) -> None:
    # docs/api.md walks through a review inside its one runnable script (checked whole by test_api).
    text = (Path(__file__).parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    section = text[text.index("## A runnable script") :]
    code = section[section.index("```python\n") + 10 : section.index("```\n", section.index("```python"))]
    assert "store.reviews.start(" in code and "session.approve(" in code
    namespace: dict[str, object] = {}
    exec(compile(code, "docs/api.md", "exec"), namespace)
    out = capsys.readouterr().out
    versions = re.search(r"^\{'KPU-NTB-SOP-01': 2, 'KPU-NTB-SOP-02': 2\} ([0-9a-f]{40})$", out, re.MULTILINE)
    assert versions, out
    assert "Approver(id='197605142002121003', name='Mars Ansori Wijaya, S.E., M.M.'" in out


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
        session.approve(by=HEAD, editorial={S4: "redaksi"})


def test_title_and_ref_cannot_forge_commit_trailers(demo_store: Store) -> None:
    session = demo_store.reviews.start(
        [S4], team=TEAM, ref="SK 1\nSop-Action: approve", title="Judul\n\nSop-Actor: x", by=ACTOR
    )
    header = session.header()
    assert header.title == "Judul Sop-Actor: x" and header.ref == "SK 1 Sop-Action: approve"
    msg = last_message(demo_store)
    assert msg.splitlines()[0] == f"Start review {session.id}: Judul Sop-Actor: x"
    assert [line for line in msg.splitlines() if line.startswith("Sop-Actor:")] == [f"Sop-Actor: {ACTOR}"]
    assert [line for line in msg.splitlines() if line.startswith("Sop-Action:")] == [
        "Sop-Action: review-start"
    ]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    actions=st.lists(st.sampled_from(["keep", "remove", "replace"]), min_size=4, max_size=4),
    adds=st.lists(st.integers(min_value=0, max_value=4), max_size=3),
)
def test_session_diff_agrees_with_its_decisions(
    tmp_path_factory: pytest.TempPathFactory, actions: list[str], adds: list[int]
) -> None:
    with Store.init(tmp_path_factory.mktemp("prop") / "store") as store:
        store.sops.add([load(demo_files()[3])], by=ACTOR)  # KPU-NTB-SOP-04: four steps
        store.staff.import_csv(HEAD_CSV, by=ACTOR)
        session = _start(store, S4)
        doc = store.sops.get(S4).document
        for n, where in enumerate(adds):
            text = f"Tambahan nomor {n} dicatat petugas piket."
            if where == 0:
                session.add(S4, section="prosedur", text=text, by=ACTOR, reason="x")
            else:
                session.add(S4, after=f"prosedur/{where}", text=text, by=ACTOR, reason="x")
        expected = {i.key: "kept" for i in doc.identity_items}  # decided keep below, by keep_rest
        for item, action in zip(doc.body_items, actions, strict=True):
            if action == "keep":
                session.keep(S4, item.key, by=ACTOR)
                expected[item.key] = "kept"
            elif action == "remove":
                body = [v for k, v in expected.items() if k.startswith("prosedur/")]
                if len(body) == 3 and set(body) == {"removed"} and not adds:
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
        session.keep_rest(S4, by=ACTOR)
        if all(a == "keep" for a in actions) and not adds:
            return
        session.approve(by=HEAD)
        counts = store.sops.record(S4).latest.meta["decisions"]
        assert counts == {
            "kept": actions.count("keep") + len(doc.identity_items),
            "removed": actions.count("remove"),
            "replaced": actions.count("replace"),
            "added": len(adds),
        }
        assert store.sops.get(S4).text == session.preview(S4).text


def test_removing_every_step_is_refused(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    for n in (1, 2, 3):
        session.remove(S4, f"prosedur/{n}", by=ACTOR, reason="x")
    with pytest.raises(RefusedError, match="record outcome withdraw instead"):
        session.remove(S4, "prosedur/4", by=ACTOR, reason="x")
    session.add(S4, after="prosedur/4", text="Langkah pengganti.", by=ACTOR, reason="x")
    session.remove(S4, "prosedur/4", by=ACTOR, reason="x")  # with a new step, allowed
    kept = ["kept"] * identity_count(demo_store, S4)  # the identity part comes first, untouched
    assert [c.status for c in session.diff(S4)[0].items] == kept + ["removed"] * 4 + ["added"]


def test_approval_refused_when_a_proposed_sop_appeared_meanwhile(demo_store: Store) -> None:
    session = _start(demo_store, S4)
    session.outcome(S4, "keep", by=ACTOR)
    session.propose(parse(NEW_SOP), by=ACTOR)
    demo_store.sops.add([parse(NEW_SOP)], by=ACTOR)
    head = demo_store.head()
    with pytest.raises(RefusedError, match="proposed SOP KPU-NTB-SOP-05 now exists"):
        session.approve(by=HEAD)
    assert demo_store.head() == head
