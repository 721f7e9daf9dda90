"""The message catalogues: every message in the code extracted, merged into each language's ``.po``, compiled.

One place says what a message is (:data:`KEYWORDS`, :data:`PACKAGES`); ``make
catalogues`` runs :func:`main` and tests/test_catalogues.py extracts with
:func:`extract`, so the test checks exactly what the build writes. A message
is the first argument of ``_()``, ``N_()``, ``ngettext()`` (singular and
plural), of every error class (``InvalidInputError("no SOP {id}", id=...)``;
for ``RecordError(path, reason)`` the reason) and of ``Phrase()`` (an error
parameter that is itself English text); and the docstring of every CLI
command, which click shows as its help.

Adding or changing messages (a "top-up")::

    make catalogues    # extract, merge: new messages appear with an empty msgstr
    # translate every empty msgstr in soplib/locale/id/LC_MESSAGES/soplib.po
    make catalogues    # compile; prints what is still untranslated

After a merge that left a ``.po`` with conflict markers, ``make catalogues``
rebuilds it from both sides (every translation either branch made is kept),
then brings it up to date with the merged code; ``git add`` it after.

The ``.po`` files are written sorted by message, with file names but no line
numbers and a header that does not change from run to run, so a run on
unchanged code rewrites nothing and a merge conflict is about messages only.
The template is built in memory: no ``.pot`` file is kept.
"""

from __future__ import annotations

import ast
import io
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from soplib.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
# The packages whose Python code holds messages (sop_store's errors are shown to people too).
PACKAGES = ("soplib", "sop_store")
# Every class whose first argument is a message template.
ERROR_CLASSES = (
    "SopError",
    "StoreError",
    "StoreBusyError",
    "ConflictError",
    "NotFoundError",
    "InvalidInputError",
    "SopFormatError",
    "YamlError",
    "RefusedError",
    "NotAllowedError",
)
# Babel keyword specs: name -> None (the first argument is the message) or the argument positions.
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "Phrase": None,
    **dict.fromkeys(ERROR_CLASSES),
    "RecordError": (2,),  # RecordError(path, reason, **params): the reason is the message
}
PO_WIDTH = 100


@dataclass(frozen=True)
class Found:
    """One message in the code: ``id`` (a string, or singular and plural) and where (``path:line``)."""

    id: str | tuple[str, str]
    where: str


def extract(root: Path = ROOT) -> Iterator[Found]:
    """Every message in the Python code of :data:`PACKAGES` under ``root``, and the CLI's command help.

    >>> any(found.id == "Ratified by" for found in extract())
    True
    """
    for package in PACKAGES:
        for filename, line, message, _comments, _context in extract_from_dir(
            str(root / package), [("**.py", "python")], keywords=KEYWORDS, comment_tags=()
        ):
            key = message if isinstance(message, str) else (message[0], message[1])
            yield Found(key, f"{package}/{filename}:{line}")
    yield from command_help(root)


def command_help(root: Path = ROOT) -> Iterator[Found]:
    """The docstring of every CLI command and group (click shows it as the command's help).

    A function decorated with ``@<anything>.command(...)`` or ``.group(...)``;
    its docstring as :func:`inspect.cleandoc` leaves it, which is what the CLI
    looks up (``soplib.cli.main.help_text``).

    >>> any(found.id.startswith("Create a new, empty store") for found in command_help())
    True
    """
    for path in sorted((root / "soplib" / "cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(map(_is_command, node.decorator_list)):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    yield Found(doc, f"{path.relative_to(root)}:{node.lineno}")


def _is_command(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = (
        target.attr
        if isinstance(target, ast.Attribute)
        else target.id
        if isinstance(target, ast.Name)
        else ""
    )
    return name in ("command", "group")


def template(root: Path = ROOT) -> Catalog:
    """The catalogue of every message in the code, untranslated (what a ``.pot`` file would hold).

    >>> "Ratified by" in template()
    True
    """
    catalog = Catalog(project="soplib", domain=DOMAIN, fuzzy=False)
    for found in extract(root):
        path, line = found.where.rsplit(":", 1)
        catalog.add(found.id, locations=[(path, int(line))])
    return catalog


def read(path: Path, lang: str) -> Catalog:
    """The catalogue in the ``.po`` file at ``path``."""
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def render(catalog: Catalog) -> bytes:
    """``catalog`` as the bytes of its ``.po`` file: sorted, file names without lines, no obsolete entries."""
    out = io.BytesIO()
    write_po(out, catalog, width=PO_WIDTH, sort_output=True, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def merged(po: Path, lang: str, messages: Catalog) -> bytes:
    """The ``.po`` at ``po`` updated to ``messages``: new ones added untranslated, gone ones dropped.

    No fuzzy matching (a guess from a similar message would ship as a wrong translation) and the
    header's dates kept, so the same code gives the same bytes. A ``.po`` left with git's conflict
    markers by a merge is first rebuilt from both sides (:func:`both_sides`).
    """
    catalog = both_sides(po, lang) if b"\n<<<<<<< " in b"\n" + po.read_bytes() else read(po, lang)
    catalog.update(messages, no_fuzzy_matching=True, update_creation_date=False)
    return render(catalog)


def both_sides(po: Path, lang: str) -> Catalog:
    """The ``.po`` of a merge in conflict: our side, plus every translation only their side has.

    Two branches that each added messages (and translated them) conflict where the sorted entries
    meet; the file's conflict markers say which lines are whose (``<<<<<<<`` ours ``=======``
    theirs ``>>>>>>>``, and a base part after ``|||||||`` in git's diff3 style, dropped). The
    translations of both sides are kept, ours where both translated a message.
    """
    sides: tuple[list[bytes], list[bytes]] = ([], [])
    where = "both"
    for line in po.read_bytes().splitlines(keepends=True):
        marker = line[:8]
        if marker == b"<<<<<<< ":
            where = "ours"
        elif marker == b"||||||| " or line.rstrip(b"\r\n") == b"|||||||":
            where = "base"
        elif line.rstrip(b"\r\n") == b"=======":
            where = "theirs"
        elif marker == b">>>>>>> ":
            where = "both"
        elif where in ("both", "ours", "theirs"):
            for side, name in zip(sides, ("ours", "theirs"), strict=True):
                if where in ("both", name):
                    side.append(line)
    ours, theirs = (read_po(io.BytesIO(b"".join(side)), locale=lang, domain=DOMAIN) for side in sides)
    for message in theirs:
        mine = ours.get(message.id) if message.id else None
        if mine is None:
            ours[message.id] = message
        elif not any(mine.string if isinstance(mine.string, tuple) else (mine.string,)):
            mine.string = message.string
    return ours


def untranslated(catalog: Catalog) -> list[str]:
    """The messages of ``catalog`` without a translation (fuzzy ones count as untranslated)."""
    out = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


def compile_mo(po: Path, lang: str) -> Path:
    """Compile the ``.po`` at ``po`` to the ``.mo`` beside it (what the package build does too)."""
    mo = po.with_suffix(".mo")
    with mo.open("wb") as out:
        write_mo(out, read(po, lang))
    return mo


def main(argv: Sequence[str] | None = None) -> int:
    """Extract, merge into every language's ``.po``, compile; report what is left to translate.

    ``--check`` writes nothing and fails when a ``.po`` is not what a run would write.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    check = args == ["--check"]
    if args and not check:
        print("usage: python -m soplib.catalogues [--check]", file=sys.stderr)
        return 2
    messages = template()
    status = 0
    for lang in LANGUAGES:
        po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        text = merged(po, lang, messages)
        if text != po.read_bytes():
            if check:
                print(f"{po.relative_to(ROOT)} is out of date: run `make catalogues`", file=sys.stderr)
                status = 1
                continue
            po.write_bytes(text)
        if check:
            continue
        compile_mo(po, lang)
        left = untranslated(read(po, lang))
        print(f"{lang}: {len(messages) - len(left)} of {len(messages)} messages translated")
        if lang != "en":  # English is the source language: its catalogue is empty on purpose
            for message in left:
                print(f"  untranslated: {message!r}")
    return status


if __name__ == "__main__":
    sys.exit(main())
