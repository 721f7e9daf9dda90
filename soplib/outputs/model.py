"""What a printed SOP is made from: :class:`PrintInput`, the values the store supplies.

Plain frozen values, checked when made, so a renderer never meets a bad one:
a logo that is not the PNG or SVG it claims, a fingerprint that is not hex, an
evaluation outcome without a message.

    >>> data = PrintInput(
    ...     document=doc, version=3, revision=2, made=date(2019, 3, 1), revised=date(2023, 1, 15),
    ...     effective=date(2023, 2, 1), ratifier=Ratifier("Drs. H. Lalu Ahmad", nip="196805121994031007"),
    ...     fingerprint=Fingerprint(doc.content_fingerprint), language="id",
    ... )
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from soplib.documents.model import SopDocument
from soplib.errors import InvalidInputError, Phrase
from soplib.i18n import check_language
from soplib.labels import LABELS

MediaType = Literal["image/png", "image/svg+xml"]
LOGO_MAX_BYTES = 2 * 1024 * 1024
_PNG = b"\x89PNG\r\n\x1a\n"
_HEX = re.compile(r"[0-9a-f]+")
_TEXT_MAX = 500


def _text(value: str, what: Phrase, *, required: bool = False, limit: int = _TEXT_MAX) -> None:
    if not isinstance(value, str):
        raise InvalidInputError("{what} must be text, not {type}", what=what, type=type(value).__name__)
    if required and not value.strip():
        raise InvalidInputError("{what} is empty: give it a value", what=what)
    if len(value) > limit:
        raise InvalidInputError(
            "{what} is {length} characters long: keep it under {limit}",
            what=what,
            length=len(value),
            limit=limit,
        )


def _day(value: date | None, what: Phrase) -> None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise InvalidInputError(
            "{what} must be a date (datetime.date), not {type}", what=what, type=type(value).__name__
        )


@dataclass(frozen=True)
class Logo:
    """The office's logo: PNG or SVG bytes (shown as an image; an SVG never runs or fetches anything)."""

    data: bytes
    media_type: MediaType

    def __post_init__(self) -> None:
        if self.media_type not in ("image/png", "image/svg+xml"):
            raise InvalidInputError(
                "logo media type {type}: use image/png or image/svg+xml", type=repr(self.media_type)
            )
        if not self.data or len(self.data) > LOGO_MAX_BYTES:
            raise InvalidInputError(
                "the logo is {size} bytes: give an image of 1 byte to 2 MiB", size=len(self.data)
            )
        if self.media_type == "image/png" and not self.data.startswith(_PNG):
            raise InvalidInputError("the logo is not a PNG file (it lacks the PNG signature)")
        if self.media_type == "image/svg+xml":
            try:
                head = self.data[:4096].decode("utf-8").lower()
            except UnicodeDecodeError:
                raise InvalidInputError("the SVG logo is not UTF-8 text") from None
            if "<svg" not in head:
                raise InvalidInputError("the SVG logo has no <svg> element in its first 4 KiB")


@dataclass(frozen=True)
class OfficeProfile:
    """The office: its name and address for the heading, its logo, the label of its time zone."""

    name: str = ""
    address: str = ""
    logo: Logo | None = None
    time_zone: str = ""  # as people say it: "WITA", "WIB"

    def __post_init__(self) -> None:
        _text(self.name, Phrase("office name"))
        _text(self.address, Phrase("office address"))
        _text(self.time_zone, Phrase("time zone label"), limit=40)


@dataclass(frozen=True)
class Ratifier:
    """Who ratified the version (*disahkan oleh*), as frozen at approval or declared on import."""

    name: str
    nip: str = ""
    position: str = ""
    unit: str = ""
    source: Literal["approval", "declared"] = "approval"
    recorded_by: str = ""  # who recorded it (the approver's session, or the importer)
    recorded_on: date | None = None

    def __post_init__(self) -> None:
        _text(self.name, Phrase("ratifier name"), required=True)
        for value, what in (
            (self.nip, Phrase("ratifier NIP")),
            (self.position, Phrase("ratifier position")),
            (self.unit, Phrase("ratifier unit")),
        ):
            _text(value, what)
        _text(self.recorded_by, Phrase("ratifier recorded_by"), limit=100)
        if self.source not in LABELS["ratifier_source"]:
            raise InvalidInputError(
                "ratifier source {source}: use approval or declared", source=repr(self.source)
            )
        _day(self.recorded_on, Phrase("ratifier recorded_on"))


@dataclass(frozen=True)
class Evaluation:
    """The last evaluation of the SOP: the review session, its date and the outcome (``revise`` ...)."""

    session: str
    on: date
    outcome: str

    def __post_init__(self) -> None:
        _text(self.session, Phrase("evaluation session"), required=True, limit=100)
        _day(self.on, Phrase("evaluation date"))
        if self.outcome not in LABELS["outcome"]:
            raise InvalidInputError(
                "evaluation outcome {outcome}: use one of {choices}",
                outcome=repr(self.outcome),
                choices=", ".join(sorted(LABELS["outcome"])),
            )


@dataclass(frozen=True)
class Withdrawal:
    """The SOP was withdrawn (*dicabut*): when and why."""

    on: date
    reason: str = ""

    def __post_init__(self) -> None:
        _day(self.on, Phrase("withdrawal date"))
        _text(self.reason, Phrase("withdrawal reason"), limit=2000)


@dataclass(frozen=True)
class Fingerprint:
    """What ties the paper to the record: the version's content sha256 and its commit."""

    content_sha256: str
    commit: str | None = None

    def __post_init__(self) -> None:
        if not (len(self.content_sha256) == 64 and _HEX.fullmatch(self.content_sha256)):
            raise InvalidInputError("content_sha256 must be 64 lower-case hex digits")
        if self.commit is not None and not (len(self.commit) in (40, 64) and _HEX.fullmatch(self.commit)):
            raise InvalidInputError("commit must be 40 (or 64) lower-case hex digits")


@dataclass(frozen=True)
class PrintInput:
    """Everything one printed SOP shows, as the store supplies it.

    ``revision`` is the number shown as *Revisi ke-n* (0: never revised);
    ``made``, ``revised`` and ``effective`` are *tanggal pembuatan*, *tanggal
    revisi* and *tanggal efektif*; ``ratifier`` None means not ratified yet.
    """

    document: SopDocument
    version: int
    fingerprint: Fingerprint
    revision: int = 0
    made: date | None = None
    revised: date | None = None
    effective: date | None = None
    ratifier: Ratifier | None = None
    last_evaluation: Evaluation | None = None
    withdrawal: Withdrawal | None = None
    office: OfficeProfile = field(default_factory=OfficeProfile)
    language: str = "id"

    def __post_init__(self) -> None:
        if not isinstance(self.document, SopDocument):
            raise InvalidInputError("document must be a parsed SopDocument (soplib.parse)")
        if not isinstance(self.version, int) or self.version < 1:
            raise InvalidInputError("version {version}: versions count from 1", version=repr(self.version))
        if not isinstance(self.revision, int) or not 0 <= self.revision < 1000:
            raise InvalidInputError(
                "revision {revision}: give the revision count, 0 to 999", revision=repr(self.revision)
            )
        for value, what in (
            (self.made, Phrase("date made")),
            (self.revised, Phrase("date revised")),
            (self.effective, Phrase("date effective")),
        ):
            _day(value, what)
        check_language(self.language)
