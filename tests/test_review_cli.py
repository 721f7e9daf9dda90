"""`sop review ...` end to end: a whole review, the interactive walk, refusals as one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from conftest import ACTOR, HEAD, HEAD_ROW, CliRun

from soplib import Store

S1, S2, S3 = "KPU-NTB-SOP-01", "KPU-NTB-SOP-02", "KPU-NTB-SOP-03"
ANSWERS = [
    "--drives-performance", "yes", "--easy-to-understand", "yes", "--easy-to-carry-out", "no",
    "--roles-clear", "yes", "--solves-problems", "yes", "--meets-needs", "yes", "--fits-other-sops", "yes",
]  # fmt: skip


@pytest.fixture
def demo_store(demo_store: Store) -> Store:
    """The demo SOPs with the head of office registered: an approver must be registered staff."""
    demo_store.staff.import_csv(("id,name,unit,position\n" + HEAD_ROW).encode(), by=ACTOR)
    return demo_store


def _ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def _fails(result: Result, text: str) -> None:
    out = result.output
    assert result.exit_code == 1, out
    assert out.startswith("error: ") and out.count("\n") == 1 and text in out, out


def _usage(result: Result, text: str) -> None:
    assert result.exit_code == 2 and "Usage:" in result.output and text in result.output, result.output
    assert "Traceback" not in result.output


def _start(cli: CliRun, *ids: str) -> str:
    out = _ok(
        cli(
            "review",
            "start",
            *ids,
            "--team",
            f"{ACTOR}:chair,budi",
            "--ref",
            "BA Pleno 7/2026",
            "--by",
            ACTOR,
        )
    )
    return out.strip()


def test_a_whole_review_through_the_cli(demo_store: Store, cli: CliRun, tmp_path: Path) -> None:
    sid = _start(cli, S1, S2, S3)
    assert sid.startswith("R-")
    _ok(cli("review", "outcome", sid, S1, "revise", "--by", ACTOR))
    _ok(cli("review", "decide", sid, S1, "prosedur/4", "remove", "--reason", "tidak perlu", "--by", "budi"))
    reworded = "Petugas memeriksa identitas dan formulir pemohon."
    _ok(
        cli(
            "review",
            "replace",
            sid,
            S1,
            "prosedur/2",
            "--text",
            reworded,
            "--reason",
            "lengkap",
            "--by",
            "budi",
        )
    )
    _ok(cli("review", "add", sid, S1, "--after", "prosedur/8", "--text", "Petugas mengarsipkan berkas.",
            "--reason", "arsip", "--by", ACTOR))  # fmt: skip
    for key in (
        "tujuan/1",
        "prosedur/1",
        "prosedur/3",
        "prosedur/5",
        "prosedur/6",
        "prosedur/7",
        "prosedur/8",
    ):
        _ok(cli("review", "decide", sid, S1, key, "keep", "--by", ACTOR))
    _ok(cli("review", "outcome", sid, S2, "withdraw", "--reason", "diganti SRIKANDI", "--by", ACTOR))
    _ok(cli("review", "outcome", sid, S3, "keep", "--by", "budi"))
    _ok(
        cli(
            "review",
            "evaluate",
            sid,
            S1,
            *ANSWERS,
            "--note",
            "easy-to-carry-out=terlalu panjang",
            "--by",
            ACTOR,
        )
    )
    new = tmp_path / "baru.md"
    new.write_text(
        "---\nid: KPU-NTB-SOP-09\ntitle: Baru\n---\n# Prosedur\n\n1. Langkah satu.\n", encoding="utf-8"
    )
    _ok(cli("review", "propose", sid, str(new), "--by", "budi"))
    _ok(
        cli(
            "review",
            "add",
            sid,
            S1,
            "--section",
            "prosedur",
            "--text",
            "Salah.",
            "--reason",
            "coba",
            "--by",
            ACTOR,
        )
    )
    seq = json.loads(_ok(cli("review", "log", sid, "--json")))[-1]["seq"]
    assert "retracted" in _ok(cli("review", "retract", sid, str(seq), "--reason", "keliru", "--by", "budi"))

    # The identity part is reviewed too: what is left undecided is exactly its items.
    identity = [i.key for i in demo_store.sops.get(S1).document.identity_items]
    status = json.loads(_ok(cli("review", "status", sid, "--json")))
    rows = {r["sop"]: r for r in status["sops"]}
    assert rows[S1]["undecided"] == identity and rows[S1]["decided"] == 9
    _fails(cli("review", "approve", sid, "--by", HEAD), f"undecided items: {S1} title, {S1} number,")
    walked = _ok(cli("review", "run", sid, S1, "--by", ACTOR, input="k\n" * len(identity)))
    assert "every item of KPU-NTB-SOP-01 is decided" in walked
    status = json.loads(_ok(cli("review", "status", sid, "--json")))
    rows = {r["sop"]: r for r in status["sops"]}
    assert rows[S1]["undecided"] == [] and rows[S1]["decided"] == 9 + len(identity) and rows[S1]["evaluated"]
    assert rows["KPU-NTB-SOP-09"]["proposed"] and status["session"]["ref"] == "BA Pleno 7/2026"
    diff = json.loads(_ok(cli("review", "diff", sid, S1, "--format", "json")))
    assert diff[0]["counts"] == {
        "kept": 7 + len(identity),
        "changed": 1,
        "removed": 1,
        "added": 1,
        "moved": 0,
    }
    assert _ok(cli("review", "diff", sid)).count("(v1 -> review ") == 3
    text = _ok(cli("review", "diff", sid, S1))
    assert (
        "~ prosedur/2: Petugas[- meja layanan-] memeriksa[- kelengkapan-] identitas{+ dan formulir+}" in text
    )
    # The unified diff shows the text approval will store: steps numbered 1..n again.
    uni = _ok(cli("review", "diff", sid, S1, "--format", "unified"))
    assert "-4. Petugas meneruskan" in uni and "+8. Petugas mengarsipkan berkas." in uni
    assert "-5. Kepala Subbagian memeriksa" in uni and "+4. Kepala Subbagian memeriksa" in uni
    page = tmp_path / "review.html"
    _ok(cli("review", "diff", sid, "--format", "html", "-o", str(page)))
    assert "<del> meja layanan</del>" in page.read_text(encoding="utf-8")
    listed = json.loads(_ok(cli("review", "list", "--json")))
    assert [s["id"] for s in listed] == [sid]

    _fails(cli("review", "approve", sid, "--by", "kepala"), "kepala is not an active member of the staff")
    result = json.loads(
        _ok(cli("review", "approve", sid, "--effective-date", "2026-12-01", "--by", HEAD, "--json"))
    )
    assert result["versions"] == {S1: 2, "KPU-NTB-SOP-09": 1} and result["withdrawn"] == [S2]
    hist = json.loads(_ok(cli("history", S1, "--json")))
    assert hist[-1]["session"] == sid and hist[-1]["action"] == "approve"
    assert hist[-1]["approver"] == {
        "id": HEAD, "name": "Drs. H. Lalu Ahmad, M.Si.", "position": "Sekretaris", "unit": "Sekretariat"
    }  # fmt: skip
    assert hist[-1]["effective_date"] == "2026-12-01"
    shown = _ok(cli("show", S1))
    assert "8. Petugas mengarsipkan berkas." in shown and "meneruskan permohonan" not in shown
    assert _ok(cli("show", S1, "--raw")) == demo_store.sops.text(S1).decode()
    log = json.loads(_ok(cli("review", "log", sid, "--json")))
    assert log[-1]["type"] == "approve" and all(e["when"] for e in log)
    assert all(e["when"].endswith("Z") for e in log)
    _fails(cli("review", "approve", sid, "--by", HEAD), "is approved")


def test_the_interactive_walk(demo_store: Store, cli: CliRun) -> None:
    sid = _start(cli, S3)
    identity = [i.key for i in demo_store.sops.get(S3).document.identity_items]
    assert identity[:2] == ["title", "number"]
    # The walk starts with the identity part: keep each of its items; then keep step 1,
    # remove 2 (reason), change 3 (text, reason), then quit.
    answers = "k\n" * len(identity)
    answers += "k\nr\ntidak perlu\nc\nKepala Subbagian memverifikasi hasil pencocokan.\nlebih tegas\nq\n"
    out = _ok(cli("review", "run", sid, S3, "--by", "budi", input=answers))
    assert "outcome of KPU-NTB-SOP-03 set to revise" in out
    assert "  > title: Pemutakhiran Data Pemilih Berkelanjutan" in out
    assert out.index("  > title: ") < out.index("  > prosedur/1: ")
    assert (
        "  > prosedur/1: Operator menerima data pemilih" in out
        and "    prosedur/2: Operator mencocokkan" in out
    )
    assert "2 item(s) still undecided; run again to resume: prosedur/4 prosedur/5" in out
    session = demo_store.reviews.get(sid)
    assert [(e.key, e.action) for e in session.log() if e.type == "decision"] == [
        *((key, "keep") for key in identity),
        ("prosedur/1", "keep"),
        ("prosedur/2", "remove"),
        ("prosedur/3", "replace"),
    ]
    # resume: an empty answer shows the help, a skip leaves prosedur/4, add after 5 then keep 5
    answers = "\ns\na\nOperator mengarsipkan berita acara.\n\narsip\nk\n"
    out = _ok(cli("review", "run", sid, S3, "--by", "budi", input=answers))
    assert "s - skip" in out and "(required)" in out and "prosedur/4" in out.splitlines()[-1]
    assert session.undecided(S3) == ["prosedur/4"]
    out = _ok(cli("review", "run", sid, S3, "--by", "budi", input="k\n"))
    assert "every item of KPU-NTB-SOP-03 is decided" in out
    _ok(cli("review", "approve", sid, "--by", HEAD))
    assert demo_store.sops.get(S3).document.items[-1].text == "Operator mengarsipkan berita acara."


def test_walk_refuses_outsiders_and_kept_sops(demo_store: Store, cli: CliRun) -> None:
    sid = _start(cli, S3)
    _fails(cli("review", "run", sid, S3, "--by", "orang.lain", input="k\n"), "not on the team")
    _ok(cli("review", "outcome", sid, S3, "keep", "--by", ACTOR))
    _fails(cli("review", "run", sid, S3, "--by", ACTOR, input="k\n"), "has outcome keep")


def test_cli_refusals_are_one_line(demo_store: Store, cli: CliRun) -> None:
    sid = _start(cli, S1)
    _fails(cli("review", "decide", sid, S1, "prosedur/1", "keep", "--by", "orang.lain"), "not on the team")
    _fails(cli("review", "decide", sid, S1, "prosedur/1", "remove", "--by", ACTOR), "reason is required")
    _fails(cli("review", "decide", sid, S1, "prosedur/42", "keep", "--by", ACTOR), "no item prosedur/42")
    _fails(cli("review", "status", "R-1"), "invalid session id")
    _fails(cli("review", "approve", sid, "--by", HEAD), f"no outcome for {S1}")
    _ok(cli("review", "outcome", sid, S1, "revise", "--by", ACTOR))
    _fails(cli("review", "approve", sid, "--by", HEAD), f"undecided items: {S1} title, {S1} number")
    _fails(cli("review", "approve", sid, "--by", HEAD), "KPU-NTB-SOP-01 legal_basis/1, ")
    _fails(cli("review", "approve", sid, "--by", HEAD), "KPU-NTB-SOP-01 tujuan/1, KPU-NTB-SOP-01 prosedur/1")
    # A malformed option is a usage error (exit 2) naming the form it expects.
    _usage(cli("review", "approve", sid, "--editorial", "nope", "--by", HEAD), "'nope': use SOP_ID=REASON")
    _fails(
        cli("review", "add", sid, S1, "--text", "x", "--reason", "y", "--by", ACTOR),
        "say where to add: after an item, or at the start of a section",
    )
    _usage(
        cli("review", "evaluate", sid, S1, *ANSWERS, "--note", "bogus=1", "--by", ACTOR),
        "--note 'bogus=1': use CRITERION=TEXT, CRITERION one of drives-performance",
    )
    _usage(
        cli("review", "start", S1, "--team", "a,a", "--ref", "x", "--by", ACTOR), "--team: a is listed twice"
    )
    _fails(
        cli("review", "start", "--team", "a", "--ref", "x", "--by", ACTOR),
        "give the SOP ids to review, or all active SOPs",
    )
    r = cli("review", "evaluate", sid, S1, "--by", ACTOR)
    assert r.exit_code == 2 and "--drives-performance" in r.output
    _ok(cli("review", "abandon", sid, "--by", "budi", "--reason", "ditunda"))
    _fails(cli("review", "outcome", sid, S1, "keep", "--by", ACTOR), "is abandoned")
    table = _ok(cli("review", "list"))
    assert f"{sid}\tabandoned" in table


@pytest.mark.parametrize("fmt", ["text", "json", "html", "unified"])
def test_review_diff_through_the_installed_command(demo_store: Store, store_path: Path, fmt: str) -> None:
    sop = str(Path(sys.executable).parent / "sop")
    run = [sop, "--store", str(store_path)]
    sid = subprocess.run(
        [*run, "review", "start", S1, "--team", ACTOR, "--ref", "SK", "--by", ACTOR],
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(
        [*run, "review", "decide", sid, S1, "prosedur/1", "remove", "--reason", "x", "--by", ACTOR],
        check=True,
    )
    out = subprocess.run(
        [*run, "review", "diff", sid, "--format", fmt], capture_output=True, text=True, check=True
    ).stdout
    assert "Pemohon mengisi formulir" in out
    assert "\x1b[" not in out  # plain when piped


def test_demo_runs_an_approved_review(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from soplib.cli import main

    folder = tmp_path / "demo"
    r = CliRunner().invoke(main, ["demo", "--dir", str(folder)])
    assert r.exit_code == 0, r.output
    with Store.open(folder) as store:
        (header,) = store.reviews.list()
        assert header.status == "approved"
        assert store.sops.get(S1).session == header.id
        assert store.sops.record(S1).latest.meta["decisions"]["added"] == 1
        assert store.sops.get(S1).approver is not None and store.sops.get(S1).approver.name
        assert store.audit.verify().ok


def test_every_review_command_is_documented() -> None:
    from soplib.cli.review import review

    docs = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in review.commands:
        assert f"`sop review {name} " in docs, name


def test_keep_rest_decides_every_undecided_item_in_one_commit(demo_store: Store, cli: CliRun) -> None:
    sid = _start(cli, "KPU-NTB-SOP-04")
    _ok(cli("review", "outcome", sid, "KPU-NTB-SOP-04", "revise", "--by", ACTOR))
    sop = "KPU-NTB-SOP-04"
    _ok(cli("review", "decide", sid, sop, "prosedur/1", "remove", "--reason", "x", "--by", ACTOR))
    before = demo_store.git.head()
    undecided = len(demo_store.reviews[sid].undecided("KPU-NTB-SOP-04"))
    out = _ok(cli("review", "keep-rest", sid, "KPU-NTB-SOP-04", "--by", ACTOR))
    assert out == f"{undecided} items of KPU-NTB-SOP-04 kept\n" and undecided > 1
    session = demo_store.reviews[sid]
    assert session.undecided("KPU-NTB-SOP-04") == []
    assert session.decision("KPU-NTB-SOP-04", "prosedur/1").action == "remove"  # a decision is kept as made
    git = ["git", "--git-dir", str(demo_store.path)]
    listed = subprocess.run([*git, "rev-list", f"{before}..main"], capture_output=True, text=True)
    commits = listed.stdout.split()
    assert len(commits) == 1
    _fails(cli("review", "keep-rest", sid, "KPU-NTB-SOP-04", "--by", ACTOR), "already has a decision")
