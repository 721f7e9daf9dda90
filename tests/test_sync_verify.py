"""Verification across machines: what someone pushes with plain git is found on every clone that fetched it.

A commit made to look like soplib's (its trailers copied) but changing other
files; an integration commit rewritten by hand; a plain `git merge`. Each is
pushed to the shared remote with plain git; clones that sync get it, and
`sop audit verify` names it there. Genuine integration commits are recognisable
(`Sop-Action: integrate`) and replayed like every other commit.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from remotes import READER, SECRETARY, Server, office_store, published

from soplib import Store
from soplib.ops import ACTION_TRAILER

SOP = "KPU-NTB-SOP-04"


def git(repo: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    done = subprocess.run(
        ["git", "--git-dir", str(repo), *args], capture_output=True, text=True, check=True,
        env={**os.environ, **(env or {})}, input=stdin,
    )  # fmt: skip
    return done.stdout.strip()


def forge(repo: Path, *, parents: list[str], message: str, edit: tuple[str, str], tmp: Path) -> str:
    """A commit on ``parents[0]``'s files with one file replaced, the given message, authored as the
    actor it names and committed as soplib: soplib-looking in every way but its content.
    """
    actor = next(line.split(": ", 1)[1] for line in message.splitlines() if line.startswith("Sop-Actor: "))
    index = {"GIT_INDEX_FILE": str(tmp / "forge.index")}
    git(repo, "read-tree", parents[0], env=index)
    blob = git(repo, "hash-object", "-w", "--stdin", stdin=edit[1])
    git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{edit[0]}", env=index)
    tree = git(repo, "write-tree", env=index)
    who = {
        "GIT_AUTHOR_NAME": actor, "GIT_AUTHOR_EMAIL": f"{actor}@sop.invalid",
        "GIT_COMMITTER_NAME": "soplib", "GIT_COMMITTER_EMAIL": "soplib@sop.invalid",
    }  # fmt: skip
    args = [arg for p in parents for arg in ("-p", p)]
    return git(repo, "commit-tree", tree, *args, env=who, stdin=message)


def findings(store: Store) -> dict[str, set[str]]:
    report = store.audit.verify()
    out: dict[str, set[str]] = {}
    for f in report.findings:
        out.setdefault(f.kind, set()).add(f.subject)
    return out


def test_a_forged_commit_pushed_with_plain_git_is_found_on_every_clone(
    tmp_path: Path, file_server: Server
) -> None:
    office_store(tmp_path / "seed").close()
    url = published(tmp_path / "seed", file_server)
    a, b = Store.clone(url, tmp_path / "a"), Store.clone(url, tmp_path / "b")
    staff = [s.id for s in a.staff.list()]
    a.acks.record(staff[0], SOP, by=staff[0])  # A has local work: its sync will merge
    b.acks.record(staff[1], SOP, by=staff[1])
    b.remotes.sync(by=SECRETARY)
    # Someone with push access copies the last commit's message (Sop-Op and all) onto other content.
    head = b.head() or ""
    last = b.git.repo.read_commit(head)
    registry = b.snapshot().read("staff/registry.jsonl").decode().replace("Ahmad Fauzi", "Orang Lain")
    forged = forge(tmp_path / "b", parents=[head], message=last.message,
                   edit=("staff/registry.jsonl", registry), tmp=tmp_path)  # fmt: skip
    subprocess.run(["git", "--git-dir", str(tmp_path / "b"), "push", "-q", url, f"{forged}:refs/heads/main"],
                   check=True)  # fmt: skip

    result = a.remotes.sync(by=SECRETARY)
    assert result.integrated == "merged"
    merge = a.git.repo.read_commit(result.head or "")
    assert merge.value(ACTION_TRAILER) == "integrate" and merge.parents == (forged, merge.parents[1])
    b.remotes.sync(by=SECRETARY)
    for store in (a, b):
        found = findings(store)
        assert found.get("commit-mismatch") == {forged}, found  # only the forged one, on both clones
    report = a.audit.verify()
    assert report.replayed == report.commits  # the integration was replayed too


def test_a_rewritten_integration_and_a_plain_merge_are_found(tmp_path: Path, file_server: Server) -> None:
    office_store(tmp_path / "seed").close()
    url = published(tmp_path / "seed", file_server)
    a, b = Store.clone(url, tmp_path / "a"), Store.clone(url, tmp_path / "b")
    a.acks.record(READER, SOP, by=READER)
    b.acks.record(SECRETARY, SOP, by=SECRETARY)
    b.remotes.sync(by=SECRETARY)
    merged = a.remotes.sync(by=SECRETARY).head or ""
    assert findings(a) == {}
    integration = a.git.repo.read_commit(merged)
    # The same integration message on other files: the local acknowledgement "lost" in the merge.
    chain = "acks/chain.json"
    assert a.snapshot().exists(chain)
    rewritten = forge(tmp_path / "a", parents=list(integration.parents), message=integration.message,
                      edit=(chain, '{"head": "0", "count": 1}\n'), tmp=tmp_path)  # fmt: skip
    # And a plain git merge of the two, without any operation.
    plain = forge(tmp_path / "a", parents=list(integration.parents), message="Merge\n\nSop-Actor: x\n",
                  edit=("notes.txt", "merged by hand\n"), tmp=tmp_path)  # fmt: skip
    for bad, kind in ((rewritten, "commit-mismatch"), (plain, "merge")):
        with Store.open(tmp_path / "a") as store:
            store.git.repo.refs.update("refs/heads/main", bad, old=store.head())
            assert kind in findings(store), findings(store)
    a.close()
    b.close()
