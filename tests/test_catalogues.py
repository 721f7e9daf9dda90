"""The catalogues: every message in the code has its Indonesian translation, with the same placeholders.

Messages are extracted from the source here, with Babel and the project's
babel.cfg (what `make catalogues` does), and compared with the catalogue
files; a second pass with the Python parser finds every `_()` call, so a
message Babel cannot see (inside an f-string) fails too. The compiled `.mo`
files and a freshly built wheel are checked as they are loaded at run time.
"""

from __future__ import annotations

import ast
import gettext
import shutil
import string
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import soplib
from soplib.errors import InvalidInputError
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
    use_language,
)
from soplib.labels import LABELS, label

ROOT = Path(__file__).resolve().parent.parent
SOPLIB = Path(soplib.__file__).parent
# The functions that look a message up by a variable (the message was marked where it was written).
LOOKUP_BY_VARIABLE = {"i18n.py", "labels.py"}


def extracted() -> dict[str | tuple[str, str], list[str]]:
    """Messages in the code (msgid, or (singular, plural)) -> where, as `make catalogues` extracts them."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    out: dict[str | tuple[str, str], list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        key = message if isinstance(message, str) else (message[0], message[1])
        out.setdefault(key, []).append(f"{filename}:{line}")
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
    def __init__(self) -> None:
        self.literal: list[tuple[str, int, str]] = []
        self.variable: list[tuple[str, int]] = []
        self.file = ""

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in ("_", "N_", "ngettext") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                self.literal.append((self.file, node.lineno, first.value))
            else:
                self.variable.append((self.file, node.lineno))
        self.generic_visit(node)


def test_babel_sees_every_message_the_code_translates() -> None:
    """A `_()` inside an f-string is invisible to extraction: it would print untranslated."""
    calls = _Calls()
    for path in sorted(SOPLIB.rglob("*.py")):
        calls.file = str(path.relative_to(ROOT))
        calls.visit(ast.parse(path.read_text(encoding="utf-8")))
    messages = extracted()
    singulars = {m[0] if isinstance(m, tuple) else m for m in messages}
    unseen = [f"{f}:{n}: {m!r}" for f, n, m in calls.literal if m not in singulars]
    assert not unseen, (
        "messages Babel does not extract (take the _() call out of the f-string):\n" + "\n".join(unseen)
    )
    variable = [f"{f}:{n}" for f, n in calls.variable if Path(f).name not in LOOKUP_BY_VARIABLE]
    assert not variable, f"messages looked up by a variable are never extracted: {variable}"
    assert len(calls.literal) >= len(singulars) - 1


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
    for name in ("pyproject.toml", "setup.py", "README.md", "babel.cfg"):
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
