"""Translation of everything a person reads: Bahasa Indonesia and English (the source language).

Messages are written in English in the code, with named ``{placeholders}``,
and looked up in gettext catalogues (``soplib/locale/<lang>/LC_MESSAGES/soplib.po``,
compiled to ``soplib.mo`` by Babel: ``make catalogues``, and by the package
build). The language is a context variable: the CLI sets it once (``--lang``,
``$SOP_LANG``, else the office profile), renderers take it as an argument.

    >>> with use_language("id"):
    ...     _("Ratified by")
    'Disahkan oleh'
    >>> translate("Revision {n}", "id", n=2)
    'Revisi ke-2'

A catalogue is read on first use and kept (one small ``.mo`` file, stdlib
:mod:`gettext`), so importing this module costs nothing: ``sop --help`` never
reads a catalogue.
"""

from __future__ import annotations

import contextvars
import gettext
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path

from sop_store.logs import get_logger

LANGUAGES = ("id", "en")
DEFAULT = "en"
DOMAIN = "soplib"
LOCALE_DIR = Path(__file__).parent / "locale"

_log = get_logger(__name__)
_current: contextvars.ContextVar[str] = contextvars.ContextVar("soplib_language", default=DEFAULT)


def current_language() -> str:
    """The language messages are translated into now (``"id"`` or ``"en"``).

    >>> current_language()
    'en'
    """
    return _current.get()


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Translate into ``lang`` inside the ``with`` block.

    >>> with use_language("id"):
    ...     current_language()
    'id'
    """
    token = _current.set(check_language(lang))
    try:
        yield
    finally:
        _current.reset(token)


def check_language(lang: str) -> str:
    """``lang`` if soplib speaks it, else :class:`InvalidInputError` (a ``ValueError``) naming the choices.

    >>> check_language("id")
    'id'
    """
    if lang not in LANGUAGES:
        from soplib.errors import InvalidInputError  # imported here: this module stays cheap to import

        raise InvalidInputError(
            "unknown language {lang}: use one of {choices}", lang=repr(lang), choices=", ".join(LANGUAGES)
        )
    return lang


def catalogue_path(lang: str, suffix: str = ".mo") -> Path:
    """Where the catalogue of ``lang`` lives (``.mo`` compiled, ``.po`` source).

    >>> catalogue_path("id").name
    'soplib.mo'
    """
    return LOCALE_DIR / check_language(lang) / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The translations of ``lang``, read once from its compiled ``.mo`` file.

    A source checkout whose ``.mo`` was never compiled still speaks the
    language: the ``.po`` is compiled in memory (with Babel) and a warning
    logged, so a missing build step costs time, never a wrong language.

    >>> catalogue("id").gettext("Activity")
    'Kegiatan'
    """
    mo = catalogue_path(lang)
    if mo.is_file():
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    po = catalogue_path(lang, ".po")
    if po.is_file():
        _log.warning("%s is not compiled (run `make catalogues`); reading %s", mo, po)
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as handle:
            compiled = io.BytesIO()
            write_mo(compiled, read_po(handle, locale=lang, domain=DOMAIN))
        compiled.seek(0)
        return gettext.GNUTranslations(compiled)
    if lang != DEFAULT:
        _log.warning("no catalogue for %r at %s: messages stay in English", lang, po)
    return gettext.NullTranslations()


def N_(message: str, /) -> str:
    """Mark ``message`` for the catalogue without translating it now.

    >>> N_("in force")
    'in force'
    """
    return message


def translate(message: str, lang: str, /, **params: object) -> str:
    """``message`` in ``lang``, its ``{placeholders}`` filled from ``params``.

    >>> translate("Revision {n}", "en", n=2)
    'Revision 2'
    """
    text = catalogue(check_language(lang)).gettext(message)
    return text.format(**params) if params else text


def translate_plural(singular: str, plural: str, count: int, lang: str, /, **params: object) -> str:
    """The form of ``singular``/``plural`` for ``count`` in ``lang``; ``{n}`` is ``count``.

    >>> translate_plural("{n} step", "{n} steps", 3, "id")
    '3 langkah'
    """
    text = catalogue(check_language(lang)).ngettext(singular, plural, count)
    return text.format(**{"n": count, **params})


def translator(lang: str | None = None) -> Callable[[str], str]:
    """A function translating one message (its placeholders left for the caller) into ``lang``."""
    chosen = lang or current_language()
    return lambda message: catalogue(chosen).gettext(message) if message else message


def _(message: str, /, **params: object) -> str:
    """``message`` in the current language, its ``{placeholders}`` filled from ``params``.

    >>> _("Activity")
    'Activity'
    """
    return translate(message, current_language(), **params)


def ngettext(singular: str, plural: str, count: int, /, **params: object) -> str:
    """The plural form for ``count`` in the current language (``{n}`` is ``count``).

    >>> ngettext("{n} step", "{n} steps", 1)
    '1 step'
    """
    return translate_plural(singular, plural, count, current_language(), **params)


def format_date(day: date, lang: str | None = None) -> str:
    """A date as people write it: ``3 Desember 2026`` / ``3 December 2026``.

    >>> format_date(date(2026, 12, 3), "id")
    '3 Desember 2026'
    """
    from babel.dates import format_date as babel_format_date  # loaded on first use: keeps imports cheap

    return babel_format_date(day, format="d MMMM y", locale=check_language(lang or current_language()))
