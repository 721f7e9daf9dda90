"""How soplib models values: frozen dataclasses, one JSON rule, schema checks at the boundary.

Every value soplib returns (an SOP version, a coverage report, a review log
entry ...) is a frozen dataclass that inherits :class:`Value`. ``to_json()`` is
the same rule everywhere, so a key always has one shape:

- ``datetime.date`` -> ``"2026-12-03"``; an aware ``datetime`` -> UTC ``"2026-12-03T01:30:00Z"``;
- tuples and lists -> lists; mappings -> objects; nested values -> objects;
- a field declared with ``field(metadata=HIDDEN)`` is left out.

Data that comes from outside the program (a record read from the store, an
operation read from a commit) is checked against the same dataclasses with
pydantic (:func:`load`), imported only then: ``sop show`` and ``sop list`` do
not pay for it.

    >>> StaffMember("1980", "Ani", "Sekretariat", "Kepala").to_json()["name"]
    'Ani'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from soplib.errors import RecordError

HIDDEN = {"json": False}
"""``field(metadata=HIDDEN)``: a field kept out of ``to_json()`` (a parsed document beside its text ...)."""

T = TypeVar("T")


def utc_text(moment: datetime) -> str:
    """An aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("json", True))
    return names


_PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data, by the one rule above."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Value):
        return value.to_json()
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        # A long list of plain values (a coverage report's outstanding ids: ~800,000 at an
        # office of 20,000) is checked and copied in C, not walked value by value.
        if set(map(type, value)) <= _PLAIN:
            return list(value)
        return [jsonable(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(jsonable(v) for v in value)  # sorted: a set has no order of its own
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {n: jsonable(getattr(value, n)) for n in _names(type(value))}
    raise TypeError(f"{type(value).__name__} is not a JSON value")


class Value:
    """Base of soplib's frozen dataclasses: the one ``to_json()``."""

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        """This value as JSON data (what ``--json`` prints)."""
        out = {}
        for name in _names(type(self)):
            value = getattr(self, name)
            # Plain values as they are: an import turns hundreds of front matters into JSON.
            out[name] = value if type(value) in _PLAIN else jsonable(value)
        out.update(self._json_extra())
        return out

    def _json_extra(self) -> dict[str, Any]:
        """Derived fields a subclass adds to its JSON (a percentage, a flag)."""
        return {}


_ADAPTERS: dict[Any, Any] = {}


def _adapter(cls: Any) -> Any:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def load(cls: type[T] | Any, raw: object, *, path: str) -> T:
    """``raw`` (JSON data read from the store) checked and built as ``cls``; :class:`RecordError` naming
    ``path``.

    ``cls`` is a dataclass or any type pydantic understands (a union of dataclasses).
    """
    from pydantic import ValidationError

    try:
        result: T = _adapter(cls).validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the record"
        raise RecordError(path, "{where}: {message}", where=where, message=first["msg"]) from None
    except (TypeError, ValueError, RecursionError) as exc:
        raise RecordError(path, exc) from None
    return result
