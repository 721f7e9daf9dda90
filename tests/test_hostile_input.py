"""Hostile input: every value a user controls, fuzzed through the real CLI (docs/reliability.md).

Each example runs `sop` in-process (click's CliRunner) against one shared store
and checks the same promises:

- no traceback reaches the user: exit status 0, 1 or 2; on 1 exactly one line
  on stderr, starting ``error:`` (and never an "internal error");
- nothing is written outside the store except the output file the command was
  told to write (a listing of the whole temporary folder before and after), and
  a refused command leaves the store's refs exactly as they were;
- no string reaches git as an option (marker files named in ``--output=...``,
  ``--upload-pack=touch ...``, ``-c core.hooksPath=...`` never appear);
- every HTML page written is inert (see :func:`assert_inert`).
"""

from __future__ import annotations

import ast
import contextlib
import csv
import inspect
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import ACTOR, ANI, STAFF_CSV, assert_inert, fuzz_settings
from hypothesis import event, given
from hypothesis import strategies as st

from sop_store import gitcmd, graph, signing
from sop_store.gitcmd import GitRunner
from soplib import Store, load, parse
from soplib.cli import main
from soplib.demo_data import sop_files as demo_files
from soplib.documents.model import FIELDS
from soplib.people.staff import ALIASES as STAFF_ALIASES

S1 = "KPU-NTB-SOP-01"
FUZZ = fuzz_settings(150)
# Files an injected git option would create: relative ones land in the command's folder.
PWNED_ABS = Path("/tmp/soplib-fuzz-pwned")
PWNED_REL = "pwned"


# -- the world every example runs in ------------------------------------------------------


@dataclass
class World:
    root: Path  # everything the tests may see change
    store: Path
    cwd: Path  # the folder the command runs in
    session: str  # an open review session over S1 (outcome revise)
    briefing: str
    attendance: Path  # a valid attendance CSV
    unknown_sop: Path  # a valid SOP file whose id is not in the store


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("hostile")
    store_path = root / "store"
    with Store.init(store_path) as store:
        store.sops.add([load(p) for p in demo_files()], by=ACTOR)
        store.staff.import_csv(STAFF_CSV.encode(), by=ACTOR)
        session = store.reviews.start([S1], team={ACTOR: "chair"}, ref="BA 1/2026", by=ACTOR)
        session.outcome(S1, "revise", by=ACTOR)
        briefing = store.briefings.create(title="Sosialisasi", day=date(2026, 11, 27), sops=[S1], by=ACTOR)
    cwd, inputs = root / "cwd", root / "in"
    cwd.mkdir()
    inputs.mkdir()
    (root / "folder").mkdir()
    (root / "victim.txt").write_text("do not touch\n")
    attendance = inputs / "hadir.csv"
    attendance.write_text(f"id\n{ANI}\n")
    unknown = inputs / "unknown.md"
    unknown.write_text("---\nid: NOPE-99\ntitle: Tidak ada\n---\n1. Langkah.\n")
    # Links a careless or hostile path may go through.
    (cwd / "link-into-store").symlink_to(store_path / "HEAD")
    (cwd / "link-to-victim").symlink_to(root / "victim.txt")
    (cwd / "dangling").symlink_to(root / "nowhere" / "x")
    (cwd / "loop").symlink_to(cwd / "loop")
    return World(root, store_path, cwd, session.id, briefing.id, attendance, unknown)


def _listing(world: World) -> dict[str, tuple[str, int, int]]:
    """Every path under the root outside the store: (kind, size, mtime) by lstat."""
    out: dict[str, tuple[str, int, int]] = {}
    for folder, dirs, files in os.walk(world.root):
        if Path(folder) == world.root:
            dirs.remove("store")
        for name in dirs + files:
            path = Path(folder) / name
            st_ = path.lstat()
            kind = "link" if path.is_symlink() else "dir" if path.is_dir() else "file"
            out[str(path)] = (
                kind,
                st_.st_size if kind == "file" else 0,
                st_.st_mtime_ns if kind == "file" else 0,
            )
    return out


def _refs(store: Path) -> dict[str, bytes]:
    refs = {str(p.relative_to(store)): p.read_bytes() for p in (store / "refs").rglob("*") if p.is_file()}
    for name in ("HEAD", "packed-refs"):
        if (store / name).exists():
            refs[name] = (store / name).read_bytes()
    return refs


def assert_clean(result: Result, args: list[str]) -> None:
    """The CLI answered like a tool, not like a crash."""
    where = f"sop {' '.join(map(repr, args))}\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (where, result.exc_info)
    assert result.exit_code in (0, 1, 2), where
    assert "Traceback" not in result.output, where
    if result.exit_code == 1:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), where
        assert "internal error" not in lines[0], where
    elif result.exit_code == 2:
        assert any(line.startswith("Error: ") for line in result.stderr.splitlines()), where


def run(world: World, *args: str, output: str | None = None) -> Result:
    """Run ``sop --store STORE ARGS`` in ``world.cwd`` and check every promise of this file.

    ``output``: the file the command was told to write (relative to cwd); the
    only thing outside the store allowed to change, and only on success.
    """
    before, refs = _listing(world), _refs(world.store)
    with contextlib.chdir(world.cwd):
        result = CliRunner().invoke(main, ["--store", str(world.store), *args])
    assert_clean(result, list(args))
    after = _listing(world)
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    allowed: set[str] = set()
    if output is not None and result.exit_code == 0:
        target = world.cwd / output
        allowed = {str(target), str(Path(os.path.realpath(target)))}
    assert changed <= allowed, (args, result.output, changed)
    if result.exit_code != 0:
        assert _refs(world.store) == refs, (args, "a refused command changed the store")
    assert not PWNED_ABS.exists() and not (world.cwd / PWNED_REL).exists(), args
    return result


# -- values a user types --------------------------------------------------------------------

NASTY = [
    f"--output={PWNED_ABS}", f"--output={PWNED_REL}", "-c", f"-c core.hooksPath={PWNED_REL}",
    f"core.hooksPath={PWNED_REL}", f"--upload-pack=touch {PWNED_ABS}", f"--exec=touch {PWNED_REL}",
    f"$(touch {PWNED_REL})", f"`touch {PWNED_REL}`", f"; touch {PWNED_REL}", "-", "--", "-h",
    "..", ".", "../../etc/passwd", "A-01/../../x", "/etc/passwd", "HEAD", "main", "refs/heads/main",
    "@{-1}", "HEAD~1", "KPU-NTB-SOP-01.lock", "KPU..01", "KPU-01.", ".KPU", "A" * 65, "", " ", "\t",
    "a\nb", "a\x00b", "KPU-NTB-SOP-01\n", " KPU-NTB-SOP-01", "kpu-ntb-sop-01", "R-20261127-ZZZZ",
    "R-20261127-3F2A/../x", "prosedur/0", "prosedur/1/..", "../prosedur/1", "PROSEDUR/1",
    "prosedur/1000000", "prosedur/-1", "%2e%2e", "\u202eevil", "\ufb01", "\uff21-01", "\x1b[2J",
    "*", "?", "~", "~root", "\u2028", "\x85", "\ud7ff", "B-20261127-1/../../x", ANI + "\n",
]  # fmt: skip
hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=70),
    st.from_regex(r"[A-Za-z0-9._/@~:-]{1,70}", fullmatch=True),
)


def _named_output(args: list[str]) -> str | None:
    return args[args.index("-o") + 1] if "-o" in args else None


def _strip_dashdash(args: list[str], keep: bool) -> list[str]:
    return args if keep else [a for a in args if a != "--"]


# Command templates: "$V" is replaced by the fuzzed value, "$SID", "$BID", "$ATT", "$UNK"
# by the world's review session, briefing, attendance CSV and unknown-SOP file.
Template = list[str]


def fill(template: Template, world: World, value: str) -> list[str]:
    names = {"$SID": world.session, "$BID": world.briefing, "$ATT": str(world.attendance)}
    names["$UNK"] = str(world.unknown_sop)
    return [names.get(t, t).replace("$V", value) if "$" in t else t for t in template]


ID_COMMANDS: list[tuple[str, Template]] = [
    ("show", ["show", "--", "$V"]),
    ("show --json", ["show", "--json", "--", "$V"]),
    ("history", ["history", "--json", "--", "$V"]),
    ("diff", ["diff", "--", "$V", "1", "1"]),
    ("print", ["print", "-o", "out.html", "--", "$V"]),
    ("audit history", ["audit", "history", "--", "$V"]),
    ("blame", ["blame", "--json", "--", "$V"]),
    ("coverage", ["coverage", "--", "$V"]),
    ("pending", ["pending", "--", "$V"]),
    ("ack staff", ["ack", "--by", ACTOR, "--", "$V", S1]),
    ("ack sop", ["ack", "--by", ACTOR, "--", ANI, "$V"]),
    ("staff deactivate", ["staff", "deactivate", "--by", ACTOR, "--", "$V"]),
    ("staff list --unit", ["staff", "list", "--json", "--unit=$V"]),
    ("coverage --unit", ["coverage", "--json", "--unit=$V"]),
    ("review status", ["review", "status", "--", "$V"]),
    ("review log", ["review", "log", "--", "$V"]),
    ("review diff sop", ["review", "diff", "--", "$SID", "$V"]),
    ("review decide key", ["review", "decide", "--by", ACTOR, "--", "$SID", S1, "$V", "keep"]),
    ("review decide sop", ["review", "decide", "--by", ACTOR, "--", "$SID", "$V", "prosedur/1", "keep"]),
    ("review outcome session", ["review", "outcome", "--by", ACTOR, "--", "$V", S1, "revise"]),
    ("review replace key", [
        "review", "replace", "--by", ACTOR, "--text", "Langkah.", "--reason", "r", "--", "$SID", S1, "$V"]),
    ("review replace text", [
        "review", "replace", "--by", ACTOR, "--text=$V", "--reason=r", "--", "$SID", S1, "prosedur/2"]),
    ("review add --after", [
        "review", "add", "--by", ACTOR, "--after=$V", "--text=L.", "--reason=r", "--", "$SID", S1]),
    ("review add --section", [
        "review", "add", "--by", ACTOR, "--section=$V", "--text=L.", "--reason=r", "--", "$SID", S1]),
    ("review retract", ["review", "retract", "--by", ACTOR, "--reason", "r", "--", "$V", "1"]),
    ("review start --team", ["review", "start", "--team=$V", "--ref", "SK 1", "--by", ACTOR, "--", S1]),
    ("review start sop", ["review", "start", "--team", ACTOR, "--ref", "SK 1", "--by", ACTOR, "--", "$V"]),
    ("review approve --editorial", ["review", "approve", "$SID", f"--editorial={S1}=$V", "--by", ACTOR]),
    ("review evaluate --note", [
        "review", "evaluate", "$SID", S1, "--note=roles-clear=$V", "--notes=$V", "--by", ACTOR,
        *[x for c in ("drives-performance", "easy-to-understand", "easy-to-carry-out", "roles-clear",
                      "solves-problems", "meets-needs", "fits-other-sops") for x in (f"--{c}", "yes")]]),
    ("briefing show", ["briefing", "show", "--", "$V"]),
    ("briefing attend", ["briefing", "attend", "--by", ACTOR, "--", "$V", "$ATT"]),
    ("briefing create --sops", [
        "briefing", "create", "--title", "T", "--date", "2026-11-27", "--sops=$V", "--by", ACTOR]),
    ("audit verify --head", ["audit", "verify", "--json", "--head=$V"]),
]  # fmt: skip
BY_COMMANDS: list[tuple[str, Template]] = [
    ("ack", ["ack", ANI, S1, "--by=$V"]),
    ("staff import", ["staff", "import", "$ATT", "--by=$V"]),
    ("review outcome", ["review", "outcome", "$SID", S1, "revise", "--by=$V"]),
    ("review start", ["review", "start", S1, "--team", ACTOR, "--ref", "SK", "--by=$V"]),
    ("briefing create", [
        "briefing", "create", "--title", "T", "--date", "2026-11-27", "--sops", S1, "--by=$V"]),
    ("update", ["update", "$UNK", "-m", "x", "--by=$V"]),
]  # fmt: skip
DATES = [
    "2026-02-30", "2026-13-01", "0000-01-01", "0001-01-01", "9999-12-31", "2026-1-1", "20261127",
    "2026-11-27T00:00", "2026-11-27 ", " 2026-11-27", "2026-11-27\n", "\uff12\uff10\uff12\uff16-11-27",
    "2026-W48-5", "-1", "now", "today", "", "2026/11/27", "27-11-2026", "2026-11-27\x00",
]  # fmt: skip
dates = st.one_of(
    st.sampled_from(DATES),
    st.dates().map(str),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.text(max_size=12),
)
DATE_COMMANDS: list[tuple[str, Template]] = [
    ("audit history --as-of", ["audit", "history", S1, "--json", "--as-of=$V"]),
    ("coverage --as-of", ["coverage", "--json", "--as-of=$V"]),
    ("audit report --as-of", ["audit", "report", "--as-of=$V", "--format=json", "--force", "-o", "rep.json"]),
    ("briefing create --date", [
        "briefing", "create", "--title", "T", "--date=$V", "--sops", S1, "--by", ACTOR]),
    ("update --effective-date", [
        "update", "$UNK", "-m", "x", "--effective-date=$V", "--by", ACTOR]),
    ("add --effective-date", ["add", "$UNK", "--effective-date=$V", "--by", ACTOR]),
    ("review approve --effective-date", [
        "review", "approve", "$SID", "--effective-date=$V", "--by", ACTOR]),
]  # fmt: skip


@FUZZ
@given(data=st.data(), value=hostile, keep_dashdash=st.booleans())
def test_hostile_ids_keys_and_names(
    world: World, data: st.DataObject, value: str, keep_dashdash: bool
) -> None:
    _, template = data.draw(st.sampled_from(ID_COMMANDS), label="command")
    args = _strip_dashdash(fill(template, world, value), keep_dashdash)
    result = run(world, *args, output=_named_output(args))
    event(f"exit {result.exit_code}")


@FUZZ
@given(data=st.data(), value=hostile)
def test_hostile_actors(world: World, data: st.DataObject, value: str) -> None:
    name, template = data.draw(st.sampled_from(BY_COMMANDS), label="command")
    result = run(world, *fill(template, world, value))
    if result.exit_code == 0:  # only an id that passes validation can be recorded as the actor
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", value), (name, value)


@FUZZ
@given(data=st.data(), value=dates)
def test_hostile_dates(world: World, data: st.DataObject, value: str) -> None:
    name, template = data.draw(st.sampled_from(DATE_COMMANDS), label="command")
    args = fill(template, world, value)
    result = run(world, *args, output=_named_output(args))
    if name.startswith("audit history") and result.exit_code == 0:
        shown = json.loads(result.stdout)["on"]
        assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", shown), shown


# -- documents -------------------------------------------------------------------------------

HTML_ATTACKS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))", "<iframe src=//evil.example></iframe>", "<svg onload=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;", "&#60;script&#62;", "<SCRIPT SRC=//x.example>",
    '<div style="background:url(javascript:alert(1))">', "javascript&#58;alert(1)", "JaVaScRiPt :alert(1)",
    "</td></tr></table><script>x()</script>", "<!-- x -->", "<?php x ?>", "<![CDATA[x]]>",
    '"><body onload=alert(1)>', "' onmouseover='alert(1)", "<style>*{}</style>", "data:text/html,x",
]  # fmt: skip
line_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=50)
words = st.one_of(line_text, st.sampled_from(HTML_ATTACKS))
blocks = st.one_of(
    st.builds(lambda t: f"# {t}", words),
    st.builds(lambda t: f"## {t}", words),
    st.lists(words, min_size=1, max_size=4).map(
        lambda ts: "".join(f"{n}. {t}\n" for n, t in enumerate(ts, 1))
    ),
    st.lists(words, min_size=1, max_size=4).map(lambda ts: "".join(f"- {t}\n" for t in ts)),
    st.lists(st.tuples(words, words), min_size=1, max_size=3).map(
        lambda rows: "| No | Kegiatan |\n|---|---|\n" + "".join(f"| {a} | {b} |\n" for a, b in rows)
    ),
    st.sampled_from(HTML_ATTACKS),
    st.builds(lambda t: f"```\n{t}\n```", words),
    st.builds(lambda t: f"> {t}", words),
    st.just("x" * 20000),
    words,
)
bodies = st.lists(blocks, min_size=1, max_size=6).map("\n\n".join)
yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), line_text, st.sampled_from(HTML_ATTACKS), st.dates()
)
yaml_values = st.recursive(
    yaml_scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(line_text, c, max_size=3), max_leaves=6
)
doc_ids = st.one_of(st.from_regex(r"FZ-[0-9A-Z]{6}", fullmatch=True), hostile, st.integers())
nonblank = words.map(lambda t: t if t.strip() else "x")
valid_fronts = st.fixed_dictionaries(
    {"id": st.from_regex(r"FZ-[0-9A-Z]{6}", fullmatch=True), "title": nonblank},
    optional={
        "number": nonblank,
        "unit": nonblank,
        "legal_basis": st.lists(nonblank, max_size=3),
        "warnings": st.lists(nonblank, max_size=3),
        "records": nonblank,
        "related": st.lists(st.sampled_from([S1, "KPU-NTB-SOP-02"]), max_size=2),
        "audience": st.fixed_dictionaries({}, optional={"units": st.lists(nonblank, max_size=2)}),
    },
)
random_fronts = st.builds(
    lambda id_, title, extra: {"id": id_, "title": title, **extra},
    doc_ids,
    st.one_of(words, yaml_values),
    st.dictionaries(st.one_of(st.sampled_from(FIELDS), line_text), yaml_values, max_size=4),
)


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    """An SOP file: YAML front matter (random keys and values) and a random Markdown body."""
    front = draw(st.one_of(valid_fronts, random_fronts))
    try:
        front_text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        front_text = draw(line_text)
    if draw(st.integers(0, 9)) == 0:
        front_text = draw(line_text)  # not even YAML
    text = f"---\n{front_text}---\n\n{draw(bodies)}\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    data = text.encode()
    mangle = draw(st.integers(0, 9))
    if mangle == 0:
        data = b"\xef\xbb\xbf" + data  # a byte-order mark
    elif mangle == 1:
        data += draw(st.binary(max_size=8))  # perhaps not UTF-8 any more
    return data


@fuzz_settings(300)
@given(data=documents())
def test_hostile_documents(world: World, data: bytes) -> None:
    source = world.root / "in" / "doc.md"
    source.write_bytes(data)
    result = run(world, "add", str(source), "--by", ACTOR)
    event(f"add: exit {result.exit_code}")
    if result.exit_code != 0:
        return
    # Accepted: stored byte for byte, and every HTML page made from it is inert.
    sop_id = parse(data).id
    shown = CliRunner().invoke(main, ["--store", str(world.store), "show", "--raw", sop_id])
    assert shown.stdout_bytes == data
    page = run(world, "print", sop_id, "--force", "-o", "print.html", output="print.html")
    assert page.exit_code == 0
    assert_inert((world.cwd / "print.html").read_text(encoding="utf-8"))
    diff = run(
        world, "diff", sop_id, "1", "1", "--format", "html", "--force", "-o", "diff.html", output="diff.html"
    )
    assert diff.exit_code == 0
    assert_inert((world.cwd / "diff.html").read_text(encoding="utf-8"))


# -- CSV files -----------------------------------------------------------------------------

cells = st.one_of(
    line_text,
    st.sampled_from(
        ['"', '""', "a,b", "a\nb", "a\r\nb", "\r", " ", "\ufeff", ANI, "=1+1", "\x00", "\u2028", "\x85"]
    ),
    st.from_regex(r"[0-9]{18}", fullmatch=True),
)
headers = st.one_of(
    st.sampled_from([
        ["id", "name", "unit", "position"], ["position", "unit", "name", "id"], ["id"], ["ID", "Name"],
        ["id", "id", "name", "unit"], ["id", "name", "unit", "position", "extra"], [], [""],
        ["\ufeffid", "name", "unit", "position"], [" id ", "name", "unit", "position"],
    ]),
    st.lists(cells, max_size=5),
)  # fmt: skip
name_cells = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",), min_codepoint=32), min_size=1, max_size=20),
    st.sampled_from(["Ani\x85Pratiwi", "U\u2028nit", '"Kepala"', "Keuangan, Umum", "\u202eevil", "=1+1"]),
).map(lambda t: t if t.strip() else "x")
staff_rows = st.tuples(st.from_regex(r"[0-9]{18}", fullmatch=True), name_cells, name_cells, name_cells).map(
    list
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A staff or attendance CSV: right or wrong header, odd cells, odd line ends, or random bytes."""
    if draw(st.integers(0, 7)) == 0:
        return draw(st.binary(max_size=200))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
    well_formed = draw(st.booleans())  # half of them: the right header and NIP-like ids
    writer.writerow(["id", "name", "unit", "position"] if well_formed else draw(headers))
    rows = st.lists(staff_rows if well_formed else st.lists(cells, max_size=5), max_size=5)
    for row in draw(rows):
        writer.writerow(row)
    text = out.getvalue()
    if draw(st.booleans()):
        text = "\ufeff" + text
    data = text.encode()
    if draw(st.integers(0, 7)) == 0:
        data = data.replace(b",", b";")  # a spreadsheet set to another separator
    return data


@fuzz_settings(200)
@given(data=csv_files(), attendance=st.booleans())
def test_hostile_csv_files(world: World, data: bytes, attendance: bool) -> None:
    source = world.root / "in" / "list.csv"
    source.write_bytes(data)
    if attendance:
        run(world, "briefing", "attend", world.briefing, str(source), "--by", ACTOR)
        return
    result = run(world, "staff", "import", str(source), "--by", ACTOR, "--json")
    event(f"import: exit {result.exit_code}")
    listed = run(world, "staff", "list", "--all", "--json")
    assert listed.exit_code == 0  # whatever was imported, the registry still reads back
    if result.exit_code == 0:  # every person in the file reads back as written
        people = {p["id"]: p for p in json.loads(listed.stdout)}
        # The documented input: comma or semicolon separated (whichever the header uses more),
        # column names in any case, or their Indonesian names (NIP, Nama, Unit Kerja, Jabatan).
        text = data.decode("utf-8-sig")
        first = text.split("\n", 1)[0]
        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ","
        )
        header = [" ".join(h.strip().lower().replace("_", " ").split()) for h in next(reader)]
        header = [STAFF_ALIASES.get(h, h) for h in header]
        for cells in reader:
            if any(c.strip() for c in cells):
                row = dict(zip(header, (c.strip() for c in cells), strict=True))
                assert {k: people[row["id"]][k] for k in header} == row


# -- paths --------------------------------------------------------------------------------

PATHS = [
    "missing.md", "../folder", "../folder/", "../in", ".", "/", "", "../../", "/dev/null", "/dev/zero",
    "link-into-store", "dangling", "loop", "../store", "../store/HEAD", "../store/refs/heads/main",
    "../store/objects", "nowhere/deeper/x.html", "../victim.txt", "link-to-victim", "-", "--help",
]  # fmt: skip
INPUT_COMMANDS: list[Template] = [
    ["add", "--by", ACTOR, "--", "$V"],
    ["update", "-m", "x", "--by", ACTOR, "--", "$V"],
    ["staff", "import", "--by", ACTOR, "--", "$V"],
    ["briefing", "attend", "--by", ACTOR, "--", "$BID", "$V"],
    ["review", "propose", "--by", ACTOR, "--", "$SID", "$V"],
    ["audit", "verify", "--receipt=$V"],
    ["audit", "verify", "--allowed-signers=$V"],
]
OUTPUT_COMMANDS: list[Template] = [
    ["print", S1, "--output=$V"],
    ["diff", S1, "1", "1", "--format", "html", "--output=$V"],
    ["review", "diff", "$SID", "--format", "html", "--output=$V"],
    ["audit", "anchor", "--by", ACTOR, "--out=$V"],
    ["audit", "report", "--format=html", "--force", "--output=$V"],
    ["audit", "pack", "--force", "--output=$V"],
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("command", range(len(INPUT_COMMANDS)))
def test_hostile_input_paths(world: World, command: int, path: str) -> None:
    result = run(world, *fill(INPUT_COMMANDS[command], world, path))
    if command < 5:  # none of these is an SOP, a CSV or a receipt (a signers file may be any file)
        assert result.exit_code != 0


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("command", range(len(OUTPUT_COMMANDS)))
def test_hostile_output_paths(world: World, command: int, path: str) -> None:
    result = run(world, *fill(OUTPUT_COMMANDS[command], world, path), output=path)
    if result.exit_code == 0 and not path.startswith("/dev/"):
        written = world.cwd / path
        real = Path(os.path.realpath(written))
        assert real.is_file() and world.store.resolve() not in real.parents
        if command in (0, 1, 2, 4):  # the HTML pages
            assert_inert(real.read_text(encoding="utf-8"))
        if written.is_symlink():  # the named output was a link: the file it names was written
            real.write_text("do not touch\n")
        else:
            written.unlink()


@pytest.mark.parametrize("kind", ["missing", "file", "empty-folder", "plain-git", "dash"])
def test_hostile_store_paths(tmp_path: Path, kind: str) -> None:
    target = {"missing": tmp_path / "nope", "dash": Path("-")}.get(kind, tmp_path / kind)
    if kind == "file":
        target.write_text("x")
    elif kind == "empty-folder":
        target.mkdir()
    elif kind == "plain-git":
        subprocess.run(["git", "init", "-q", "--bare", str(target)], check=True)
    for args in (["list"], ["show", S1], ["staff", "import", "x.csv", "--by", ACTOR], ["audit", "verify"]):
        with contextlib.chdir(tmp_path):
            result = CliRunner().invoke(main, ["--store", str(target), *args])
        assert_clean(result, args)
        assert result.exit_code in (1, 2)


# -- no user string reaches git as an option ---------------------------------------------------

GIT_OPTION_VALUES = [
    f"--output={PWNED_ABS}", f"-c core.hooksPath={PWNED_REL}", f"--upload-pack=touch {PWNED_ABS}",
    f"--exec=touch {PWNED_REL}", "-c", f"--git-dir={PWNED_REL}", f"--work-tree={PWNED_REL}",
]  # fmt: skip


# Commands where the value is an id, a key, a name or a date (free text such as a step's wording or an
# evaluation note is not: it is stored as written, and never reaches git).
FREE_TEXT = ("review replace text", "staff list --unit", "coverage --unit", "review evaluate --note")
ID_ONLY = [(n, t) for n, t in ID_COMMANDS if n not in FREE_TEXT]


@pytest.mark.parametrize("value", GIT_OPTION_VALUES)
@pytest.mark.parametrize("command", [t for _, t in ID_ONLY], ids=[n for n, _ in ID_ONLY])
def test_git_options_as_ids_are_refused(world: World, command: Template, value: str) -> None:
    result = run(world, *fill(command, world, value))
    assert result.exit_code in (1, 2)


def _git_calls() -> list[str]:
    """Every call in soplib and sop_store that can start git or another program."""
    found = []
    root = Path(__file__).parent.parent
    for path in sorted([*root.glob("soplib/**/*.py"), *root.glob("sop_store/*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("run_git", "execute", "run", "Popen", "call", "check_output", "system", "popen"):
                    found.append(f"{path.relative_to(root).as_posix()}:{name}:{ast.unparse(node)}")
    return found


def _literal_args(call: str) -> list[str]:
    """The positional arguments of one call, as source text."""
    node = ast.parse(call, mode="eval").body
    assert isinstance(node, ast.Call), call
    return [ast.unparse(a) for a in node.args]


def test_every_place_that_runs_a_program_uses_fixed_arguments() -> None:
    calls = _git_calls()
    names = sorted(c.split(":", 2)[0] + ":" + c.split(":", 2)[1] for c in calls)
    # A new call site fails this test: check it, then add it here.
    assert names == [
        "sop_store/gitcmd.py:execute",
        "sop_store/graph.py:run",
        "sop_store/graph.py:run",
        "sop_store/graph.py:run",
        "sop_store/packing.py:run",
        "sop_store/packing.py:run",
        "sop_store/packing.py:run",
        "sop_store/remote.py:run",
        "sop_store/remote.py:run",
        "sop_store/remote.py:run",
        "sop_store/signing.py:run",
        "sop_store/signing.py:run",
        "soplib/audit/checks.py:run",
        "soplib/store.py:execute",
    ], calls
    # soplib.ops.execute applies an operation; it starts no program.
    assert next(c for c in calls if c.startswith("soplib/store.py:")).endswith(
        ":execute(self, op, by=by, at=at, merge=merge)"
    )
    # Git runs in one place, GitRunner.run: fixed settings first (no hooks, no fsmonitor), in a shadow
    # repository with a clean config, never the store's own (whose config its owner controls).
    run_source = inspect.getsource(GitRunner.run)
    assert 'command = ["git", *_FIXED, *args]' in run_source
    assert {"core.hooksPath=/dev/null", "core.fsmonitor=false"} <= set(gitcmd._FIXED)
    assert '"GIT_DIR": str(git_dir or shadow_repository())' in inspect.getsource(GitRunner.env)
    execute = next(c for c in calls if ":execute:" in c and c.startswith("sop_store/gitcmd.py"))
    assert "git.Git().execute(command," in execute
    # Its callers pass literal options only; the one value from the store (commit ids, validated)
    # comes after --end-of-options, and packing's one path is the store's own pack folder.
    # History questions (rev-list, merge-base) pass commit ids only after --end-of-options.
    for call in (c for c in calls if c.startswith("sop_store/graph.py")):
        assert "'--end-of-options'" in call or "--end-of-options" in inspect.getsource(graph._rev_list), call
    for call in (c for c in calls if c.startswith(("sop_store/packing.py", "soplib/audit/checks.py"))):
        args = _literal_args(call.split(":", 2)[2])
        fixed = args[: args.index("'--end-of-options'")] if "'--end-of-options'" in args else args
        assert all(re.fullmatch(r"'[-a-zA-Z.=2]+'", a) or a == "pack" for a in fixed), call
    # Remotes: a URL (checked by validate_url) always comes after "--"; config keys are built from a
    # checked remote name and written to the store's own remotes file, never the store's git config.
    for call in (c for c in calls if c.startswith("sop_store/remote.py")):
        args = _literal_args(call.split(":", 2)[2])
        if "'fetch'" in args or "'push'" in args:
            assert args[args.index("'--'") + 1] == "validate_url(url)", call
        else:
            assert args[:3] == ["'config'", "'--file'", "str(config_path(repo))"], call
    fsck = next(c for c in calls if c.startswith("soplib/audit/checks.py"))
    assert "'--end-of-options', *sorted(heads)" in fsck
    # ssh-keygen: fixed options; the key file is the signer's own, the signature a temporary file.
    signing_calls = [c for c in calls if "signing.py" in c]
    assert any("[PROGRAM, '-Y', 'sign', '-n', NAMESPACE, '-f', str(key_file)]" in c for c in signing_calls)
    checking = ast.parse(inspect.getsource(signing.check_signature))
    argvs = [
        [ast.unparse(e) for e in node.args[0].elts]
        for node in ast.walk(checking)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "_run"
        and isinstance(node.args[0], ast.List)
    ]
    assert len(argvs) == 3, argvs  # verify as the actor, find the key's principals, verify as them
    for parts in argvs:
        assert parts[0] == "PROGRAM", parts
        for n, part in enumerate(parts[1:], 1):
            assert re.fullmatch(
                r"'-[A-Za-z]+'|'[a-z-]+'|NAMESPACE|str\(\w+\)|principal|principals\[0\]", part
            ), parts
            if part in ("principal", "principals[0]"):
                # The principal is -I's value, so even a name starting with '-' stays a value.
                assert parts[n - 1] == "'-I'", parts


# -- bugs this fuzzing found (kept as plain regression tests) ---------------------------------


def test_an_item_holding_a_unicode_line_separator_stays_one_item() -> None:
    doc = parse("---\nid: A-01\ntitle: t\n---\n# P\n\n1. a\u2028b\n2. c\f d\n3. e\x85f\n")
    assert [i.text for i in doc.items if i.kind == "list_item"] == ["a\u2028b", "c\f d", "e\x85f"]


@pytest.mark.parametrize("char", ["\x1f", "\x00", "\x7f", "\ufffe"])
def test_a_control_character_in_front_matter_is_one_line_with_its_line(world: World, char: str) -> None:
    source = world.root / "in" / "ctl.md"
    source.write_text(f"---\nid: CTL-01\ntitle: a{char}b\n---\n1. Langkah.\n", encoding="utf-8")
    result = run(world, "add", str(source), "--by", ACTOR)
    assert result.exit_code == 1 and "ctl.md:3: front matter is not valid YAML" in result.stderr


def test_a_staff_name_with_a_line_separator_keeps_the_registry_readable(world: World) -> None:
    source = world.root / "in" / "nel.csv"
    source.write_bytes("id,name,unit,position\nNEL-1,Ani\u2028Pratiwi,U\u2029nit,P\n".encode())
    assert run(world, "staff", "import", str(source), "--by", ACTOR).exit_code == 0
    people = json.loads(run(world, "staff", "list", "--json").stdout)
    assert {"id": "NEL-1", "name": "Ani\u2028Pratiwi", "unit": "U\u2029nit"}.items() <= next(
        p for p in people if p["id"] == "NEL-1"
    ).items()
    # C1 controls (U+0085 next line, U+009B a terminal's CSI) are refused like C0 ones
    source.write_bytes("id,name,unit,position\nNEL-2,Ani\x85Pratiwi,U,P\n".encode())
    refused = run(world, "staff", "import", str(source), "--by", ACTOR)
    assert refused.exit_code == 1 and "row 2, column name: control character" in refused.stderr


def test_titles_cannot_break_commit_messages(world: World) -> None:
    source = world.root / "in" / "nul.md"
    source.write_text('---\nid: NUL-01\ntitle: "a\\0b\\n\\nSop-Actor: mallory"\n---\n1. Langkah.\n')
    assert run(world, "add", str(source), "--by", ACTOR).exit_code == 0
    message = subprocess.run(
        ["git", "-C", str(world.store), "log", "-1", "--format=%B"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    subject, _, trailers = message.strip().partition("\n\n")
    assert subject == "Add NUL-01: a b Sop-Actor: mallory"
    assert trailers.splitlines()[0] == f"Sop-Actor: {ACTOR}"
    fsck = subprocess.run(["git", "-C", str(world.store), "fsck", "--strict"], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stderr


def test_the_store_still_verifies_after_the_fuzzing(world: World) -> None:
    # Module order: this runs after the fuzz tests above have written what they could.
    result = run(world, "audit", "verify", "--json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["findings"] == []
    # and the audit report over everything the fuzzing added is an inert page
    report = run(world, "audit", "report", "--force", "-o", "report.html", output="report.html")
    assert report.exit_code == 0, report.output
    assert_inert((world.cwd / "report.html").read_text(encoding="utf-8"))


# -- a few real processes -----------------------------------------------------------------------

SOP = str(Path(sys.executable).parent / "sop")


@pytest.mark.parametrize(
    "args",
    [
        ["show", "--", f"--output={PWNED_ABS}"],
        ["history", "--", f"--upload-pack=touch {PWNED_ABS}"],
        ["ack", "--by", ACTOR, "--", f"-c core.hooksPath={PWNED_REL}", S1],
        ["review", "status", "R-20261127-0000/../../x"],
        ["audit", "history", S1, "--as-of", "2026-02-30"],
        ["print", S1, "-o", "link-into-store"],
    ],
)
def test_hostile_values_in_a_real_process(world: World, args: list[str]) -> None:
    before = _refs(world.store)
    done = subprocess.run(
        [SOP, "--store", str(world.store), *args], capture_output=True, cwd=world.cwd, timeout=60
    )
    assert done.returncode in (1, 2), done
    err = done.stderr.decode()
    assert "Traceback" not in err and (
        done.returncode == 2 or (err.startswith("error: ") and err.count("\n") == 1)
    )
    assert _refs(world.store) == before and not PWNED_ABS.exists() and not (world.cwd / PWNED_REL).exists()


def test_undecodable_arguments_in_a_real_process(world: World) -> None:
    done = subprocess.run(
        [SOP.encode(), b"--store", bytes(world.store), b"review", b"start", S1.encode(),
         b"--team", ACTOR.encode(), b"--ref", b"SK \xff", b"--by", ACTOR.encode()],
        capture_output=True, cwd=world.cwd, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and b"not valid UTF-8" in done.stderr and b"Traceback" not in done.stderr


def test_terminal_control_characters_from_documents_are_not_printed(world: World) -> None:
    source = world.root / "in" / "esc.md"
    source.write_text('---\nid: ESC-01\ntitle: "a\\e[2J\\tb\\u0085c"\n---\n1. Langkah.\n', encoding="utf-8")
    added = run(world, "add", str(source), "--by", ACTOR)
    assert added.exit_code == 0 and added.stdout == "added ESC-01 v1: a [2J b c\n"
    listed = run(world, "list")
    assert "\x1b" not in listed.stdout and "\x85" not in listed.stdout
    assert {line.count("\t") for line in listed.stdout.splitlines()} == {5}  # one row per SOP, six columns


def test_terminal_tables_show_markup_and_escapes_as_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from soplib.cli.output import table

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    table("Judul [bold]x", ["a"], [["[red]rot[/red] \x1b[2J"]])
    text = screen.getvalue()
    assert "[red]rot[/red]" in text and "[bold]x" in text and "\x1b[2J" not in text
