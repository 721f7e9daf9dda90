"""`sop audit verify`: a clean store verifies; every tamper made with plain git is found.

Every commit carries the operation it performed, and verification replays it on
the parent: a commit written by hand is ``foreign-commit``; one dressed as
soplib's is caught by what its operation does (``operation-unreadable``,
``rule-broken``, ``commit-mismatch``, ``message-mismatch``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import ACTOR, BUDI, CliRun, Clock, write_sop

from soplib import SopError, Store, StoreError, load
from soplib.audit.anchors import RecordAnchor

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


def kinds(store_path: Path, *, allowed_signers: Path | None = None) -> set[str]:
    with Store.open(store_path) as s:
        report = s.audit.verify(allowed_signers=allowed_signers)
    return {f.kind for f in report.findings}


@pytest.fixture
def history(demo_store: Store) -> Store:
    """The demo SOPs, with a second version of one of them."""
    text = demo_store.sops.text(SOP).decode().replace("secara langsung", "secara langsung atau daring")
    demo_store.sops.update(text, by=ACTOR, message="Permohonan daring", base=1)
    return demo_store


def test_clean_store_verifies(history: Store, cli: CliRun) -> None:
    report = history.audit.verify()
    assert report.ok, report.findings
    # The store's first commit, the four SOPs, the update: every one replayed.
    assert (report.sops, report.versions, report.commits, report.replayed) == (4, 5, 3, 3)
    r = cli("audit", "verify")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("verified: 3 commits (3 replayed), 4 SOPs, 5 versions")
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


def changed_tree(store_path: Path, tmp_path: Path, base: str, path: str, content: str) -> str:
    """The tree of commit ``base`` with one file replaced (plumbing, a scratch index)."""
    gd = ["--git-dir", str(store_path)]
    env = {"GIT_INDEX_FILE": str(tmp_path / "scratch-index")}
    git(*gd, "read-tree", base, env=env)
    blob = git(*gd, "hash-object", "-w", "--stdin", input=content)
    git(*gd, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
    return git(*gd, "write-tree", env=env)


def forge(store_path: Path, tmp_path: Path, path: str, content: str, message: str) -> None:
    """Commit one changed file on main with plumbing (a scratch index), dressed as soplib's commit."""
    gd = ["--git-dir", str(store_path)]
    head = git(*gd, "rev-parse", "main")
    tree = changed_tree(store_path, tmp_path, "main", path, content)
    commit = git(*gd, "commit-tree", tree, "-p", head, env=SOPLIB_LOOK, input=message)
    git(*gd, "update-ref", "refs/heads/main", commit, head)


def rewrite_head(store_path: Path, change: Callable[[str], str]) -> str:
    """Replace main's head by a copy of its raw commit object changed by ``change``.

    Author, committer, dates, message and signature stay byte for byte unless
    ``change`` alters them; the tags the commit made are moved onto the copy, as
    a careful forger would.
    """
    gd = ["--git-dir", str(store_path)]
    head = git(*gd, "rev-parse", "main")
    raw = subprocess.run(["git", *gd, "cat-file", "commit", head], capture_output=True, check=True).stdout
    forged = git(*gd, "hash-object", "-t", "commit", "-w", "--stdin", input=change(raw.decode()))
    assert forged != head
    git(*gd, "update-ref", "refs/heads/main", forged, head)
    for tag in git(*gd, "for-each-ref", "--points-at", head, "--format=%(refname)", "refs/tags/").split():
        git(*gd, "update-ref", tag, forged, head)
    return forged


def _rewritten_record(store: Store) -> str:
    record = json.loads(store.snapshot().read(f"sops/{SOP}.json"))
    record["versions"][0]["meta"]["effective_date"] = "2020-01-01"
    return json.dumps(record)


@pytest.mark.parametrize(
    ("disguise", "found"),
    [
        ("no operation", "foreign-commit"),
        ("an unreadable operation", "operation-unreadable"),
        ("an operation the rules refuse", "rule-broken"),
        ("the exact operation of a real commit", "commit-mismatch"),
    ],
)
def test_record_rewritten_by_forged_soplib_commit(
    history: Store, store_path: Path, tmp_path: Path, disguise: str, found: str
) -> None:
    """Plumbing commands imitating soplib's commit (trailers, committer) still cannot rewrite a version."""
    content = _rewritten_record(history)
    trailers = f"Sop-Actor: {ACTOR}\nSop-Action: update\nSop-Version: {SOP} 3\n"
    if disguise == "no operation":
        forge(store_path, tmp_path, f"sops/{SOP}.json", content, f"Update {SOP}\n\n{trailers}")
    elif disguise == "an unreadable operation":
        op = 'Sop-Op: {"op":"update","sop":' + "\n"
        forge(store_path, tmp_path, f"sops/{SOP}.json", content, f"Update {SOP}\n\n{trailers}{op}")
    elif disguise == "an operation the rules refuse":
        # A well-formed update, but edited from v1 while v2 is current: soplib refuses it.
        blob = history.sops.record(SOP).latest.blob
        op = json.dumps(
            {"base": 1, "blob": blob, "message": "x", "op": "update", "sop": SOP}, separators=(",", ":")
        )
        forge(store_path, tmp_path, f"sops/{SOP}.json", content, f"Update {SOP}\n\n{trailers}Sop-Op: {op}\n")
    else:
        # The real update commit, byte for byte, but with the older version's record changed too.
        head = history.head()
        assert head is not None
        tree = changed_tree(store_path, tmp_path, head, f"sops/{SOP}.json", content)
        rewrite_head(
            store_path, lambda raw: re.sub(r"^tree [0-9a-f]{40}$", f"tree {tree}", raw, count=1, flags=re.M)
        )
    assert kinds(store_path) == {found}


def test_forged_soplib_commit_with_another_message(history: Store, store_path: Path) -> None:
    """The real commit's tree with its subject reworded: the message is part of what is replayed."""
    rewrite_head(
        store_path, lambda raw: raw.replace("\nUpdate KPU-NTB-SOP-01:", "\nPerbaikan KPU-NTB-SOP-01:", 1)
    )
    assert kinds(store_path) == {"message-mismatch"}


def test_deleted_and_moved_tags(history: Store, store_path: Path, cli: CliRun) -> None:
    gd = ["--git-dir", str(store_path)]
    git(*gd, "tag", "-d", "sop/KPU-NTB-SOP-02/v1")
    git(*gd, "tag", "-f", f"sop/{SOP}/v1", "main")
    with Store.open(store_path) as s:
        findings = s.audit.verify().findings
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


def test_forged_commit_changing_sop_text_is_foreign(history: Store, store_path: Path, tmp_path: Path) -> None:
    """Even with soplib's trailers, a commit that changes an SOP file without an operation is foreign."""
    forge(store_path, tmp_path, f"sops/{SOP}.md", "---\nid: X\n---\nchanged\n", f"x\n\nSop-Actor: {ACTOR}\n")
    assert {"foreign-commit", "text-changed"} <= kinds(store_path)


def test_forged_commit_changing_an_anchor(history: Store, store_path: Path, tmp_path: Path) -> None:
    first = history.audit.anchor(by=ACTOR)
    path = f"audit/anchors/{first.id}.json"
    record = json.loads(history.snapshot().read(path))
    record["head"] = first.commit
    forge(store_path, tmp_path, path, json.dumps(record), f"x\n\nSop-Actor: {ACTOR}\n")
    assert kinds(store_path) == {"foreign-commit"}


@pytest.fixture
def tokens(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The random part of anchor ids, chosen by the test (append the next ones)."""
    queue: list[str] = []
    monkeypatch.setattr("secrets.token_hex", lambda n: queue.pop(0))
    yield queue


def test_history_rewritten_after_anchor(
    clock: Clock, tokens: list[str], history: Store, store_path: Path, tmp_path: Path, cli: CliRun
) -> None:
    clock.at("2026-03-01")
    tokens.append("0A1B")
    r = cli("audit", "anchor", "--by", ACTOR, "--out", str(tmp_path / "receipt.json"))
    assert r.exit_code == 0, r.output
    receipt = json.loads((tmp_path / "receipt.json").read_text())
    assert receipt["id"] == "A-20260301-0A1B" and receipt["tag"] == "audit/anchor-A-20260301-0A1B"
    assert receipt["head"] != receipt["commit"]
    assert history.audit.verify().ok
    # Reset main to before the anchor, then write again: git fsck stays clean.
    gd = ["--git-dir", str(store_path)]
    git(*gd, "update-ref", "refs/heads/main", git(*gd, "rev-parse", "main~2"))
    with Store.open(store_path) as s:
        s.sops.add([write_sop(tmp_path, "KPU-NEW-01")], by=ACTOR)
    subprocess.run(["git", *gd, "fsck", "--strict"], check=True, capture_output=True)
    found = kinds(store_path)
    assert "history-rewritten" in found
    # A new anchor cannot take the old one's place: the old id's tag outlived the rewrite, so the
    # id counts as taken and another is drawn; the old tag still names the old anchor commit.
    tokens.extend(["0A1B", "0C0C"])
    r = cli("audit", "anchor", "--by", ACTOR)
    assert r.exit_code == 0 and "A-20260301-0C0C" in r.output, r.output
    assert git(*gd, "rev-parse", "audit/anchor-A-20260301-0A1B") == receipt["commit"]
    # Deleting the anchor tag as well hides it from the store itself ...
    git(*gd, "tag", "-d", "audit/anchor-A-20260301-0A1B")
    git(*gd, "tag", "-d", f"sop/{SOP}/v2")
    assert kinds(store_path) == set()
    # ... but not from the receipt the office kept outside the store.
    r = cli("audit", "verify", "--receipt", str(tmp_path / "receipt.json"))
    assert r.exit_code == 1 and "history-rewritten" in r.output
    r = cli("audit", "verify", "--head", receipt["head"])
    assert r.exit_code == 1 and "history-rewritten" in r.output


def test_anchor_api_and_ids(clock: Clock, tokens: list[str], history: Store) -> None:
    clock.at("2026-03-01")
    tokens.extend(["0A1B", "C3D4"])
    a1 = history.audit.anchor(by=ACTOR)
    a2 = history.audit.anchor(by=ACTOR)
    assert (a1.id, a2.id) == ("A-20260301-0A1B", "A-20260301-C3D4")
    assert (a1.tag, a1.by, a1.date.date()) == ("audit/anchor-A-20260301-0A1B", ACTOR, date(2026, 3, 1))
    assert a2.head == a1.commit and history.head() == a2.commit
    assert [a.id for a in history.audit.anchors()] == [a1.id, a2.id]
    report = history.audit.verify(recorded_heads=[a1.commit or "", a1.head or ""])
    assert report.ok and report.anchors == 2
    # A random part drawn twice in a day is drawn again ...
    tokens.extend(["0A1B", "5E6F"])
    assert history.audit.anchor(by=ACTOR).id == "A-20260301-5E6F"
    head = history.head()
    # ... and an operation naming a taken id is refused, never overwritten.
    with pytest.raises(SopError, match="anchor A-20260301-0A1B already exists"):
        history.apply(RecordAnchor("A-20260301-0A1B", head), by=ACTOR)
    assert history.head() == head and history.audit.verify().ok


def test_bad_receipt_and_head_are_one_line_errors(history: Store, cli: CliRun, tmp_path: Path) -> None:
    bad = tmp_path / "r.json"
    bad.write_text("[1, 2]")
    r = cli("audit", "verify", "--receipt", str(bad))
    assert r.exit_code == 1 and "is not an anchor receipt" in r.output and r.output.count("\n") == 1
    r = cli("audit", "verify", "--head", "--upload-pack=x")
    assert r.exit_code == 1 and "invalid commit id" in r.output


def test_fsck_finds_a_missing_object(history: Store, store_path: Path) -> None:
    blob = history.sops.record("KPU-NTB-SOP-02").latest.blob
    (store_path / "objects" / blob[:2] / blob[2:]).unlink()
    found = kinds(store_path)
    assert {"fsck", "content-missing"} <= found


# -- signed stores --------------------------------------------------------------------
# A writer signs when SOP_SIGNING_KEY names its key; the store's git config plays no
# part. The auditor checks with their own allowed-signers file, whose principals are
# the staff ids that act in the commits.


def _keygen(path: Path) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "office", "-f", str(path)], check=True
    )
    return path


def _public(key: Path) -> str:
    return key.with_suffix(".pub").read_text()


@pytest.fixture
def signed_store(store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The store's first commit is unsigned; from then on ACTOR signs with their own key."""
    Store.init(store_path).close()
    key = _keygen(tmp_path / "ani_key")
    (tmp_path / "allowed_signers").write_text(f"{ACTOR} {_public(key)}")
    monkeypatch.setenv("SOP_SIGNING_KEY", str(key))
    with Store.open(store_path) as s:
        s.sops.add([write_sop(tmp_path, "KPU-01"), write_sop(tmp_path, "KPU-02")], by=ACTOR)
        s.audit.anchor(by=ACTOR)
    return store_path


def test_signed_store_verifies(signed_store: Path, tmp_path: Path, cli: CliRun) -> None:
    allowed = tmp_path / "allowed_signers"
    # git itself reads the signatures as its own (`git commit -S` with gpg.format=ssh).
    gd = ["-c", f"gpg.ssh.allowedSignersFile={allowed}", "--git-dir", str(signed_store)]
    out = git(*gd, "log", "--format=%G?").split()
    assert out == ["G", "G", "N"]  # the store's first commit predates the signing set-up
    checked = subprocess.run(
        ["git", *gd, "verify-commit", "--end-of-options", "main"], capture_output=True, text=True
    )
    assert checked.returncode == 0 and f'Good "git" signature for {ACTOR}' in checked.stderr
    with Store.open(signed_store) as s:
        report = s.audit.verify(allowed_signers=allowed)
        assert report.ok, report.findings
        assert report.signed_commits == 2
        # Signatures exist, so they must be checked: without the auditor's file that is a finding.
        assert {f.kind for f in s.audit.verify().findings} == {"signatures-unchecked"}
    r = cli("audit", "verify", "--allowed-signers", str(allowed))
    assert r.exit_code == 0 and "2 signed commits" in r.output
    r = cli("audit", "verify")
    assert r.exit_code == 1 and "signatures-unchecked" in r.output


def test_unsigned_commit_in_signed_store(
    signed_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOP_SIGNING_KEY")
    with Store.open(signed_store) as s:
        s.sops.add([write_sop(tmp_path, "KPU-03")], by=ACTOR)
        findings = s.audit.verify(allowed_signers=tmp_path / "allowed_signers").findings
    assert [f.kind for f in findings] == ["unsigned"]
    assert findings[0].subject == git("--git-dir", str(signed_store), "rev-parse", "main")


def test_commit_signed_by_unknown_key(
    signed_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOP_SIGNING_KEY", str(_keygen(tmp_path / "stranger")))
    with Store.open(signed_store) as s:
        s.sops.add([write_sop(tmp_path, "KPU-03")], by=ACTOR)
    assert kinds(signed_store, allowed_signers=tmp_path / "allowed_signers") == {"unknown-signer"}


def test_commit_signed_by_another_officers_key(
    signed_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Budi's own, listed key signing a commit that names Ani as the actor: one cannot sign for another."""
    budi = _keygen(tmp_path / "budi_key")
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(allowed.read_text() + f"{BUDI} {_public(budi)}")
    monkeypatch.setenv("SOP_SIGNING_KEY", str(budi))
    with Store.open(signed_store) as s:
        s.sops.add([write_sop(tmp_path, "KPU-03")], by=ACTOR)
        findings = s.audit.verify(allowed_signers=allowed).findings
    assert [f.kind for f in findings] == ["wrong-signer"]
    assert BUDI in findings[0].message and ACTOR in findings[0].message


def test_commit_whose_signature_no_longer_matches(signed_store: Path, tmp_path: Path) -> None:
    """The signed head rewritten (its commit time moved one second), the signature kept: a bad signature."""

    def later(raw: str) -> str:
        match = re.search(r"^committer soplib <soplib@sop.invalid> ([0-9]+) ", raw, re.M)
        assert match is not None
        return raw[: match.start(1)] + str(int(match.group(1)) + 1) + raw[match.end(1) :]

    rewrite_head(signed_store, later)
    assert kinds(signed_store, allowed_signers=tmp_path / "allowed_signers") == {"bad-signature"}


def test_unusable_signing_key_writes_nothing(
    signed_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gd = ["--git-dir", str(signed_store)]
    head = git(*gd, "rev-parse", "main")
    monkeypatch.setenv("SOP_SIGNING_KEY", str(tmp_path / "no-such-key"))
    with Store.open(signed_store) as s, pytest.raises(StoreError, match="cannot sign the commit"):
        s.sops.add([load(write_sop(tmp_path, "KPU-03"))], by=ACTOR)
    assert git(*gd, "rev-parse", "main") == head


def test_demo_ends_with_an_anchor_and_a_verified_store(tmp_path: Path) -> None:
    sop = Path(sys.executable).parent / "sop"
    done = subprocess.run(
        [str(sop), "--lang", "en", "demo", "--dir", str(tmp_path / "demo")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"audit anchor A-[0-9]{8}-[0-9A-F]{4} recorded head [0-9a-f]{40}", done.stdout)
    assert "sop audit verify: verified" in done.stdout
    report = tmp_path / "demo-bukti" / "laporan-audit.html"  # beside the store, with the other evidence
    assert f"audit report written to {report}" in done.stdout
    assert "<h1>SOP audit report</h1>" in report.read_text(encoding="utf-8")
    again = subprocess.run(
        [str(sop), "--lang", "en", "--store", str(tmp_path / "demo"), "audit", "verify"],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0 and again.stdout.startswith("verified:")


def test_auditor_checks_with_their_own_allowed_signers(
    signed_store: Path, tmp_path: Path, cli: CliRun
) -> None:
    # Whoever controls the repository controls its config; only the auditor's own
    # allowed signers count, and a copy that lacks the key rejects it.
    other = tmp_path / "auditor_allowed"
    other.write_text(f"{ACTOR} {_public(_keygen(tmp_path / 'auditor'))}")
    r = cli("audit", "verify", "--allowed-signers", str(other), "--json")
    assert r.exit_code == 1
    assert {f["kind"] for f in json.loads(r.output)["findings"]} == {"unknown-signer"}
    allowed = tmp_path / "allowed_signers"
    assert cli("audit", "verify", "--allowed-signers", str(allowed)).exit_code == 0
    # Requiring signatures: the store's first commit, made before signing started, is the gap.
    r = cli("audit", "verify", "--allowed-signers", str(allowed), "--require-signatures", "--json")
    assert r.exit_code == 1
    first = git("--git-dir", str(signed_store), "rev-list", "--max-parents=0", "main")
    assert [(f["kind"], f["subject"]) for f in json.loads(r.output)["findings"]] == [("unsigned", first)]
    r = cli("audit", "verify", "--allowed-signers", str(tmp_path / "missing"))
    assert r.exit_code == 1 and "allowed signers file" in r.output


def test_store_signed_from_its_first_commit_meets_required_signatures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = _keygen(tmp_path / "office_key")
    allowed = tmp_path / "allowed_signers"
    # The store's first commit is made by soplib itself (actor "soplib").
    allowed.write_text(f"{ACTOR},soplib {_public(key)}")
    monkeypatch.setenv("SOP_SIGNING_KEY", str(key))
    with Store.init(tmp_path / "signed") as s:
        s.sops.add([write_sop(tmp_path, "KPU-01")], by=ACTOR)
        report = s.audit.verify(allowed_signers=allowed, require_signatures=True)
    assert report.ok and report.signed_commits == report.commits == 2, report.findings


def test_required_signatures_on_an_unsigned_store(history: Store, tmp_path: Path, cli: CliRun) -> None:
    allowed = tmp_path / "allowed"
    allowed.write_text(f"{ACTOR} {_public(_keygen(tmp_path / 'k'))}")
    assert cli("audit", "verify", "--allowed-signers", str(allowed)).exit_code == 0
    r = cli("audit", "verify", "--allowed-signers", str(allowed), "--require-signatures", "--json")
    assert r.exit_code == 1
    findings = json.loads(r.output)["findings"]
    commits = git("--git-dir", str(history.path), "rev-list", "--reverse", "main").split()
    assert [(f["kind"], f["subject"]) for f in findings] == [("unsigned", c) for c in commits]
    r = cli("audit", "verify", "--require-signatures")
    assert r.exit_code == 1 and "signatures-unchecked" in r.output


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
    anchor = history.audit.anchor(by=ACTOR)
    git("--git-dir", str(store_path), "gc", "-q")  # packs objects and refs (tags into packed-refs)
    assert (store_path / "packed-refs").read_text().count("refs/tags/") == 6
    assert kinds(store_path) == set()
    git("--git-dir", str(store_path), "tag", "-d", anchor.tag)
    assert kinds(store_path) == {"tag-missing"}


ACK_STAFF = (
    "id,name,unit,position\n"
    "198001012005011001,Ani,Sekretariat,Kepala\n"
    "198202022006042002,Budi,Sekretariat,Staf\n"
)


@pytest.fixture
def acked(history: Store) -> Store:
    history.staff.import_csv(ACK_STAFF.encode(), by=ACTOR)
    history.acks.record("198001012005011001", SOP, by=ACTOR)
    history.acks.record("198202022006042002", SOP, by=ACTOR)
    return history


def _segment(work: Path) -> Path:
    return next((work / "acks" / SOP).glob("v*/*.tsv"))


def test_ack_record_edited_by_plain_git(acked: Store, store_path: Path, tmp_path: Path, cli: CliRun) -> None:
    clean = acked.audit.verify()
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
