"""Translation of everything a person reads: Bahasa Indonesia and English (the source language).

Messages are written in English in the code, with named ``{placeholders}``,
and looked up in gettext catalogues (``soplib/locale/<lang>/LC_MESSAGES/soplib.po``,
compiled with Babel). The language is a context variable: the CLI sets it once
(``--lang``, ``$SOP_LANG``, else the office profile), renderers take it as an
argument.

    >>> with use_language("id"):
    ...     _("no SOP {id} in the store", id="KPU-01")
    'tidak ada SOP KPU-01 di penyimpanan'

This first version only defines the API; the catalogues come with the
documents work (issue 12).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

LANGUAGES = ("id", "en")
DEFAULT = "en"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("soplib_language", default=DEFAULT)


def current_language() -> str:
    """The language messages are translated into now (``"id"`` or ``"en"``)."""
    return _current.get()


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Translate into ``lang`` inside the ``with`` block."""
    token = _current.set(check_language(lang))
    try:
        yield
    finally:
        _current.reset(token)


def check_language(lang: str) -> str:
    """``lang`` if soplib speaks it, else :class:`ValueError` naming the choices."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return lang


def N_(message: str, /) -> str:
    """Mark ``message`` for the catalogue without translating it now."""
    return message


def translate(message: str, lang: str, /, **params: object) -> str:
    """``message`` in ``lang``, its ``{placeholders}`` filled from ``params``."""
    return message.format(**params) if params else message


def translator(lang: str | None = None) -> Callable[[str], str]:
    """A function translating one message (no placeholders filled) into ``lang`` (default: the current
    one).
    """
    chosen = lang or current_language()
    return lambda message: translate(message, chosen)


def _(message: str, /, **params: object) -> str:
    """``message`` in the current language, its ``{placeholders}`` filled from ``params``."""
    return translate(message, current_language(), **params)


def format_date(day: date, lang: str | None = None) -> str:
    """A date as people write it: ``3 Desember 2026`` / ``3 December 2026``."""
    return day.isoformat()
