"""Attack: make a value reach git (or another program) as an option (issue 10; extends test_hostile_input).

Every string that soplib could hand to a program is tried with a leading `-`
or a git option inside it (`--upload-pack=touch ...`, `-c core.hooksPath=...`,
`--output=...`, `--exec=...`, `--git-dir=...`): ids, item keys, session and
briefing ids, staff ids, `--head` refs, file names (SOP files, staff and
attendance lists, receipts, allowed signers files, outputs), the store's own
path (given with `--store` and in `$SOP_STORE`), records forged into the store
(an SOP, a staff id, a session folder, a tag whose names are such options), and
a remote URL in the store's config. All through the real `sop` in subprocesses.

Expected defence: each value is refused with one line (or a usage error), or
is harmless: a file with that exact name is read or written, nothing else. The
marker files an injected option would create never appear.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from attack_forge import (
    dump,
    forge,
    git,
    last_commit,
    many_loose_objects,
    read_json,
)
from attack_kit import (
    Sop,
    assert_clean_exit,
    clean_env,
    keygen,
    ok,
    sop,
    sop_file,
    staff_file,
)

A = "KPU-OPT-01"
BY = "ani.pratiwi"
PERSON = "198001012005011001"


def values(marker_abs: Path) -> list[str]:
    return [
        f"--upload-pack=touch {marker_abs}", "-c core.hooksPath=pwned", f"--output={marker_abs}",
        "--exec=touch pwned", "-", f"-oProxyCommand=touch {marker_abs}",
    ]  # fmt: skip


class World:
    """A store with an SOP, staff, an open session, a briefing and a receipt; a working folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.store = root / "store"
        self.cwd = root / "cwd"
        self.marker = root / "pwned-abs"

    def sop(self, *args: str, store: Path | None = None, env: dict[str, str] | None = None) -> Sop:
        result = sop(store or self.store, *args, cwd=self.cwd, env=env)
        self.check(result)
        return result

    def check(self, result: Sop) -> None:
        assert result.code in (0, 1, 2), result.where
        if result.code != 2:
            assert_clean_exit(result)
        assert "Traceback" not in result.err
        pwned = [p for p in (self.marker, self.cwd / "pwned", self.store / "pwned") if p.exists()]
        assert not pwned, f"an option was injected: {pwned} after {result.where}"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("opt")
    store, inputs = root / "store", root / "in"
    ok(sop(store, "init"))
    ok(sop(store, "add", str(sop_file(inputs, A)), "--by", BY))
    ok(sop(store, "staff", "import", str(staff_file(inputs)), "--by", BY))
    started = ok(sop(store, "review", "start", A, "--team", f"{BY}:chair", "--ref", "BA 1", "--by", BY))
    (root / "session").write_text(started.out.strip().split()[-1])
    made = ok(
        sop(store, "briefing", "create", "--title", "T", "--date", "2026-11-27", "--sops", A, "--by", BY)
    )
    (root / "briefing").write_text(made.out.strip().split()[-1])
    ok(sop(store, "audit", "anchor", "--by", BY, "--out", str(root / "receipt.json")))
    return root


@pytest.fixture
def world(template: Path, tmp_path: Path) -> World:
    for name in ("store", "in"):
        shutil.copytree(template / name, tmp_path / name, symlinks=True)
    for name in ("session", "briefing", "receipt.json"):
        shutil.copy(template / name, tmp_path / name)
    w = World(tmp_path)
    w.cwd.mkdir()
    return w


# -- values typed as ids, keys, refs ------------------------------------------------------------------

TEMPLATES = [
    ["show", "--", "$V"], ["history", "--json", "--", "$V"], ["blame", "--", "$V"],
    ["audit", "history", "--", "$V"], ["coverage", "--", "$V"], ["pending", "--", "$V"],
    ["ack", "--by", BY, "--", "$V", A], ["ack", "--by", BY, "--", PERSON, "$V"],
    ["staff", "deactivate", "--by", BY, "--", "$V"], ["review", "status", "--", "$V"],
    ["review", "decide", "--by", BY, "--", "$SID", A, "$V", "keep"],
    ["review", "outcome", "--by", BY, "--", "$V", A, "revise"], ["briefing", "show", "--", "$V"],
    ["briefing", "create", "--title", "T", "--date", "2026-11-27", "--sops=$V", "--by", BY],
    ["review", "start", "--team=$V", "--ref", "x", "--by", BY, "--", A],
    ["audit", "verify", "--json", "--head=$V"], ["diff", "--", A, "1", "$V"], ["ack", PERSON, A, "--by=$V"],
    ["print", "-o", "out.html", "--", "$V"],
]  # fmt: skip


@pytest.mark.parametrize("template_", TEMPLATES, ids=[" ".join(t) for t in TEMPLATES])
def test_option_like_ids_are_refused_or_harmless(world: World, template_: list[str]) -> None:
    sid = (world.root / "session").read_text()
    before = git(world.store, "for-each-ref", "--format=%(refname) %(objectname)")
    for value in values(world.marker):
        args = [a.replace("$V", value).replace("$SID", sid) for a in template_]
        result = world.sop(*args)
        if result.code != 0:
            assert git(world.store, "for-each-ref", "--format=%(refname) %(objectname)") == before, (
                result.where
            )


# -- file names --------------------------------------------------------------------------------------------


def _named(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


FILE_NAMES = ["--upload-pack=touch pwned.md", "-c core.hooksPath=pwned.md", "--output=pwned.md", "-.md"]


@pytest.mark.parametrize("name", FILE_NAMES)
def test_input_files_named_like_options(world: World, name: str) -> None:
    source = sop_file(world.root / "tmp", "KPU-OPT-02", step="Langkah dari berkas berawalan minus.")
    _named(world.cwd, name, source.read_bytes())
    assert world.sop("add", "--by", BY, "--", name).code == 0
    update = sop_file(world.root / "tmp", "KPU-OPT-02", step="Langkah kedua dari berkas berawalan minus.")
    _named(world.cwd, name, update.read_bytes())
    assert world.sop("update", "-m", "x", "--base", "1", "--by", BY, "--", name).code == 0
    csv_name = name.replace(".md", ".csv")
    _named(world.cwd, csv_name, staff_file(world.root / "tmp").read_bytes())
    assert world.sop("staff", "import", "--by", BY, "--", csv_name).code == 0
    _named(world.cwd, csv_name, f"id\n{PERSON}\n".encode())
    briefing = (world.root / "briefing").read_text()
    assert world.sop("briefing", "attend", "--by", BY, "--", briefing, csv_name).code == 0
    receipt = _named(world.cwd, name.replace(".md", ".json"), (world.root / "receipt.json").read_bytes())
    assert world.sop("audit", "verify", f"--receipt={receipt.name}").code == 0
    key = keygen(world.root / "k")
    signers = _named(
        world.cwd, name.replace(".md", ""), f"x@kpu {key.with_suffix('.pub').read_text()}".encode()
    )
    world.sop("audit", "verify", f"--allowed-signers={signers.name}")  # unsigned store: refused or a finding


@pytest.mark.parametrize("name", [n.replace(".md", "") for n in FILE_NAMES])
def test_output_files_named_like_options(world: World, name: str) -> None:
    session = (world.root / "session").read_text()
    outputs = [
        (["print", A, f"--output={name}.html"], f"{name}.html"),
        (["audit", "report", f"--output={name}.report.html"], f"{name}.report.html"),
        (["audit", "pack", f"--output={name}.zip"], f"{name}.zip"),
        (["audit", "anchor", "--by", BY, f"--out={name}.receipt.json"], f"{name}.receipt.json"),
        (["review", "diff", session, "--format", "html", "-o", f"{name}.diff.html"], f"{name}.diff.html"),
    ]  # fmt: skip
    for args, written in outputs:
        before = {p.name for p in world.cwd.iterdir()}
        result = world.sop(*args)
        after = {p.name for p in world.cwd.iterdir()}
        if result.code == 0:
            assert after - before == {written}, (args, after - before)
        else:
            assert after == before, (args, after - before)


# -- the store's own path ------------------------------------------------------------------------------------

STORE_NAMES = ["--upload-pack=touch pwned", "-c core.hooksPath=pwned", "--git-dir=pwned", "-"]


@pytest.mark.parametrize("name", STORE_NAMES)
def test_a_store_whose_path_looks_like_an_option(world: World, name: str) -> None:
    store = world.cwd / name
    world.sop("init", store=Path(name))
    assert (store / "HEAD").is_file(), "the store was not made under its literal name"
    world.sop("add", "--by", BY, str(sop_file(world.root / "tmp", A)), store=Path(name))
    for args in (["list"], ["show", A], ["audit", "verify"], ["audit", "anchor", "--by", BY]):
        assert world.sop(*args, store=Path(name)).code == 0
    listed = world.sop("list", "--json", store=None, env=clean_env(SOP_STORE=name))
    assert A in listed.out
    # once thousands of objects are loose, the next write packs the store with git
    many_loose_objects(store)
    assert world.sop("audit", "anchor", "--by", BY, store=Path(name)).code == 0
    assert list((store / "objects" / "pack").glob("*.pack")), "the store did not pack itself"
    assert world.sop("audit", "verify", store=Path(name)).code == 0


# -- records forged into the store -------------------------------------------------------------------------

EVIL = "--upload-pack=touch pwned"


def _forge_records(world: World) -> None:
    s = world.store
    like = last_commit(s, action="briefing")
    record = read_json(s, f"sops/{A}.json")
    registry = (git(s, "cat-file", "blob", "main:staff/registry.jsonl") + "\n").encode()
    person = dump(
        {"active": True, "id": "--exec=touch pwned", "name": "X", "position": "P", "unit": "Sekretariat"}
    )
    sid = (world.root / "session").read_text()
    header = read_json(s, f"reviews/{sid}/session.json")
    forge(s, {
        f"sops/{EVIL}.json": dump({**record, "id": EVIL}),
        f"sops/{EVIL}.md": b"---\nid: x\n---\n1. a\n",
        "staff/registry.jsonl": registry + person,
        f"reviews/{EVIL}/session.json": dump({**header, "id": EVIL}),
    }, like=like)  # fmt: skip
    git(s, "update-ref", "refs/tags/sop/--exec=pwned/v1", "main")


def test_option_like_names_forged_into_the_records(world: World) -> None:
    _forge_records(world)
    readers = [
        ["list"], ["list", "--json"], ["coverage"], ["staff", "list"], ["review", "list"], ["history", A],
        ["due"], ["audit", "verify", "--json"], ["audit", "report", "-o", "r.html"],
        ["audit", "pack", "-o", "p.zip"],
    ]  # fmt: skip
    for args in readers:
        world.sop(*args)
    verdict = world.sop("audit", "verify", "--json")
    assert verdict.code == 1 and verdict.out.strip(), (
        f"verify must report the forged records: {verdict.where}"
    )
    assert json.loads(verdict.out)["findings"], "the forged records went unnoticed"


def test_a_remote_url_starting_with_a_dash_in_the_store_config(world: World) -> None:
    """A promisor remote whose URL is an option: reading a missing object must not fetch (or run) anything."""
    s = world.store
    for key, value in [("core.repositoryFormatVersion", "1"), ("extensions.partialClone", "origin"),
                       ("remote.origin.url", f"--upload-pack=touch {world.marker}"),
                       ("remote.origin.promisor", "true"), ("protocol.allow", "always")]:  # fmt: skip
        git(s, "config", key, value)
    text = git(s, "rev-parse", f"main:sops/{A}.md")
    (s / "objects" / text[:2] / text[2:]).unlink()
    for args in (["show", A], ["list"], ["audit", "verify"]):
        result = world.sop(*args)
        assert result.code != 0 or args == ["list"], result.where
