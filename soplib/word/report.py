"""What a Word import took from where, and what it left out and why (the mapping report).

Every value that reaches the Markdown is a :class:`Mapping` (target, source
place, value); everything in the Word file that does not reach it is a
:class:`Dropped` with a reason, and every choice the importer made on its own
(the id from the SOP number, the unit from ``--unit``) is a :class:`Choice`.
Nothing is left out silently.

    >>> report = Collector("sop.docx")
    >>> report.mapped("title", "table 1, row 7, cell 3", "Peminjaman BMN")
    >>> report.build().to_json()["mapped"][0]["target"]
    'title'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_EXCERPT = 80


def excerpt(text: str) -> str:
    """``text`` on one line, cut to a readable length for a report."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1] + "…"


@dataclass(frozen=True)
class Mapping:
    """One value taken into the SOP: where it went (``target``) and where it came from (``source``)."""

    target: str
    source: str
    value: str

    def to_json(self) -> dict[str, str]:
        return {"target": self.target, "source": self.source, "value": self.value}


@dataclass(frozen=True)
class Dropped:
    """Something in the Word file that is not in the SOP, with the reason."""

    what: str
    source: str
    reason: str
    text: str = ""

    def to_json(self) -> dict[str, str]:
        return {"what": self.what, "source": self.source, "reason": self.reason, "text": self.text}


@dataclass(frozen=True)
class Choice:
    """A decision the importer made where the document did not say (``what``: the field)."""

    what: str
    chosen: str
    why: str

    def to_json(self) -> dict[str, str]:
        return {"what": self.what, "chosen": self.chosen, "why": self.why}


@dataclass(frozen=True)
class MappingReport:
    """The whole account of one import."""

    source: str
    mapped: tuple[Mapping, ...]
    dropped: tuple[Dropped, ...]
    choices: tuple[Choice, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "mapped": [m.to_json() for m in self.mapped],
            "dropped": [d.to_json() for d in self.dropped],
            "choices": [c.to_json() for c in self.choices],
        }


@dataclass
class Collector:
    """Builds a :class:`MappingReport` while a document is read (the one mutable piece)."""

    source: str
    _mapped: list[Mapping] = field(default_factory=list)
    _dropped: list[Dropped] = field(default_factory=list)
    _choices: list[Choice] = field(default_factory=list)

    def mapped(self, target: str, source: str, value: str) -> None:
        self._mapped.append(Mapping(target, source, excerpt(value)))

    def dropped(self, what: str, source: str, reason: str, text: str = "") -> None:
        self._dropped.append(Dropped(what, source, reason, excerpt(text)))

    def chose(self, what: str, chosen: str, why: str) -> None:
        self._choices.append(Choice(what, excerpt(chosen), why))

    def build(self) -> MappingReport:
        return MappingReport(self.source, tuple(self._mapped), tuple(self._dropped), tuple(self._choices))
