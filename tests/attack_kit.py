"""The red team's tools (issue 10): the real `sop` in subprocesses and plain git on real stores.

Every attack file (`tests/test_attack_*.py`) works from the outside, as an
insider with write access to the repository would: it runs the installed `sop`
command (here: processes bounded in time and memory, assertions about their
output), and forges commits that look like soplib's with git plumbing
(`tests/attack_forge.py`), never through soplib's own code. The assertions are
about what an auditor sees: `sop audit verify --json` exits 1 and
some finding names the commit, path or record that was tampered with; a clean
control store verifies.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOP_BIN = Path(sys.executable).parent / "sop"
GiB = 1 << 30

# Variables a developer may have set that would change what `sop` does.
_SOP_ENV = ("SOP_STORE", "SOP_BY", "SOP_SIGNING_KEY", "SOP_DEBUG")


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without soplib's own variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in _SOP_ENV}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # The checks read English messages ("error: ..."); the demo office speaks Bahasa Indonesia.
    env["SOP_LANG"] = "en"
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
    path = folder / f"{doc_id}-{hashlib.sha1(step.encode(), usedforsecurity=False).hexdigest()[:8]}.md"
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
