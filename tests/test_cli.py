"""The `sop` command line end to end: every command of the foundation, errors, options."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import ACTOR, CliRun, write_sop

from soplib import Store
from soplib.cli import main
from soplib.demo_data import sop_files as demo_files

DOCS = Path(__file__).resolve().parent.parent / "docs"
SOP_BIN = Path(sys.executable).parent / "sop"


def documented_example(name: str) -> object:
    """The JSON example docs/cli.md gives under ``<!-- json: NAME -->``."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- json: {re.escape(name)} -->\s*```json\n(.*?)```", text, flags=re.DOTALL)
    assert match, f"docs/cli.md documents no JSON for {name}"
    return json.loads(match.group(1))


def same_shape(actual: object, documented: object, where: str = "$") -> None:
    """``actual`` has exactly the documented keys (recursively) and JSON types compatible with them."""
    if isinstance(documented, dict):
        assert isinstance(actual, dict), where
        assert set(actual) == set(documented), (where, sorted(set(actual) ^ set(documented)))
        for key, value in documented.items():
            same_shape(actual[key], value, f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(actual, list), where
        if documented and actual:
            for element in actual:
                same_shape(element, documented[0], f"{where}[]")
    elif documented is not None and actual is not None:
        assert isinstance(actual, type(documented)), (where, actual, documented)


@pytest.fixture
def populated(cli: CliRun, tmp_path: Path) -> list[Path]:
    assert cli("init").exit_code == 0
    r = cli("add", *map(str, demo_files()), "--by", ACTOR, "-m", "SOP awal")
    assert r.exit_code == 0, r.output
    return demo_files()


def edited_copy(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# -- every command -------------------------------------------------------------------


def test_init_creates_a_bare_store_and_refuses_to_overwrite(cli: CliRun, store_path: Path) -> None:
    r = cli("init")
    assert r.exit_code == 0 and f"created an empty SOP store at {store_path}" in r.output
    assert (
        subprocess.run(
            ["git", "--git-dir", str(store_path), "rev-parse", "--is-bare-repository"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        == "true"
    )
    again = cli("init")
    assert again.exit_code == 1 and again.output.startswith("error: ") and "not empty" in again.output


def test_add_reports_each_sop(populated: list[Path], cli: CliRun) -> None:
    listed = json.loads(cli("list", "--json").output)
    assert [s["id"] for s in listed] == [
        "KPU-NTB-SOP-01",
        "KPU-NTB-SOP-02",
        "KPU-NTB-SOP-03",
        "KPU-NTB-SOP-04",
    ]


def test_add_is_all_or_nothing(cli: CliRun, tmp_path: Path, store_path: Path) -> None:
    cli("init")
    good = [write_sop(tmp_path, f"AB-0{n}") for n in (1, 2)]
    bad = write_sop(tmp_path, "AB-03", body="---\nid: AB-03\ntitel: Salah\n---\n1. a\n")
    head = Store.open(store_path)
    before = head.head()
    r = cli("add", str(good[0]), str(bad), str(good[1]), "--by", ACTOR)
    assert r.exit_code == 1
    assert r.output == f"error: {bad}:3: unknown front-matter key 'titel' (did you mean 'title'?)\n"
    assert head.head() == before and head.sops.ids() == []
    # A file whose id already exists in the store is refused the same way.
    assert cli("add", str(good[0]), "--by", ACTOR).exit_code == 0
    r = cli("add", str(good[1]), str(good[0]), "--by", ACTOR)
    assert r.exit_code == 1 and r.output.count("\n") == 1 and "AB-01 already exists" in r.output
    assert head.sops.ids() == ["AB-01"]
    missing = cli("add", str(tmp_path / "nope.md"), "--by", ACTOR)
    assert missing.exit_code == 1 and "cannot read" in missing.output
    head.close()


def test_update_show_history_and_diff(populated: list[Path], cli: CliRun, tmp_path: Path) -> None:
    source = populated[3]
    # The way to edit: `sop show` (its first line names the version), edit, `sop update`.
    shown_v1 = cli("show", "KPU-NTB-SOP-04").output
    assert shown_v1.startswith("---\n# soplib-base: KPU-NTB-SOP-04 v1\n")
    (tmp_path / "shown").mkdir()
    new = (tmp_path / "shown" / "KPU-NTB-SOP-04.md").resolve()
    new.write_text(shown_v1, encoding="utf-8")
    new = edited_copy(
        tmp_path / "shown",
        new,
        "memeriksa ketersediaan barang.",
        "memeriksa ketersediaan dan kondisi barang.",
    )
    r = cli("update", str(new), "--by", "budi", "-m", "Kondisi barang", "--effective-date", "2026-12-01")
    assert r.exit_code == 0 and r.output == "saved KPU-NTB-SOP-04 v2\n"
    stored = new.read_text(encoding="utf-8").replace("# soplib-base: KPU-NTB-SOP-04 v1\n", "")

    # The base line is never stored: --raw prints the exact bytes.
    assert cli("show", "KPU-NTB-SOP-04", "--raw").output == stored
    assert cli("show", "KPU-NTB-SOP-04").output == stored.replace(
        "---\n", "---\n# soplib-base: KPU-NTB-SOP-04 v2\n", 1
    )
    assert cli("show", "KPU-NTB-SOP-04", "--version", "1", "--raw").output == source.read_text(
        encoding="utf-8"
    )
    assert cli("show", "KPU-NTB-SOP-04", "--version", "1").output == shown_v1

    # A text edited from v1 would undo v2: refused, naming what changed since; --base says the same.
    stale = edited_copy(tmp_path, source, "menyetujui peminjaman.", "menyetujui peminjaman secara tertulis.")
    for args in ([], ["--base", "1"]):
        refused = cli("update", str(stale), "--by", ACTOR, "-m", "x", *args)
        if not args:  # a file without the base line must say which version it came from
            assert refused.exit_code == 1 and "which version of KPU-NTB-SOP-04" in refused.output
            continue
        assert refused.exit_code == 1 and refused.output.count("\n") == 1
        assert "edited from KPU-NTB-SOP-04 v1, but the current version is v2" in refused.output
        assert "v2 (update by budi on " in refused.output

    shown = json.loads(cli("show", "KPU-NTB-SOP-04", "--json").output)
    assert shown["version"] == 2 and shown["status"] == "current" and shown["by"] == "budi"
    assert shown["effective_date"] == "2026-12-01" and shown["message"] == "Kondisi barang"
    first = shown["items"][0]
    assert set(first) == {
        "key",
        "section",
        "ordinal",
        "kind",
        "text",
        "start_line",
        "end_line",
        "fingerprint",
        "cells",
    }
    assert (first["key"], first["kind"], first["text"]) == (
        "title",
        "field",
        "Peminjaman Barang Milik Negara",
    )
    step = next(i for i in shown["items"] if i["key"] == "prosedur/2")
    assert step["text"].startswith("Pengelola BMN memeriksa ketersediaan dan kondisi barang.")
    assert (step["start_line"], step["kind"]) == (22, "list_item")  # after the declared history block
    old = json.loads(cli("show", "KPU-NTB-SOP-04", "-v", "1", "--json").output)
    assert old["status"] == "superseded" and old["commit"] != shown["commit"]

    hist = json.loads(cli("history", "KPU-NTB-SOP-04", "--json").output)
    assert [(h["version"], h["by"], h["action"]) for h in hist] == [(1, ACTOR, "add"), (2, "budi", "update")]
    assert hist[1]["commit"] == shown["commit"] and hist[1]["effective_date"] == "2026-12-01"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", hist[1]["created"])
    plain = cli("history", "KPU-NTB-SOP-04").output.splitlines()
    assert plain[0].split("\t") == [
        "version",
        "date",
        "by",
        "action",
        "effective",
        "approver",
        "commit",
        "message",
    ]
    assert plain[2].split("\t") == [
        "2", hist[1]["created"][:10], "budi", "update", "2026-12-01", "", shown["commit"][:10],
        "Kondisi barang",
    ]  # fmt: skip

    d = cli("diff", "KPU-NTB-SOP-04", "1", "2", "--format", "unified")
    assert d.exit_code == 0
    assert d.output.startswith("--- KPU-NTB-SOP-04 v1\n+++ KPU-NTB-SOP-04 v2\n")
    assert "-2. Pengelola BMN memeriksa ketersediaan barang.\n" in d.output
    assert "+2. Pengelola BMN memeriksa ketersediaan dan kondisi barang.\n" in d.output
    assert cli("diff", "KPU-NTB-SOP-04", "2", "2", "--format", "unified").output == ""
    redline = cli("diff", "KPU-NTB-SOP-04", "1", "2")
    assert redline.exit_code == 0
    assert "0 removed, 0 added" in redline.output and "1 changed" in redline.output


def test_list_plain_output(populated: list[Path], cli: CliRun) -> None:
    lines = cli("list").output.splitlines()
    assert lines[0] == "id\ttitle\tunit\tversion\tstatus\teffective"
    assert lines[1].startswith("KPU-NTB-SOP-01\tPelayanan Permohonan Informasi Publik\t") and len(lines) == 5


def test_update_needs_a_message_and_a_real_date(populated: list[Path], cli: CliRun) -> None:
    no_message = cli("update", str(populated[0]), "--by", ACTOR)
    assert no_message.exit_code == 2 and "--message" in no_message.output
    bad_date = cli("update", str(populated[0]), "--by", ACTOR, "-m", "x", "--effective-date", "2026-02-30")
    assert bad_date.exit_code == 2 and "'2026-02-30' is not a date: use YYYY-MM-DD" in bad_date.output
    assert "--effective-date" in bad_date.output and "Traceback" not in bad_date.output


def test_demo_builds_a_store(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    r = CliRunner().invoke(main, ["demo", "--dir", str(target)])
    assert r.exit_code == 0, r.output
    assert f"The demo store is at {target}" in r.output
    with Store.open(target) as store:
        assert set(store.sops.ids()) >= {p.stem for p in demo_files()}
        assert store.sops.get("KPU-NTB-SOP-04").version == 2
        # Word in: the demo writes an old SOP as the office's .docx and imports it with its history.
        imported = store.sops.get("KPU-NTB-SOP-06")
        declared = imported.document.front.declared
        assert declared is not None and declared.made == date(2018, 7, 2) and len(declared.revised) == 2
        assert imported.record.message == "Imported from Word: SOP Pengelolaan Arsip Dinamis.docx"
        assert [i.key for i in imported.document.body_items] == [f"prosedur/{n}" for n in (1, 2, 3, 4)]
        assert store.audit.verify().ok
    assert (tmp_path / "demo-word" / "SOP Pengelolaan Arsip Dinamis.docx").is_file()
    assert "imported KPU-NTB-SOP-06 v1: made 2018-07-02, revised 2 times" in r.output
    again = CliRunner().invoke(main, ["demo", "--dir", str(target)])
    assert again.exit_code == 1 and "is not empty" in again.output


# -- JSON output matches docs/cli.md ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("list", ["list", "--json"]),
        ("show", ["show", "KPU-NTB-SOP-01", "--json"]),
        ("history", ["history", "KPU-NTB-SOP-01", "--json"]),
    ],
)
def test_json_output_matches_the_documented_schema(
    populated: list[Path], cli: CliRun, name: str, args: list[str]
) -> None:
    r = cli(*args)
    assert r.exit_code == 0
    same_shape(json.loads(r.output), documented_example(name))


def _commands(group: click.Group, prefix: str = "sop") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
        out.append((f"{prefix} {name}", command))
        if isinstance(command, click.Group):
            out += _commands(command, f"{prefix} {name}")
    return out


def test_every_command_and_option_is_documented() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name, command in _commands(main):
        assert f"`{name}" in text, f"{name} is not documented in docs/cli.md"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in text, f"{name} {opt} is not documented in docs/cli.md"


def test_every_foundation_command_has_its_own_section() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name in ("init", "add", "update", "list", "show", "history", "diff", "demo"):
        assert f"### `sop {name}" in text, name


# -- errors, options, environment ----------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["show", "--", "--output=/tmp/x"],
        ["show", "--", "-c"],
        ["history", "--", "--upload-pack=touch /tmp/pwned"],
        ["show", "../../etc/passwd"],
        ["diff", "--", "-c", "1", "2"],
    ],
)
def test_hostile_ids_are_refused_before_git(populated: list[Path], cli: CliRun, args: list[str]) -> None:
    r = cli(*args)
    assert r.exit_code == 1 and r.output.startswith("error: invalid SOP id ") and r.output.count("\n") == 1


def test_a_lower_case_id_is_answered_with_the_id_it_means(populated: list[Path], cli: CliRun) -> None:
    r = cli("show", "kpu-ntb-sop-01")
    assert r.exit_code == 1 and r.output == (
        "error: no SOP kpu-ntb-sop-01; SOP ids are upper case: did you mean KPU-NTB-SOP-01?\n"
    )


@pytest.mark.parametrize("by", ["-c", "--output=/tmp/x", "a b", "../x"])
def test_hostile_actors_are_refused(populated: list[Path], cli: CliRun, by: str) -> None:
    r = cli("update", str(populated[0]), f"--by={by}", "-m", "x", "--base", "1")
    assert r.exit_code == 1 and "invalid actor id" in r.output and r.output.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["show"],
        ["show", "-c"],
        ["nosuch"],
        ["diff", "KPU-NTB-SOP-01", "1"],
        ["diff", "KPU-NTB-SOP-01", "1", "x"],
        ["show", "KPU-NTB-SOP-01", "--version", "0"],
        ["add"],
        ["list", "--bogus"],
    ],
)
def test_usage_errors_exit_2(populated: list[Path], cli: CliRun, args: list[str]) -> None:
    r = cli(*args)
    assert r.exit_code == 2 and "Usage:" in r.output


def test_errors_are_one_line_without_traceback(populated: list[Path], cli: CliRun) -> None:
    for args in (
        ["show", "NOPE-01"],
        ["show", "KPU-NTB-SOP-01", "--version", "9"],
        ["diff", "KPU-NTB-SOP-01", "1", "2"],
    ):
        r = cli(*args)
        assert r.exit_code == 1 and r.output.startswith("error: ") and r.output.count("\n") == 1, r.output
        assert "Traceback" not in r.output


def test_a_missing_store_is_a_clear_error(cli: CliRun, store_path: Path) -> None:
    r = cli("list")
    assert (
        r.exit_code == 1
        and r.output == f"error: no soplib store at {store_path}; create one with init or give another path\n"
    )


def test_writes_need_an_actor(cli: CliRun, tmp_path: Path) -> None:
    cli("init")
    r = CliRunner(env={"SOP_BY": None}).invoke(
        main, ["--store", str(tmp_path / "store"), "add", str(write_sop(tmp_path, "AB-01"))]
    )
    assert r.exit_code == 2 and "--by" in r.output


def test_store_and_actor_come_from_the_environment(tmp_path: Path) -> None:
    env = {"SOP_STORE": str(tmp_path / "env-store"), "SOP_BY": "siti"}
    runner = CliRunner(env=env)
    assert runner.invoke(main, ["init"]).exit_code == 0
    assert runner.invoke(main, ["add", str(write_sop(tmp_path, "AB-01"))]).exit_code == 0
    hist = json.loads(runner.invoke(main, ["history", "AB-01", "--json"]).output)
    assert hist[0]["by"] == "siti"
    # --store and --by win over the environment.
    other = tmp_path / "other"
    assert runner.invoke(main, ["--store", str(other), "init"]).exit_code == 0
    assert (
        runner.invoke(
            main, ["--store", str(other), "add", str(write_sop(tmp_path, "AB-02")), "--by", "rudi"]
        ).exit_code
        == 0
    )
    with Store.open(other) as store:
        assert store.sops.ids() == ["AB-02"] and store.sops.history("AB-02")[0].by == "rudi"


def test_the_default_store_is_sop_store_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={"SOP_STORE": None, "SOP_BY": None})
    assert runner.invoke(main, ["init"]).exit_code == 0
    assert (tmp_path / "sop-store" / "HEAD").is_file()
    assert runner.invoke(main, ["add", str(write_sop(tmp_path, "AB-01")), "--by", ACTOR]).exit_code == 0
    assert "AB-01" in runner.invoke(main, ["list"]).output


def test_the_installed_command_runs_in_a_real_process(tmp_path: Path) -> None:
    store = tmp_path / "store"
    env_args = ["--store", str(store)]

    def run(*a: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(SOP_BIN), *env_args, *a], capture_output=True, text=True)

    assert run("init").returncode == 0
    f = write_sop(tmp_path, "AB-01")
    assert run("add", str(f), "--by", ACTOR).returncode == 0
    shown = subprocess.run([str(SOP_BIN), *env_args, "show", "AB-01", "--raw"], capture_output=True)
    assert shown.stdout == f.read_bytes()
    bad = run("show", "--", "--output=/tmp/x")
    assert bad.returncode == 1 and bad.stderr.startswith("error: invalid SOP id") and bad.stdout == ""
    assert "Traceback" not in bad.stderr
    usage = run("show")
    assert usage.returncode == 2
    help_ = subprocess.run([str(SOP_BIN), "--help"], capture_output=True, text=True)
    assert help_.returncode == 0 and "Commands:" in help_.stdout
