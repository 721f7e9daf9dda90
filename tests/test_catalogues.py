"""The catalogues: every message in the code has its Indonesian translation, with the same placeholders.

Messages are extracted from the source here exactly as `make catalogues` does
(:mod:`soplib.catalogues`: the same keywords, so error templates, ``Phrase``
parameters and command help are checked with ``_()`` messages), and compared
with the catalogue files; a second pass with the Python parser finds every
call of a keyword, so a message Babel cannot see (an f-string, a variable)
fails too. The compiled `.mo` files, a freshly built wheel and the real CLI
are checked as they are used at run time.
"""

from __future__ import annotations

import ast
import functools
import gettext
import importlib
import inspect
import io
import pkgutil
import shutil
import string
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import click
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from click.testing import CliRunner
from conftest import ACTOR, CliRun

import soplib
from soplib import Store
from soplib.catalogues import KEYWORDS, PACKAGES, extract, merged, render, template
from soplib.cli import main
from soplib.cli.main import LAZY, SopCommand, SopSubGroup, help_text
from soplib.errors import InvalidInputError, NotAllowedError, Phrase, RecordError, SopError
from soplib.i18n import (
    LANGUAGES,
    N_,
    _,
    catalogue,
    catalogue_path,
    check_language,
    current_language,
    format_date,
    ngettext,
    translate,
    translator,
    use_language,
)
from soplib.labels import LABELS, label

ROOT = Path(__file__).resolve().parent.parent
SOPLIB = Path(soplib.__file__).parent
# The functions that look a message up by a variable (the message was marked where it was written):
# (file, function) -> why.
LOOKUP_BY_VARIABLE = {
    ("soplib/i18n.py", "translate_plural"): "the lookup itself",
    ("soplib/labels.py", "label"): "LABELS holds N_() messages",
    ("soplib/cli/main.py", "help_text"): "command docstrings and help=N_() option texts",
    ("soplib/errors.py", "__init__"): "SopFormatError and RecordError wrap the caller's template",
    ("soplib/documents/parse.py", "_front"): "a YamlError re-raised with its template",
}
# RecordError(path, reason, **params): its message is the second argument, which may be an exception.
SECOND_ARGUMENT = {"RecordError"}


@functools.cache
def extracted() -> dict[str | tuple[str, str], list[str]]:
    """Messages in the code (msgid, or (singular, plural)) -> where, as `make catalogues` extracts them."""
    out: dict[str | tuple[str, str], list[str]] = {}
    for found in extract():
        out.setdefault(found.id, []).append(found.where)
    return out


def po(lang: str) -> dict[str | tuple[str, str], tuple[str, ...]]:
    with catalogue_path(lang, ".po").open("rb") as handle:
        cat = read_po(handle, locale=lang, domain="soplib")
    out: dict[str | tuple[str, str], tuple[str, ...]] = {}
    for m in cat:
        if not m.id or m.fuzzy:
            continue
        key = m.id if isinstance(m.id, str) else (m.id[0], m.id[1])
        out[key] = (m.string,) if isinstance(m.string, str) else tuple(m.string)
    return out


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_message_in_the_code_has_an_indonesian_translation() -> None:
    messages = extracted()
    assert len(messages) >= 40  # the print's labels at least: the extraction really ran
    translations = po("id")
    missing = [
        f"{m!r} ({', '.join(where)})" for m, where in messages.items() if not any(translations.get(m, ()))
    ]
    assert not missing, "messages without an Indonesian translation (run `make catalogues`):\n" + "\n".join(
        missing
    )
    stale = sorted(str(m) for m in translations if m not in messages)
    assert not stale, f"translations of messages no longer in the code (run `make catalogues`): {stale}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_their_placeholders(lang: str) -> None:
    wrong = []
    for message, strings in po(lang).items():
        sources = message if isinstance(message, tuple) else (message,)
        expected = set().union(*(placeholders(s) for s in sources))
        for text in strings:
            if text and placeholders(text) != expected:
                wrong.append(f"{message!r} -> {text!r}: {sorted(placeholders(text))} != {sorted(expected)}")
    assert not wrong, "\n".join(wrong)


def test_a_dropped_placeholder_is_caught() -> None:
    # The check itself, on a translation that drops {date} and adds {tanggal}.
    assert placeholders("Terakhir dievaluasi pada {tanggal}") != placeholders("Last evaluated on {date}")
    assert placeholders("Revisi ke-{n}") == placeholders("Revision {n}")


class _Calls(ast.NodeVisitor):
    """Every call of an extraction keyword (``_``, ``N_``, ``ngettext``, an error class, ``Phrase``)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.function = ""
        self.literal: list[tuple[str, int, str]] = []
        self.hidden: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    def _allowed(self, name: str, message: ast.expr | None) -> bool:
        """A message that is not a literal: allowed where it was marked elsewhere, or is an exception."""
        if isinstance(message, ast.JoinedStr | ast.BinOp) or (
            isinstance(message, ast.Call)
            and isinstance(message.func, ast.Attribute)
            and message.func.attr in ("format", "format_map")
        ):  # an f-string, "..." % x, "...".format(x): never in the catalogue
            return False
        if (self.file, self.function) in LOOKUP_BY_VARIABLE:
            return True
        return name in SECOND_ARGUMENT and isinstance(message, ast.Name | ast.Call)  # an exception

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in KEYWORDS:
            index = 1 if name in SECOND_ARGUMENT else 0
            message = node.args[index] if len(node.args) > index else None
            where = f"{self.file}:{node.lineno}: {name}({ast.unparse(message) if message else ''})"
            if isinstance(message, ast.Constant) and isinstance(message.value, str):
                self.literal.append((self.file, node.lineno, message.value))
            elif not self._allowed(name, message):
                self.hidden.append(where)
        self.generic_visit(node)


def keyword_calls() -> list[_Calls]:
    out = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            calls = _Calls(str(path.relative_to(ROOT)))
            calls.visit(ast.parse(path.read_text(encoding="utf-8")))
            out.append(calls)
    return out


def test_babel_sees_every_message_the_code_translates() -> None:
    """A message in an f-string or a variable is invisible to extraction: it would print untranslated."""
    calls = keyword_calls()
    hidden = [h for c in calls for h in c.hidden]
    assert not hidden, (
        "messages the catalogue cannot hold (write a literal template with {named} placeholders and "
        "pass the values as parameters; English text as a parameter is Phrase('...')):\n" + "\n".join(hidden)
    )
    messages = extracted()
    singulars = {m[0] if isinstance(m, tuple) else m for m in messages}
    literal = [(f, n, m) for c in calls for f, n, m in c.literal]
    unseen = [f"{f}:{n}: {m!r}" for f, n, m in literal if m not in singulars]
    assert not unseen, "messages Babel does not extract:\n" + "\n".join(unseen)
    # Error templates, phrases and sop_store's messages are among them (the keywords really apply).
    assert "no SOP {id} in the store" in messages and "nobody yet" in messages
    assert any(where.startswith("sop_store/") for places in messages.values() for where in places)
    assert len(literal) >= 700


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        names += [m.name for m in pkgutil.walk_packages(module.__path__, f"{package}.")]
    return names


def test_every_error_class_is_an_extraction_keyword() -> None:
    """A new error class whose name is not in KEYWORDS would raise messages that are never translated."""
    for name in _modules():
        importlib.import_module(name)
    classes, todo = set(), [SopError]
    while todo:
        cls = todo.pop()
        classes.add(cls)
        todo += cls.__subclasses__()
    ours = {c.__name__ for c in classes if c.__module__.split(".")[0] in PACKAGES}
    assert {"SopError", "RecordError", "YamlError", "NotAllowedError"} <= ours
    assert sorted(ours - set(KEYWORDS)) == []


def test_an_error_is_shown_whole_in_indonesian() -> None:
    """Template, Phrase parameters, nested errors and lists of parts are all translated."""
    record = RecordError("sops/A.json", "version {n} is not an object", n=2)
    assert str(record).startswith("sops/A.json in the store is not a valid record (version 2 is not an")
    assert record.localized(translator("id")) == (
        "sops/A.json di repositori bukan catatan yang sah (versi 2 bukan sebuah objek); "
        "verifikasi repositori untuk melihat apa yang berubah"
    )
    refused = NotAllowedError(
        "{actor} may not {what}: it needs the {role} role (held by: {who})",
        actor="budi",
        what=SopError("approve session {session}", session="R-1"),
        role="approver",
        who=Phrase("nobody yet"),
    )
    assert (
        str(refused) == "budi may not approve session R-1: it needs the approver role (held by: nobody yet)"
    )
    assert refused.localized(translator("id")) == (
        "budi tidak boleh mengesahkan sesi R-1: diperlukan peran approver (dipegang oleh: belum ada)"
    )
    parts = SopError("{a}: {b}", a="x", b=(Phrase("nothing"), SopError("units: {units}", units="U")))
    assert str(parts) == "x: nothing; units: U"
    assert parts.localized(translator("id")) == "x: tidak ada; unit kerja: U"


def test_a_real_cli_error_is_shown_in_indonesian(demo_store: Store, cli: CliRun) -> None:
    r = cli("--lang", "id", "show", "NOPE-01")
    assert r.exit_code == 1
    assert r.output == "galat: tidak ada SOP NOPE-01 di repositori\n"
    r = cli("--lang", "id", "show", "kpu-ntb-sop-01")
    assert r.output == (
        "galat: tidak ada SOP kpu-ntb-sop-01; ID SOP ditulis dengan huruf kapital: "
        "maksud Anda KPU-NTB-SOP-01?\n"
    )
    # A refusal with a Phrase parameter, and an error from sop_store (validate_name in sop_store.ids).
    r = cli("--lang", "id", "ack", "bad/id", "KPU-NTB-SOP-01", "--by", ACTOR)
    assert r.exit_code != 0 and r.output.startswith(
        "galat: ID pegawai tidak sah 'bad/id': gunakan 1-64 karakter"
    )
    assert cli("--lang", "en", "show", "NOPE-01").output == "error: no SOP NOPE-01 in the store\n"


def _commands(command: click.Command, path: str) -> list[tuple[str, click.Command]]:
    out = [(path, command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            out += _commands(sub, f"{path} {name}")
    return out


def test_every_command_and_option_help_is_translated() -> None:
    commands = _commands(main, "sop")
    assert {path for path, _c in commands} >= {f"sop {name}" for name in LAZY} | {"sop review approve"}
    messages = po("id")
    missing = []
    for path, command in commands:
        if path != "sop":  # translated help needs SopCommand/SopSubGroup (main is SopGroup)
            assert isinstance(command, SopCommand | SopSubGroup), f"{path}: use cls=SopCommand / SopSubGroup"
        texts = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]
        for text in texts:
            # The evaluation criteria's help is the worksheet's own Indonesian wording, in both languages.
            if (
                text
                and not text.startswith("Ya/Tidak: ")
                and not any(messages.get(inspect.cleandoc(text), ()))
            ):
                missing.append(f"{path}: {text!r}")
    assert not missing, "help without an Indonesian translation:\n" + "\n".join(missing)
    with use_language("id"):
        assert help_text(main.help or "").startswith("soplib: SOP sebagai Markdown berversi di git")


@pytest.mark.parametrize("args", [["--lang", "id", "--help"], ["--lang", "id", "review", "--help"]])
def test_help_is_shown_in_indonesian(args: list[str]) -> None:
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "Perintah:" in r.output and "Commands:" not in r.output
    english = CliRunner().invoke(main, [a for a in args if a not in ("--lang", "id")])
    assert "Commands:" in english.output and "Perintah:" not in english.output


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogues_are_what_make_catalogues_writes(lang: str) -> None:
    """Up to date, sorted, stable: running `make catalogues` on this code changes no byte."""
    po_file = catalogue_path(lang, ".po")
    assert merged(po_file, lang, template()) == po_file.read_bytes(), "run `make catalogues`"
    with po_file.open("rb") as handle:
        ids = [m.id for m in read_po(handle, locale=lang) if m.id]
    keys = [i if isinstance(i, str) else i[0] for i in ids]
    assert keys == sorted(keys)


def test_make_catalogues_check_mode_agrees(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "soplib.catalogues", "--check"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_its_source(lang: str) -> None:
    """The .mo loaded at run time says what the .po says (a stale .mo fails here)."""
    with catalogue_path(lang).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message, strings in po(lang).items():
        if isinstance(message, tuple):
            for n, text in zip((1, 2), strings, strict=False):
                assert compiled.ngettext(message[0], message[1], n) == (text or message[n - 1])
        else:
            assert compiled.gettext(message) == (strings[0] or message)


def test_translate_and_the_language_context() -> None:
    assert current_language() == "en"
    assert _("Ratified by") == "Ratified by"
    with use_language("id"):
        assert current_language() == "id"
        assert _("Ratified by") == "Disahkan oleh"
        assert _("Revision {n}", n=2) == "Revisi ke-2"
        assert ngettext("{n} step", "{n} steps", 1) == ngettext("{n} step", "{n} steps", 40).replace(
            "40", "1"
        )
        with use_language("en"):
            assert _("Activity") == "Activity"
        assert _("Activity") == "Kegiatan"
    assert current_language() == "en"
    assert (
        ngettext("{n} step", "{n} steps", 1) == "1 step" and ngettext("{n} step", "{n} steps", 2) == "2 steps"
    )
    assert translate("No.", "id") == "No" and translate("No", "id") == "Tidak"
    assert N_("in force") == "in force"


def test_unknown_language_is_one_clear_error() -> None:
    assert check_language("id") == "id"
    with pytest.raises(InvalidInputError, match=r"unknown language 'fr': use one of id, en"):
        check_language("fr")
    with pytest.raises(ValueError), use_language("jv"):  # InvalidInputError is a ValueError
        pass


def test_dates_as_people_write_them() -> None:
    day = date(2026, 12, 3)
    assert format_date(day, "id") == "3 Desember 2026"
    assert format_date(day, "en") == "3 December 2026"
    assert format_date(date(2027, 1, 1), "id") == "1 Januari 2027"
    with use_language("id"):
        assert format_date(date(2026, 8, 17)) == "17 Agustus 2026"


def test_enum_values_are_translated_through_their_identifiers() -> None:
    with use_language("id"):
        assert label("status", "in_force") == "berlaku"
        assert label("outcome", "revise") == "direvisi"
        assert label("outcome", "keep") == "tetap"
        assert label("outcome", "withdraw") == "dicabut"
    assert label("outcome", "revise") == "revised"
    for kind, values in LABELS.items():
        for value in values:
            with use_language("id"):
                shown = label(kind, value)
            assert shown and shown != value.replace("_", " "), (kind, value)  # never the raw identifier
    with pytest.raises(
        InvalidInputError, match="unknown outcome 'merge': use one of add, keep, revise, withdraw"
    ):
        label("outcome", "merge")
    with pytest.raises(InvalidInputError, match="unknown label kind"):
        label("colour", "red")


def test_catalogue_is_read_once_and_never_at_start_up() -> None:
    assert catalogue("id") is catalogue("id")
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from soplib.cli import main\n"
        "r = CliRunner().invoke(main, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(main, ['print', '--help'])\n"
        "assert r.exit_code == 0 and 'FILE.pdf' in r.output, r.output\n"
        "import soplib.i18n\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('babel', 'weasyprint')))\n"
        "print(soplib.i18n.catalogue.cache_info().currsize)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == [
        "[]",
        "0",
    ]  # `sop --help` loads neither Babel, WeasyPrint nor a catalogue


def test_a_source_checkout_without_compiled_catalogues_still_speaks_indonesian(tmp_path: Path) -> None:
    # A copy of the package's catalogues without their .mo files, read by a fresh interpreter.
    locale = tmp_path / "locale"
    shutil.copytree(SOPLIB / "locale", locale, ignore=shutil.ignore_patterns("*.mo"))
    code = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.WARNING)\n"
        "import soplib.i18n as i18n\n"
        f"i18n.LOCALE_DIR = __import__('pathlib').Path({str(locale)!r})\n"
        "print(i18n.translate('Ratified by', 'id'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Disahkan oleh"
    assert "is not compiled (run `make catalogues`)" in done.stderr


def test_the_wheel_ships_compiled_catalogues(tmp_path: Path) -> None:
    """Build the wheel from the sources without any .mo (as a fresh clone is) and load its catalogues."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for package in ("soplib", "sop_store"):
        shutil.copytree(
            ROOT / package, source / package, ignore=shutil.ignore_patterns("*.mo", "__pycache__")
        )
    assert not list(source.rglob("*.mo"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("soplib-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for lang in LANGUAGES:
            assert f"soplib/locale/{lang}/LC_MESSAGES/soplib.mo" in names
        compiled = gettext.GNUTranslations(archive.open("soplib/locale/id/LC_MESSAGES/soplib.mo"))
    assert compiled.gettext("Activity") == "Kegiatan"
    assert "soplib/outputs/sop_html.py" in names


def _po(entries: dict[str, str]) -> bytes:
    catalog = Catalog(locale="id", domain="soplib")
    for message, text in entries.items():
        catalog.add(message, text, locations=[("soplib/x.py", 1)])
    return render(catalog)


@pytest.mark.parametrize("style", ["merge", "diff3"])
def test_a_catalogue_in_merge_conflict_keeps_the_translations_of_both_branches(
    tmp_path: Path, style: str
) -> None:
    """Two branches that each added and translated a message: `make catalogues` resolves the .po."""

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    po_file = tmp_path / "soplib.po"
    git("init", "-q", "-b", "main")
    po_file.write_bytes(_po({"a message": "sebuah pesan", "z message": "pesan z"}))
    git("add", ".")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "other")
    po_file.write_bytes(
        _po({"a message": "sebuah pesan", "b added there": "ditambah di sana", "z message": "pesan z"})
    )
    git("commit", "-qam", "theirs")
    git("checkout", "-q", "main")
    po_file.write_bytes(
        _po({"a message": "sebuah pesan", "c added here": "ditambah di sini", "z message": "pesan z"})
    )
    git("commit", "-qam", "ours")
    assert git("-c", f"merge.conflictStyle={style}", "merge", "other").returncode != 0
    assert b"<<<<<<< " in po_file.read_bytes() and (b"||||||| " in po_file.read_bytes()) == (style == "diff3")
    code = Catalog(domain="soplib")
    for message in ("a message", "b added there", "c added here"):  # "z message" is gone from the code
        code.add(message, locations=[("soplib/x.py", 1)])
    result = read_po(io.BytesIO(merged(po_file, "id", code)), locale="id")
    assert {m.id: m.string for m in result if m.id} == {
        "a message": "sebuah pesan",
        "b added there": "ditambah di sana",
        "c added here": "ditambah di sini",
    }
