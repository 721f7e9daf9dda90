"""Dates a person types (``--effective-date``, ``--as-of``): checked, never guessed."""

from __future__ import annotations

from datetime import date

from soplib.errors import InvalidInputError


def parse_date(value: str | None, *, option: str = "date") -> str | None:
    """Return ``value`` as ``YYYY-MM-DD`` if it is a real calendar date, else raise.

    >>> parse_date("2026-02-01")
    '2026-02-01'
    """
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidInputError(f"invalid {option} {value!r}: use YYYY-MM-DD, e.g. 2026-01-31") from None
