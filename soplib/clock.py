"""Dates and the office's time zone: where every day boundary comes from.

Stored times are UTC (commit times, ``at`` of records). A *day* (an effective
date, the date in a session id, ``--as-of``, due dates) is a day in the office's
time zone (``sop office set --time-zone Asia/Makassar``); a store with no zone
set counts in UTC. The library takes and gives ``datetime.date`` and aware
``datetime`` values; strings are parsed at the CLI's edge (:func:`parse_date`).

    >>> zone = office_zone("Asia/Makassar")
    >>> local_day(datetime(2026, 1, 1, 23, 30, tzinfo=UTC), zone)
    datetime.date(2026, 1, 2)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from soplib.errors import InvalidInputError, Phrase

# The zones of Indonesia, as offices name them.
LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
    "UTC": "UTC",
}


def office_zone(name: str | None) -> tzinfo:
    """The zone ``name`` (IANA, e.g. ``Asia/Makassar``), UTC for None; refuses an unknown name."""
    if not name or name == "UTC":
        return UTC
    # Imported here: zoneinfo pulls in sysconfig, a cost `sop show` and `sop list` need not pay.
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInputError(
            "unknown time zone {zone}: give an IANA name such as Asia/Jakarta (WIB), Asia/Makassar (WITA) "
            "or Asia/Jayapura (WIT)",
            zone=repr(name),
        ) from None


def zone_label(name: str | None) -> str:
    """How people name the zone: ``WITA`` for Asia/Makassar, else the IANA name (``UTC`` for None)."""
    return LABELS.get(name or "UTC", name or "UTC")


def now() -> datetime:
    """The current time, aware, UTC, whole seconds (git's resolution)."""
    return datetime.now(UTC).replace(microsecond=0)


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The day ``moment`` falls on in ``zone``."""
    return moment.astimezone(zone).date()


def end_of_day(day: date, zone: tzinfo) -> datetime:
    """The last second of ``day`` in ``zone``, as an aware UTC datetime."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=zone)
    return local.astimezone(UTC)


def start_of_day(day: date, zone: tzinfo) -> datetime:
    """The first second of ``day`` in ``zone``, as an aware UTC datetime."""
    return datetime.combine(day, time(0, 0, 0), tzinfo=zone).astimezone(UTC)


def parse_date(value: str, *, option: str = "date") -> date:
    """``value`` (``YYYY-MM-DD``) as a date if it is a real calendar date, else :class:`InvalidInputError`.

    >>> parse_date("2026-02-01")
    datetime.date(2026, 2, 1)
    """
    text = value.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            "invalid {option} {value}: use YYYY-MM-DD, e.g. 2026-01-31", option=option, value=repr(value)
        ) from None


def check_date(value: object, *, what: Phrase) -> date:
    """``value`` if it is a ``datetime.date`` (not a string, not a datetime), else
    :class:`InvalidInputError`.
    """
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInputError(
            "{what} must be a datetime.date, not {kind} (parse text with soplib.parse_date)",
            what=what,
            kind=type(value).__name__,
        )
    return value


def check_moment(value: object, *, what: Phrase) -> datetime:
    """``value`` if it is an aware ``datetime``, as UTC whole seconds; else :class:`InvalidInputError`."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInputError("{what} must be an aware datetime (with a time zone)", what=what)
    return value.astimezone(UTC).replace(microsecond=0)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, the day clamped to the target month's length."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


ONE_DAY = timedelta(days=1)
