"""Ids of sessions, briefings and anchors: a letter, the office's day and a random part.

``R-20261203-3F2A`` (a review session), ``B-...`` (a briefing), ``A-...`` (an
anchor). The day makes them readable and sortable; the random part keeps ids
made on two clones of a store apart (they meet when the clones sync). Sixteen
random bits a day: a store starting hundreds of sessions a day would draw the
same id twice now and then (one pair in ~65,000 draws), so a taken id is drawn
again, a bounded number of times.

    >>> new_id("R", date(2026, 12, 3), taken=lambda i: False)  # doctest: +SKIP
    'R-20261203-3F2A'
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date

_TRIES = 16


def new_id(letter: str, day: date, *, taken: Callable[[str], bool]) -> str:
    """A new id ``<letter>-YYYYMMDD-XXXX`` for ``day`` that ``taken`` says is free.

    After :data:`_TRIES` taken draws (a store with tens of thousands of records that
    day) the last one is returned: the operation then refuses it as existing.
    """
    candidate = ""
    for _ in range(_TRIES):
        candidate = f"{letter}-{day.strftime('%Y%m%d')}-{secrets.token_hex(2).upper()}"
        if not taken(candidate):
            break
    return candidate
