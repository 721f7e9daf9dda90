"""The red team's tools (issue 10): the real `sop` in subprocesses and plain git on real stores.

Every attack file (`tests/test_attack_*.py`) works from the outside, as an
insider with write access to the repository would: it runs the installed `sop`
command, and forges commits that look like soplib's with git plumbing
(`hash-object`, `mktree`, `update-ref`), never through soplib's own code. The
assertions are about what an auditor sees: `sop audit verify --json` exits 1 and
some finding names the commit, path or record that was tampered with; a clean
control store verifies.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOP_BIN = Path(sys.executable).parent / "sop"
SOPLIB_COMMITTER = ("soplib", "soplib@sop.invalid")
ZERO_HASH = "0" * 64
GiB = 1 << 30

# Variables a developer may have set that would change what `sop` does.
_SOP_ENV = ("SOP_STORE", "SOP_BY", "SOP_SIGNING_KEY", "SOP_DEBUG")


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without soplib's own variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in _SOP_ENV}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


# -- running processes, never waiting forever -----------------------------------------------


class Hung(AssertionError):
    """A command did not finish within its time limit (killed, with all it started)."""


def run(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
    timeout: float = 60,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``cmd`` in its own process group; on timeout kill the whole group and raise :class:`Hung`.

    A git child blocked on a FIFO would survive a plain ``subprocess.run`` timeout
    (only the direct child is killed); killing the group we started ends it too.
    """
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=dict(env) if env is not None else clean_env(),
        stdin=subprocess.PIPE,  # not /dev/null: other people's tests on this machine have replaced it
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=preexec,
    )
    try:
        out, err = proc.communicate(input or b"", timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        shown = " ".join(map(str, cmd))
        raise Hung(f"{shown} did not finish in {timeout} s (killed); stderr: {err[-500:]!r}") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def limits(*, address_space: int | None = None, file_size: int | None = None) -> Callable[[], None]:
    """A ``preexec_fn`` that caps the child's address space and/or file size (RLIMIT_AS, RLIMIT_FSIZE)."""

    def apply() -> None:
        if address_space is not None:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        if file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return apply


@dataclass(frozen=True)
class Sop:
    """The outcome of one `sop` process, decoded."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def where(self) -> str:
        shown = " ".join(self.args)
        return f"sop {shown} -> {self.code}\nstdout: {self.out[-2000:]}\nstderr: {self.err[-2000:]}"

    def json(self) -> Any:
        return json.loads(self.out)


def sop(
    store: Path | None,
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
    preexec: Callable[[], None] | None = None,
    input: bytes | None = None,
) -> Sop:
    """Run the installed ``sop [--store STORE] ARGS`` in a subprocess (bounded by ``timeout``)."""
    cmd = [str(SOP_BIN), *(["--store", str(store)] if store is not None else []), *args]
    done = run(cmd, cwd=cwd, env=env or clean_env(), timeout=timeout, preexec=preexec, input=input)
    out, err = done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
    return Sop(tuple(args), done.returncode, out, err)


def ok(result: Sop) -> Sop:
    """``result`` after asserting it succeeded."""
    assert result.code == 0, result.where
    return result


BAD_OUTPUT = ("Traceback", "internal error", "validation error", "pydantic", "For further information visit")


def assert_clean_exit(result: Sop) -> None:
    """Exit 0, or exit 1 with exactly one line ``error: ...``: no traceback, no internal error, no dump.

    ``sop audit verify --json`` with findings exits 1 with its JSON on stdout and
    nothing on stderr; that is clean too.
    """
    assert result.code in (0, 1), result.where
    for bad in BAD_OUTPUT:
        assert bad not in result.err and bad not in result.out, result.where
    if result.code == 1:
        if not result.err.strip() and result.args[:2] == ("audit", "verify") and "--json" in result.args:
            assert not result.json()["ok"], result.where
            return
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.where


def assert_one_line_error(result: Sop, *names: str) -> None:
    """Exit 1 with one clean ``error:`` line that names at least one of ``names`` (if given)."""
    assert result.code == 1, result.where
    assert_clean_exit(result)
    if names:
        assert any(n in result.err for n in names), (names, result.where)


# -- git plumbing, as an insider would use it ----------------------------------------------------


_NO_CONFIG = Path(tempfile.mkdtemp(prefix="soplib-attack-git-")) / "empty.gitconfig"
_NO_CONFIG.touch()


def git_env(**extra: str) -> dict[str, str]:
    """git for the attacker's own plumbing: no user or system config of this machine.

    An empty file of our own, not /dev/null: a `git config --global` run by anyone
    with GIT_CONFIG_GLOBAL=/dev/null would replace the device by a file.
    """
    return clean_env(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(_NO_CONFIG), **extra)


def git(
    store: Path, *args: str, input: bytes | str | None = None, env: Mapping[str, str] | None = None
) -> str:
    """``git --git-dir STORE ARGS``; its stdout (stripped); the call must succeed."""
    data = input.encode() if isinstance(input, str) else input
    done = run(["git", "--git-dir", str(store), *args], env=env or git_env(), input=data, timeout=120)
    assert done.returncode == 0, (args, done.stderr.decode(errors="replace"))
    return done.stdout.decode("utf-8", "surrogateescape").strip()


def git_bytes(store: Path, *args: str) -> bytes:
    done = run(["git", "--git-dir", str(store), *args], env=git_env(), timeout=120)
    assert done.returncode == 0, (args, done.stderr.decode(errors="replace"))
    return done.stdout


def head(store: Path) -> str:
    return git(store, "rev-parse", "--verify", "refs/heads/main^{commit}")


def files(store: Path, commit: str = "main") -> dict[str, str]:
    """Every file of ``commit``'s tree: path -> blob id."""
    out = git_bytes(store, "ls-tree", "-r", "-z", "--full-tree", commit)
    found = {}
    for entry in out.split(b"\0"):
        if entry:
            meta, _, path = entry.partition(b"\t")
            found[path.decode()] = meta.split()[2].decode()
    return found


def read(store: Path, path: str, commit: str = "main") -> bytes:
    return git_bytes(store, "cat-file", "blob", f"{commit}:{path}")


def read_json(store: Path, path: str, commit: str = "main") -> Any:
    return json.loads(read(store, path, commit))


def dump(value: Any) -> bytes:
    """JSON as soplib writes its records (sorted keys, UTF-8, one line)."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n").encode()


def raw_commit(store: Path, commit: str) -> bytes:
    return git_bytes(store, "cat-file", "commit", commit)


def message_of(store: Path, commit: str) -> str:
    """The full message (subject, body, trailers) of ``commit``."""
    return raw_commit(store, commit).split(b"\n\n", 1)[1].decode()


def author_of(store: Path, commit: str) -> tuple[str, str]:
    line = next(x for x in raw_commit(store, commit).decode().splitlines() if x.startswith("author "))
    name, _, rest = line[len("author ") :].partition(" <")
    return name, rest.split(">", 1)[0]


def commits(store: Path, rev: str = "main") -> list[str]:
    """The first-parent history of ``rev``, oldest first."""
    return git(store, "rev-list", "--first-parent", "--reverse", rev).split()


def last_commit(store: Path, *, action: str | None = None, text: str | None = None, rev: str = "main") -> str:
    """The newest commit whose message has ``Sop-Action: <action>`` (and contains ``text``)."""
    for sha in reversed(commits(store, rev)):
        message = message_of(store, sha)
        if (action is None or f"\nSop-Action: {action}\n" in message + "\n") and (
            text is None or text in message
        ):
            return sha
    raise AssertionError(f"no commit with action {action!r} and text {text!r}")


def write_tree(store: Path, tree_files: Mapping[str, str]) -> str:
    """A tree object holding exactly ``tree_files`` (path -> blob id), written with ``git mktree``."""
    folders: dict[str, dict[str, tuple[str, str]]] = {"": {}}
    for path in tree_files:
        parts = path.split("/")
        for i in range(1, len(parts)):
            folders.setdefault("/".join(parts[:i]), {})
    for path, blob in tree_files.items():
        parent, _, name = path.rpartition("/")
        folders[parent][name] = ("100644 blob", blob)
    ids: dict[str, str] = {}
    for folder in sorted(folders, key=lambda f: -f.count("/") - (1 if f else 0)):
        entries = dict(folders[folder])
        for sub, sha in ids.items():
            parent, _, name = sub.rpartition("/")
            if parent == folder and sub:
                entries[name] = ("040000 tree", sha)
        listing = "".join(f"{mode} {sha}\t{name}\n" for name, (mode, sha) in sorted(entries.items()))
        ids[folder] = git(store, "mktree", input=listing)
    return ids[""]


def blob(store: Path, data: bytes) -> str:
    return git(store, "hash-object", "-w", "-t", "blob", "--stdin", input=data)


def make_commit(
    store: Path,
    tree: str,
    parents: Iterable[str],
    message: str,
    *,
    author: tuple[str, str] = ("ani.pratiwi", "ani.pratiwi@sop.invalid"),
    when: int | None = None,
    committer: tuple[str, str] = SOPLIB_COMMITTER,
    committer_when: int | None = None,
    gpgsig: str | None = None,
) -> str:
    """Write a commit object by hand (``git hash-object -t commit``): no hook, no config, no signing."""
    t = int(time.time()) if when is None else when
    ct = t if committer_when is None else committer_when
    lines = [f"tree {tree}", *(f"parent {p}" for p in parents)]
    lines.append(f"author {author[0]} <{author[1]}> {t} +0000")
    lines.append(f"committer {committer[0]} <{committer[1]}> {ct} +0000")
    if gpgsig is not None:
        lines.append("gpgsig " + "\n ".join(gpgsig.rstrip("\n").split("\n")))
    body = "\n".join(lines) + "\n\n" + message
    return git(store, "hash-object", "-w", "-t", "commit", "--stdin", input=body)


def forge(
    store: Path,
    changes: Mapping[str, bytes | None],
    *,
    like: str,
    parent: str | None = None,
    when: int | None = None,
    message: str | None = None,
    move: bool = True,
) -> str:
    """A soplib-looking commit on ``main`` that applies ``changes`` (path -> bytes, None deletes).

    Message, trailers and author are copied from commit ``like`` (unless ``message``
    is given), the committer is soplib's; ``main`` moves by compare-and-swap.
    """
    base = parent or head(store)
    tree_files = files(store, base)
    for path, data in changes.items():
        if data is None:
            assert path in tree_files, f"{path} is not in the store"
            del tree_files[path]
        else:
            tree_files[path] = blob(store, data)
    tree = write_tree(store, tree_files)
    sha = make_commit(
        store,
        tree,
        [base],
        message if message is not None else message_of(store, like),
        author=author_of(store, like),
        when=when,
    )
    if move:
        git(store, "update-ref", "refs/heads/main", sha, base)
    return sha


def packed(store: Path) -> None:
    """Pack everything as `git gc` does (the state a long-lived store reaches)."""
    git(store, "gc", "-q", "--prune=now")
    assert not any(p for p in (store / "objects").glob("[0-9a-f][0-9a-f]/*")), "objects left loose"


# -- the verdict --------------------------------------------------------------------------------------


def verify(store: Path, *args: str, **kwargs: Any) -> dict[str, Any]:
    """``sop audit verify --json ARGS``: its JSON (asserting a clean exit with JSON on stdout)."""
    result = sop(store, "audit", "verify", "--json", *args, **kwargs)
    assert result.code in (0, 1), result.where
    for bad in BAD_OUTPUT:
        assert bad not in result.err, result.where
    try:
        data = result.json()
    except ValueError as exc:
        raise AssertionError(f"verify did not print JSON: {result.where}") from exc
    assert isinstance(data, dict) and isinstance(data.get("findings"), list), result.where
    assert data["ok"] is (result.code == 0) and (result.code == 0) is (not data["findings"]), result.where
    return data


def finding_text(finding: Mapping[str, Any]) -> str:
    return f"{finding.get('kind', '')} {finding.get('subject', '')} {finding.get('message', '')}"


def assert_verified(store: Path, *args: str) -> dict[str, Any]:
    """The control: verify exits 0 with no finding."""
    data = verify(store, *args)
    assert data["ok"] and data["findings"] == [], json.dumps(data["findings"], indent=1)[:4000]
    return data


def assert_reported(store: Path, names: Iterable[str], *args: str, **kwargs: Any) -> dict[str, Any]:
    """verify exits 1 and some finding's kind, subject or message contains one of ``names``.

    ``names``: the commit (full id or its first 10 hex digits are both matched), the
    path, or the record id that was tampered with.
    """
    wanted = [n for n in names if n]
    expanded = wanted + [n[:10] for n in wanted if len(n) == 40 and all(c in "0123456789abcdef" for c in n)]
    data = verify(store, *args, **kwargs)
    assert not data["ok"], f"the attack went unnoticed: verify said verified ({args})"
    texts = [finding_text(f) for f in data["findings"]]
    assert any(name in text for text in texts for name in expanded), (
        f"no finding names any of {wanted}; findings: {json.dumps(data['findings'], indent=1)[:4000]}"
    )
    return data


# -- stores to attack ---------------------------------------------------------------------------------

_DEMO: dict[str, Path] = {}


def demo_store(target: Path) -> Path:
    """A copy of a full demo store (`sop demo`: reviews, staff, briefings, acknowledgements, an anchor).

    Built once per test process with the real CLI, then copied (a copy is a
    store of its own: bare repositories hold no absolute paths).
    """
    if "store" not in _DEMO:
        root = Path(tempfile.mkdtemp(prefix="soplib-attack-demo-"))
        result = sop(None, "demo", "--dir", str(root / "demo"), cwd=root, timeout=300)
        assert result.code == 0, result.where
        _DEMO["store"] = root / "demo"
    shutil.copytree(_DEMO["store"], target, symlinks=True)
    return target


def session_id(store: Path) -> str:
    found = [
        p.split("/")[1] for p in files(store) if p.startswith("reviews/") and p.endswith("/session.json")
    ]
    return found[0]


def briefing_id(store: Path) -> str:
    return next(p.split("/")[1][:-5] for p in files(store) if p.startswith("briefings/"))


# -- the acknowledgement chain, recomputed as a forger would ---------------------------------------

ACK_FIELDS = ("seq", "staff", "sop", "version", "content_sha256", "how", "by", "at", "prev", "hash")


def ack_hash(fields: list[str]) -> str:
    """sha256 over a record's first nine fields (each record carries its own hash and the previous one's)."""
    return hashlib.sha256("\t".join(fields[:9]).encode()).hexdigest()


def ack_records(store: Path, commit: str = "main") -> dict[str, list[list[str]]]:
    """Every acknowledgement segment (``acks/<SOP>/v<N>/<n>.tsv``) of ``commit``: path -> its records."""
    return {
        path: [line.split("\t") for line in read(store, path, commit).decode().splitlines() if line]
        for path in files(store, commit)
        if path.startswith("acks/") and path.endswith(".tsv")
    }


def rechain(segments: Mapping[str, list[list[str]]]) -> dict[str, bytes]:
    """Segments, their ``.ids`` indexes and ``acks/chain.json`` after renumbering and rehashing everything.

    What a forger with soplib's source does to make an edited or shortened chain
    consistent again: sequence numbers 1..n in the old order, every ``prev`` and
    ``hash`` recomputed, the head rewritten.
    """
    ordered = sorted(((int(r[0]), path, i) for path, recs in segments.items() for i, r in enumerate(recs)))
    new = {path: [list(r) for r in recs] for path, recs in segments.items()}
    prev = ZERO_HASH
    for seq, (_, path, i) in enumerate(ordered, start=1):
        r = new[path][i]
        r[0], r[8] = str(seq), prev
        r[9] = ack_hash(r)
        prev = r[9]
    out: dict[str, bytes] = {}
    for path, recs in new.items():
        out[path] = "".join("\t".join(r) + "\n" for r in recs).encode()
        out[path[:-4] + ".ids"] = "".join(r[1] + "\n" for r in recs).encode()
    out["acks/chain.json"] = dump({"count": len(ordered), "last": prev})
    return out


# -- an SSH key of the auditor's own ------------------------------------------------------------------


def keygen(path: Path, comment: str = "auditor") -> Path:
    """A new ed25519 key pair at ``path`` (and ``path.pub``)."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def allowed_signers(path: Path, key: Path, principal: str = "auditor@kpu.example") -> Path:
    path.write_text(f"{principal} {key.with_suffix('.pub').read_text()}")
    return path


# -- loose objects without git (for stores whose config must not be trusted by the test either) -------


def loose_read(store: Path, sha: str) -> tuple[str, bytes]:
    raw = zlib.decompress((store / "objects" / sha[:2] / sha[2:]).read_bytes())
    header, _, data = raw.partition(b"\0")
    return header.split(b" ")[0].decode(), data


def loose_write(store: Path, kind: str, data: bytes) -> str:
    raw = b"%s %d\0%s" % (kind.encode(), len(data), data)
    sha = hashlib.sha1(raw, usedforsecurity=False).hexdigest()
    folder = store / "objects" / sha[:2]
    folder.mkdir(exist_ok=True)
    path = folder / sha[2:]
    if not path.exists():
        tmp = folder / f"tmp_attack_{os.getpid()}"
        tmp.write_bytes(zlib.compress(raw))
        tmp.chmod(0o444)
        tmp.replace(path)
    return sha


def many_loose_objects(store: Path, count: int = 8000) -> None:
    """As many loose objects as thousands of commits leave: the next write packs the store."""
    import random

    rng = random.Random(7)
    for _ in range(count):
        loose_write(store, "blob", rng.randbytes(32))


def loose_head(store: Path) -> str:
    return (store / "refs" / "heads" / "main").read_text().strip()


def loose_set_head(store: Path, sha: str) -> None:
    (store / "refs" / "heads" / "main").write_text(sha + "\n")


def only_changed(
    store: Path, changes: Mapping[str, bytes | None], commit: str = "main"
) -> dict[str, bytes | None]:
    """``changes`` without the files that would stay byte for byte as they are in ``commit``."""
    current = files(store, commit)
    return {
        path: data
        for path, data in changes.items()
        if (data is None and path in current) or (data is not None and current.get(path) != blob_id(data))
    }


def blob_id(data: bytes) -> str:
    """The id git gives ``data`` as a blob (computed, not written)."""
    return hashlib.sha1(b"blob %d\0%s" % (len(data), data), usedforsecurity=False).hexdigest()


# -- small inputs for the real CLI ---------------------------------------------------------------------

SOP_TEXT = """\
---
id: {id}
title: {title}
unit: Sekretariat
review_interval_months: 12
---
# Prosedur

1. {step}
2. Petugas mencatat permohonan dalam register.
3. Petugas menyampaikan jawaban kepada pemohon.
"""

STAFF = [
    ("198001012005011001", "Ani Pratiwi", "Sekretariat", "Kepala Subbagian"),
    ("198202022006042002", "Budi Santoso", "Sekretariat", "Pengadministrasi Umum"),
    ("199003032015031003", "Citra Dewi", "Sekretariat", "Operator"),
    ("199104042019032004", "Dedi Kurniawan", "Sekretariat", "Pengelola Informasi"),
    ("199205052020121005", "Eka Putri", "Sekretariat", "Arsiparis"),
]


def sop_file(folder: Path, doc_id: str, title: str = "Pelayanan Permohonan", step: str = "") -> Path:
    """A valid SOP file for ``sop add`` / ``sop update``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{doc_id}-{blob_id(step.encode())[:8]}.md"
    path.write_text(
        SOP_TEXT.format(id=doc_id, title=title, step=step or "Pemohon mengisi formulir."), encoding="utf-8"
    )
    return path


def staff_file(folder: Path, people: Iterable[tuple[str, str, str, str]] = STAFF) -> Path:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "name", "unit", "position"])
    writer.writerows(people)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "staff.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path
