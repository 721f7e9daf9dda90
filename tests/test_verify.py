"""`sop audit verify`: a clean store verifies; every tamper made with plain git is found."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ACTOR, CliRun, write_sop

from soplib import Store, StoreError, load
from soplib.anchor import anchor
from soplib.verify import verify

SOP = "KPU-NTB-SOP-01"
MALLORY = {
    "GIT_AUTHOR_NAME": "mallory",
    "GIT_AUTHOR_EMAIL": "mallory@example.org",
    "GIT_COMMITTER_NAME": "mallory",
    "GIT_COMMITTER_EMAIL": "mallory@example.org",
}


def git(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, input: str | None = None
) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **MALLORY, **(env or {})},
        capture_output=True,
        text=True,
        input=input,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def plain_commit(store_path: Path, tmp_path: Path, edit: Callable[[Path], None], message: str) -> None:
    """Clone the bare store, change files with `edit`, commit and push with plain git."""
    work = tmp_path / "clone"
    git("clone", "-q", str(store_path), str(work))
    edit(work)
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", message, cwd=work)
    git("push", "-q", "origin", "HEAD:main", cwd=work)


def kinds(store_path: Path, **kwargs: object) -> set[str]:
    with Store.open(store_path) as s:
        report = verify(s, **kwargs)
    return {f.kind for f in report.findings}


@pytest.fixture
def history(demo_store: Store) -> Store:
    """The demo SOPs, with a second version of one of them."""
    text = demo_store.text(SOP).decode().replace("secara langsung", "secara langsung atau daring")
    demo_store.update(text, by=ACTOR, message="Permohonan daring")
    return demo_store


def test_clean_store_verifies(history: Store, cli: CliRun) -> None:
    report = verify(history)
    assert report.ok, report.findings
    assert (report.sops, report.versions, report.commits) == (4, 5, 3)
    r = cli("audit", "verify")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("verified: 3 commits, 4 SOPs, 5 versions")
    data = json.loads(cli("audit", "verify", "--json").output)
    assert data["ok"] is True and data["findings"] == [] and data["head"] == history.head()


def test_record_edited_by_plain_git_commit(
    history: Store, store_path: Path, tmp_path: Path, cli: CliRun
) -> None:
    def edit(work: Path) -> None:
        record = work / "sops" / f"{SOP}.json"
        data = json.loads(record.read_text())
        data["versions"][0]["by"] = "someone.else"
        record.write_text(json.dumps(data))

    plain_commit(store_path, tmp_path, edit, "fix record")
    assert "foreign-commit" in kinds(store_path)
    r = cli("audit", "verify")
    assert r.exit_code == 1
    assert "foreign-commit" in r.output and f"sops/{SOP}.json" in r.output and "mallory" in r.output
    assert "error: the store did not verify" in r.output
    data = json.loads(cli("audit", "verify", "--json").output)
    assert data["ok"] is False and any(f["kind"] == "foreign-commit" for f in data["findings"])


def test_record_deleted_by_plain_git_commit(history: Store, store_path: Path, tmp_path: Path) -> None:
    plain_commit(store_path, tmp_path, lambda w: (w / "sops" / f"{SOP}.json").unlink(), "drop record")
    assert kinds(store_path) == {"foreign-commit", "record-missing"}


SOPLIB_LOOK = {
    "GIT_AUTHOR_NAME": ACTOR,
    "GIT_AUTHOR_EMAIL": f"{ACTOR}@sop.invalid",
    "GIT_COMMITTER_NAME": "soplib",
    "GIT_COMMITTER_EMAIL": "soplib@sop.invalid",
}


def forge(store_path: Path, tmp_path: Path, path: str, content: str, message: str) -> None:
    """Commit one changed file on main with plumbing (a scratch index), dressed as soplib's commit."""
    gd = ["--git-dir", str(store_path)]
    env = {**SOPLIB_LOOK, "GIT_INDEX_FILE": str(tmp_path / "scratch-index")}
    head = git(*gd, "rev-parse", "main")
    git(*gd, "read-tree", "main", env=env)
    blob = git(*gd, "hash-object", "-w", "--stdin", input=content)
    git(*gd, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
    tree = git(*gd, "write-tree", env=env)
    commit = git(*gd, "commit-tree", tree, "-p", head, env=env, input=message)
    git(*gd, "update-ref", "refs/heads/main", commit, head)


def test_record_rewritten_by_forged_soplib_commit(history: Store, store_path: Path, tmp_path: Path) -> None:
    """Plumbing commands imitating soplib's commit (trailers, committer) still cannot rewrite a version."""
    record = json.loads(history.snapshot().read(f"sops/{SOP}.json"))
    record["versions"][0]["meta"]["effective_date"] = "2020-01-01"
    # It even claims the SOP (as a withdrawal would), so only the record's content betrays it.
    message = f"Withdraw {SOP}\n\nSop-Actor: {ACTOR}\nSop-Action: withdraw\nSop-Withdrawn: {SOP} 2\n"
    forge(store_path, tmp_path, f"sops/{SOP}.json", json.dumps(record), message)
    found = kinds(store_path)
    assert "foreign-commit" not in found
    assert "record-rewritten" in found


def test_deleted_and_moved_tags(history: Store, store_path: Path, cli: CliRun) -> None:
    gd = ["--git-dir", str(store_path)]
    git(*gd, "tag", "-d", "sop/KPU-NTB-SOP-02/v1")
    git(*gd, "tag", "-f", f"sop/{SOP}/v1", "main")
    with Store.open(store_path) as s:
        findings = verify(s).findings
    by_kind = {(f.kind, f.subject) for f in findings}
    assert ("tag-missing", "sop/KPU-NTB-SOP-02/v1") in by_kind
    assert ("tag-moved", f"sop/{SOP}/v1") in by_kind
    assert cli("audit", "verify").exit_code == 1


def test_extra_tag_in_soplib_namespace(history: Store, store_path: Path) -> None:
    git("--git-dir", str(store_path), "tag", f"sop/{SOP}/v9", "main")
    assert kinds(store_path) == {"tag-extra"}


def test_approved_sop_file_changed_by_plain_git(history: Store, store_path: Path, tmp_path: Path) -> None:
    def edit(work: Path) -> None:
        path = work / "sops" / f"{SOP}.md"
        path.write_text(path.read_text().replace("10 hari kerja", "30 hari kerja"))

    plain_commit(store_path, tmp_path, edit, "typo")
    found = kinds(store_path)
    assert {"foreign-commit", "text-changed"} <= found


def test_forged_commit_changing_sop_text_is_unclaimed(
    history: Store, store_path: Path, tmp_path: Path
) -> None:
    """Even with soplib's trailers, a commit that changes an SOP file must record a version."""
    forge(store_path, tmp_path, f"sops/{SOP}.md", "---\nid: X\n---\nchanged\n", f"x\n\nSop-Actor: {ACTOR}\n")
    assert {"unclaimed-change", "text-changed"} <= kinds(store_path)


def test_forged_commit_changing_an_anchor(history: Store, store_path: Path, tmp_path: Path) -> None:
    first = anchor(history, by=ACTOR)
    record = json.loads(history.snapshot().read("audit/anchors/000001.json"))
    record["head"] = first.commit
    forge(store_path, tmp_path, "audit/anchors/000001.json", json.dumps(record), f"x\n\nSop-Actor: {ACTOR}\n")
    assert kinds(store_path) == {"anchor-changed"}


def test_history_rewritten_after_anchor(
    history: Store, store_path: Path, tmp_path: Path, cli: CliRun
) -> None:
    r = cli("audit", "anchor", "--by", ACTOR, "--out", str(tmp_path / "receipt.json"))
    assert r.exit_code == 0, r.output
    receipt = json.loads((tmp_path / "receipt.json").read_text())
    assert receipt["head"] != receipt["commit"] and receipt["tag"] == "audit/anchor-1"
    assert verify(history).ok
    # Reset main to before the anchor, then write again: git fsck stays clean.
    gd = ["--git-dir", str(store_path)]
    git(*gd, "update-ref", "refs/heads/main", git(*gd, "rev-parse", "main~2"))
    with Store.open(store_path) as s:
        s.add([write_sop(tmp_path, "KPU-NEW-01")], by=ACTOR)
    subprocess.run(["git", *gd, "fsck", "--strict"], check=True, capture_output=True)
    found = kinds(store_path)
    assert "history-rewritten" in found
    # A new anchor cannot silently take the old one's place.
    r = cli("audit", "anchor", "--by", ACTOR)
    assert r.exit_code == 1 and "tag audit/anchor-1 already exists" in r.output
    # Deleting the anchor tag as well hides it from the store itself ...
    git(*gd, "tag", "-d", "audit/anchor-1")
    git(*gd, "tag", "-d", f"sop/{SOP}/v2")
    assert kinds(store_path) == set()
    # ... but not from the receipt the office kept outside the store.
    r = cli("audit", "verify", "--receipt", str(tmp_path / "receipt.json"))
    assert r.exit_code == 1 and "history-rewritten" in r.output
    r = cli("audit", "verify", "--head", receipt["head"])
    assert r.exit_code == 1 and "history-rewritten" in r.output


def test_anchor_api_and_numbering(history: Store) -> None:
    a1 = anchor(history, by=ACTOR)
    a2 = anchor(history, by=ACTOR)
    assert (a1.number, a2.number) == (1, 2)
    assert a2.head == a1.commit and history.head() == a2.commit
    report = verify(history, recorded_heads=[a1.commit, a1.head or ""])
    assert report.ok and report.anchors == 2


def test_bad_receipt_and_head_are_one_line_errors(history: Store, cli: CliRun, tmp_path: Path) -> None:
    bad = tmp_path / "r.json"
    bad.write_text("[1, 2]")
    r = cli("audit", "verify", "--receipt", str(bad))
    assert r.exit_code == 1 and "is not an anchor receipt" in r.output and r.output.count("\n") == 1
    r = cli("audit", "verify", "--head", "--upload-pack=x")
    assert r.exit_code == 1 and "invalid commit id" in r.output


def test_fsck_finds_a_missing_object(history: Store, store_path: Path) -> None:
    blob = history.info("KPU-NTB-SOP-02").latest.blob
    (store_path / "objects" / blob[:2] / blob[2:]).unlink()
    found = kinds(store_path)
    assert {"fsck", "content-missing"} <= found


# -- signed stores --------------------------------------------------------------------


def _keygen(path: Path) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "office", "-f", str(path)], check=True
    )
    return path


@pytest.fixture
def signed_store(store_path: Path, tmp_path: Path) -> Path:
    Store.init(store_path).close()
    key = _keygen(tmp_path / "office_key")
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"office@kpu.example {(tmp_path / 'office_key.pub').read_text()}")
    gd = ["--git-dir", str(store_path)]
    for name, value in [
        ("gpg.format", "ssh"),
        ("user.signingKey", str(key)),
        ("commit.gpgSign", "true"),
        ("gpg.ssh.allowedSignersFile", str(allowed)),
    ]:
        git(*gd, "config", name, value)
    with Store.open(store_path) as s:
        s.add([write_sop(tmp_path, "KPU-01"), write_sop(tmp_path, "KPU-02")], by=ACTOR)
        anchor(s, by=ACTOR)
    return store_path


def test_signed_store_verifies(signed_store: Path, cli: CliRun) -> None:
    out = subprocess.run(
        ["git", "--git-dir", str(signed_store), "log", "--format=%G?"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["G", "G", "N"]  # the store's first commit predates the signing set-up
    checked = subprocess.run(
        ["git", "--git-dir", str(signed_store), "verify-commit", "--end-of-options", "main"],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0 and 'Good "git" signature for office@kpu.example' in checked.stderr
    with Store.open(signed_store) as s:
        report = verify(s)
    assert report.ok, report.findings
    assert report.signed_commits == 2
    r = cli("audit", "verify")
    assert r.exit_code == 0 and "2 signed commits" in r.output


def test_unsigned_commit_in_signed_store(signed_store: Path, tmp_path: Path) -> None:
    gd = ["--git-dir", str(signed_store)]
    git(*gd, "config", "--unset", "commit.gpgSign")
    with Store.open(signed_store) as s:
        s.add([write_sop(tmp_path, "KPU-03")], by=ACTOR)
    git(*gd, "config", "commit.gpgSign", "true")
    with Store.open(signed_store) as s:
        findings = verify(s).findings
    assert [f.kind for f in findings] == ["unsigned"]
    assert findings[0].subject == git(*gd, "rev-parse", "main")


def test_commit_signed_by_unknown_key(signed_store: Path, tmp_path: Path) -> None:
    gd = ["--git-dir", str(signed_store)]
    git(*gd, "config", "user.signingKey", str(_keygen(tmp_path / "stranger")))
    with Store.open(signed_store) as s:
        s.add([write_sop(tmp_path, "KPU-03")], by=ACTOR)
    assert kinds(signed_store) == {"unknown-signer"}


def test_unusable_signing_key_writes_nothing(signed_store: Path, tmp_path: Path) -> None:
    gd = ["--git-dir", str(signed_store)]
    head = git(*gd, "rev-parse", "main")
    git(*gd, "config", "user.signingKey", str(tmp_path / "no-such-key"))
    with Store.open(signed_store) as s, pytest.raises(StoreError, match="cannot sign the commit"):
        s.add([load(write_sop(tmp_path, "KPU-03"))], by=ACTOR)
    assert git(*gd, "rev-parse", "main") == head


def test_demo_ends_with_an_anchor_and_a_verified_store(tmp_path: Path) -> None:
    sop = Path(sys.executable).parent / "sop"
    done = subprocess.run([str(sop), "demo", "--dir", str(tmp_path / "demo")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "audit anchor 1 recorded head" in done.stdout
    assert "sop audit verify: verified" in done.stdout
    report = tmp_path / "audit-report.html"
    assert f"audit report written to {report}" in done.stdout
    assert "<h1>SOP audit report</h1>" in report.read_text(encoding="utf-8")
    again = subprocess.run(
        [str(sop), "--store", str(tmp_path / "demo"), "audit", "verify"], capture_output=True, text=True
    )
    assert again.returncode == 0 and again.stdout.startswith("verified:")


def test_auditor_checks_with_their_own_allowed_signers(
    signed_store: Path, tmp_path: Path, cli: CliRun
) -> None:
    # The store's own config is controlled by whoever controls the repository;
    # an auditor's copy of the allowed signers that lacks the key rejects it.
    other = tmp_path / "auditor_allowed"
    other.write_text(f"auditor@kpu.example {(_keygen(tmp_path / 'auditor').with_suffix('.pub')).read_text()}")
    r = cli("audit", "verify", "--allowed-signers", str(other), "--json")
    assert r.exit_code == 1
    assert {f["kind"] for f in json.loads(r.output)["findings"]} == {"unknown-signer"}
    r = cli("audit", "verify", "--allowed-signers", str(tmp_path / "allowed_signers"), "--require-signatures")
    assert r.exit_code == 0, r.output
    r = cli("audit", "verify", "--allowed-signers", str(tmp_path / "missing"))
    assert r.exit_code == 1 and "allowed signers file" in r.output


def test_required_signatures_on_an_unsigned_store(history: Store, tmp_path: Path, cli: CliRun) -> None:
    allowed = tmp_path / "allowed"
    allowed.write_text(f"office@kpu.example {_keygen(tmp_path / 'k').with_suffix('.pub').read_text()}")
    assert cli("audit", "verify", "--allowed-signers", str(allowed)).exit_code == 0
    r = cli("audit", "verify", "--allowed-signers", str(allowed), "--require-signatures")
    assert r.exit_code == 1 and "no commit on main has a good signature" in r.output


def test_anchor_receipt_is_never_overwritten(history: Store, tmp_path: Path, cli: CliRun) -> None:
    receipt = tmp_path / "receipt.json"
    assert cli("audit", "anchor", "--by", ACTOR, "--out", str(receipt)).exit_code == 0
    kept = receipt.read_text()
    head = history.head()
    r = cli("audit", "anchor", "--by", ACTOR, "--out", str(receipt))
    assert r.exit_code == 1 and "exists" in r.output
    assert receipt.read_text() == kept and history.head() == head
    r = cli("audit", "anchor", "--by", ACTOR, "--out", str(tmp_path / "no" / "such" / "dir.json"))
    assert r.exit_code == 1 and history.head() == head


def test_git_gc_is_not_a_finding(history: Store, store_path: Path) -> None:
    anchor(history, by=ACTOR)
    git("--git-dir", str(store_path), "gc", "-q")  # packs objects and refs (tags into packed-refs)
    assert (store_path / "packed-refs").read_text().count("refs/tags/") == 6
    assert kinds(store_path) == set()
    git("--git-dir", str(store_path), "tag", "-d", "audit/anchor-1")
    assert kinds(store_path) == {"tag-missing"}


ACK_STAFF = (
    "id,name,unit,position\n"
    "198001012005011001,Ani,Sekretariat,Kepala\n"
    "198202022006042002,Budi,Sekretariat,Staf\n"
)


@pytest.fixture
def acked(history: Store) -> Store:
    from soplib import acknowledge, import_staff

    import_staff(history, ACK_STAFF.encode(), by=ACTOR)
    acknowledge(history, "198001012005011001", SOP, by=ACTOR)
    acknowledge(history, "198202022006042002", SOP, by=ACTOR)
    return history


def _segment(work: Path) -> Path:
    return next((work / "acks" / SOP).glob("v*/*.tsv"))


def test_ack_record_edited_by_plain_git(acked: Store, store_path: Path, tmp_path: Path, cli: CliRun) -> None:
    clean = verify(acked)
    assert clean.ok and clean.acknowledgements == 2 and "check_acks" in clean.checks
    assert "2 acknowledgements" in cli("audit", "verify").output

    def edit(work: Path) -> None:
        seg = _segment(work)
        seg.write_text(seg.read_text().replace("\tread\t", "\tbriefing-x\t", 1))

    plain_commit(store_path, tmp_path, edit, "fix an ack")
    assert {"foreign-commit", "ack-altered"} <= kinds(store_path)
    r = cli("audit", "verify", "--json")
    assert r.exit_code == 1
    found = json.loads(r.output)["findings"]
    assert any(f["kind"] == "ack-altered" and f["subject"] == "ack 1" for f in found)


def test_ack_record_deleted_by_plain_git(acked: Store, store_path: Path, tmp_path: Path) -> None:
    def edit(work: Path) -> None:
        seg = _segment(work)
        seg.write_text(seg.read_text().splitlines(keepends=True)[1])
        ids = seg.with_suffix(".ids")
        ids.write_text(ids.read_text().splitlines(keepends=True)[1])

    plain_commit(store_path, tmp_path, edit, "drop an ack")
    assert {"foreign-commit", "ack-deleted"} <= kinds(store_path)
