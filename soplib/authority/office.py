"""The office profile: the office's name, address, logo, time zone and language of documents.

Stored as ``office/profile.json`` (and the logo as ``office/logo.png`` or
``office/logo.svg``), changed only by the ``office-set`` operation, which needs
the ``admin`` role once grants exist (docs/authority.md). Prints use the name,
address and logo in their heading; the time zone drives every day boundary
(:mod:`soplib.clock`); the language is the default of every document and
message.

    >>> store.office.set(name="Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat",
    ...                  time_zone="Asia/Makassar", language="id", by="admin")
    >>> store.office.get().zone_label
    'WITA'
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sop_store import Snapshot
from soplib.clock import office_zone, zone_label
from soplib.errors import InvalidInputError, NotFoundError, Phrase, RecordError
from soplib.ops import Context, Operation, operation
from soplib.values import Value, load

if TYPE_CHECKING:
    from soplib.store import Store

PROFILE = "office/profile.json"
LOGO_MAX = 512 * 1024
LogoType = Literal["image/png", "image/svg+xml"]
_LOGO_FILE = {"image/png": "office/logo.png", "image/svg+xml": "office/logo.svg"}
_UNSET: Any = object()


@dataclass(frozen=True)
class Profile(Value):
    """What the store says about the office (every field optional)."""

    name: str | None = None
    address: str | None = None
    time_zone: str | None = None
    language: Literal["id", "en"] | None = None
    logo: LogoType | None = None
    logo_blob: str | None = None
    signatures_required: bool = False

    @property
    def zone_label(self) -> str:
        """``WIB``/``WITA``/``WIT``, the IANA name, or ``UTC`` (no zone set)."""
        return zone_label(self.time_zone)

    def _json_extra(self) -> dict[str, Any]:
        return {"zone_label": self.zone_label}


def read_profile(snap: Snapshot) -> Profile:
    """The office profile at ``snap`` (all fields empty when none was set)."""
    if not snap.exists(PROFILE):
        return Profile()
    profile: Profile = load(Profile, snap.read_json(PROFILE), path=PROFILE)
    try:  # the zone every day is counted in: an unknown one is a bad record, named as such
        office_zone(profile.time_zone)
    except InvalidInputError as exc:
        raise RecordError(PROFILE, exc) from None
    return profile


def read_logo(snap: Snapshot) -> tuple[bytes, LogoType] | None:
    """The logo's bytes and media type at ``snap``, or None (none set)."""
    profile = read_profile(snap)
    if profile.logo is None:
        return None
    try:
        return snap.read(_LOGO_FILE[profile.logo]), profile.logo
    except NotFoundError:
        return None


def stage_profile(ctx: Context, profile: Profile) -> None:
    """Check ``profile`` and stage it (used by init and by ``office-set``)."""
    if profile.language is not None and profile.language not in ("id", "en"):
        raise InvalidInputError("unknown language {lang}: use id or en", lang=repr(profile.language))
    office_zone(profile.time_zone)
    for text, what in ((profile.name, Phrase("office name")), (profile.address, Phrase("office address"))):
        if text is not None and (not text.strip() or len(text) > 500):
            raise InvalidInputError("the {what} must be 1-500 characters", what=what)
    ctx.tx.write_json(PROFILE, {k: v for k, v in profile.to_json().items() if k != "zone_label"})


def check_logo(data: bytes) -> LogoType:
    """The media type of a logo (PNG or SVG) if it is acceptable, else :class:`InvalidInputError`.

    SVG is refused if it could run or fetch anything (scripts, event handlers,
    external references, DTDs): a logo is drawn into every print.
    """
    if len(data) > LOGO_MAX:
        raise InvalidInputError(
            "the logo is {size} bytes; the limit is {limit} (512 KiB)", size=len(data), limit=LOGO_MAX
        )
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg")):
        _check_svg(data)
        return "image/svg+xml"
    raise InvalidInputError("the logo must be a PNG or an SVG file")


_URL_OK = re.compile(r"^(#|data:image/(png|jpeg|gif);base64,)", re.IGNORECASE)


def _check_svg(data: bytes) -> None:
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise InvalidInputError("the SVG logo has a DOCTYPE or an entity; save it as plain SVG")
    try:
        root = ET.fromstring(data)  # noqa: S314 (no DTD, checked above; entities cannot expand)
    except ET.ParseError as exc:
        raise InvalidInputError("the SVG logo is not valid XML ({reason})", reason=exc) from None
    if not root.tag.endswith("svg"):
        raise InvalidInputError("the SVG logo's root element is not <svg>")
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in ("script", "foreignobject", "iframe", "embed", "object"):
            raise InvalidInputError("the SVG logo contains <{tag}>; a logo may only draw", tag=tag)
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                raise InvalidInputError(
                    "the SVG logo has an event handler ({name}); a logo may only draw", name=local
                )
            if local == "href" and not _URL_OK.match(value.strip()):
                raise InvalidInputError(
                    "the SVG logo refers to {url}; a logo may not load anything", url=value[:80]
                )
            if "url(" in value.lower() and "url(#" not in value.lower().replace(" ", ""):
                raise InvalidInputError(
                    "the SVG logo refers to an outside resource; a logo may not load anything"
                )


@operation("office-set")
@dataclass(frozen=True)
class SetOffice(Operation):
    """Replace the office profile (the whole of it: the collection merges the changes first)."""

    profile: Profile

    def apply(self, ctx: Context) -> Profile:
        ctx.require("admin", what=Phrase("change the office profile"))
        old = read_profile(ctx.tx)
        profile = self.profile
        if profile.logo_blob != old.logo_blob or profile.logo != old.logo:
            for path in _LOGO_FILE.values():
                if ctx.tx.exists(path):
                    ctx.tx.delete(path)
            if profile.logo_blob is not None:
                if profile.logo is None:
                    raise InvalidInputError("a logo needs its media type")
                data = ctx.tx.repo.read_blob(profile.logo_blob)
                if check_logo(data) != profile.logo:
                    raise InvalidInputError("the logo is not of the media type recorded for it")
                ctx.tx.write(_LOGO_FILE[profile.logo], data)
        if profile == old:
            raise InvalidInputError("nothing changed: the office profile is already so")
        stage_profile(ctx, profile)
        ctx.subject = "Set the office profile"
        return profile


class Office:
    """``store.office``: the office profile."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self) -> Profile:
        """The current office profile."""
        return read_profile(self._store.snapshot())

    def logo(self) -> tuple[bytes, LogoType] | None:
        """The logo's bytes and media type, or None."""
        return read_logo(self._store.snapshot())

    def set(
        self,
        *,
        by: str,
        name: str | None = _UNSET,
        address: str | None = _UNSET,
        time_zone: str | None = _UNSET,
        language: str | None = _UNSET,
        logo: bytes | Path | None = _UNSET,
        signatures_required: bool = _UNSET,
    ) -> Profile:
        """Change the given fields (``None`` clears one); one commit. Needs ``admin`` once grants exist."""
        current = self.get()
        changes: dict[str, Any] = {}
        for key, value in (
            ("name", name),
            ("address", address),
            ("time_zone", time_zone),
            ("language", language),
        ):
            if value is not _UNSET:
                changes[key] = (
                    " ".join(value.split()) if isinstance(value, str) and key != "time_zone" else value
                )
        if signatures_required is not _UNSET:
            changes["signatures_required"] = bool(signatures_required)
        if logo is not _UNSET:
            if logo is None:
                changes.update(logo=None, logo_blob=None)
            else:
                from soplib.files import read_file

                data = read_file(logo) if isinstance(logo, Path) else logo
                changes["logo"] = check_logo(data)
                changes["logo_blob"] = self._store.git.repo.write_object("blob", data)
        profile = replace(current, **changes)
        applied = self._store.apply(SetOffice(profile), by=by)
        result: Profile = applied.result
        return result
