"""A :class:`PrintInput` from what the store records (what ``sop print`` and the evidence pack print).

Made from one snapshot:

- the version and its document;
- *tanggal pembuatan*: the declared date made (an SOP that existed before
  soplib), else the day version 1 was recorded;
- *revisi ke-n*: the declared revision count plus the versions made here;
  *tanggal revisi*: the day this version was recorded (approved) from version 2 on, else
  the last declared revision date;
- *tanggal efektif*: the version's effective date (for an imported version 1,
  the declared one);
- *disahkan oleh*: the approver frozen in the version at approval; for an
  imported version 1, the ratifier as the importer declared it (marked so);
- the latest approved review that decided on the SOP ("last evaluated");
- the withdrawal, effective on the session's effective date;
- the office profile: name, address, logo, time zone.

    >>> data = print_input_from_store(store, "KPU-NTB-SOP-04", language="id")
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, tzinfo
from typing import TYPE_CHECKING

from sop_store import Snapshot
from soplib.clock import local_day, office_zone, zone_label
from soplib.outputs.model import (
    Evaluation,
    Fingerprint,
    Logo,
    OfficeProfile,
    PrintInput,
    Ratifier,
    Withdrawal,
)

if TYPE_CHECKING:
    from soplib.documents.sops import SopVersion
    from soplib.store import Store


def last_evaluation(
    snap: Snapshot, sop_id: str, evaluated: Mapping[str, tuple[date, str, str]] | None = None
) -> Evaluation | None:
    """The latest approved review session that decided an outcome for ``sop_id``.

    ``evaluated`` is :func:`soplib.review.records.last_evaluated` of ``snap``
    when the caller has it already (the pack prints many SOPs of one snapshot).

    >>> last_evaluation(store.snapshot(), 'KPU-NTB-SOP-01').outcome
    'revise'
    """
    from soplib.review.records import last_evaluated

    found = (last_evaluated(snap) if evaluated is None else evaluated).get(sop_id)
    return Evaluation(session=found[1], on=found[0], outcome=found[2]) if found else None


def _ratifier(sop: SopVersion, zone: tzinfo) -> Ratifier | None:
    approver = sop.approver
    if approver is not None:
        return Ratifier(
            name=approver.name or approver.id,
            nip=approver.id if approver.name else "",
            position=approver.position or "",
            unit=approver.unit or "",
            source="approval",
            recorded_by=approver.id,
            recorded_on=local_day(sop.created, zone),
        )
    declared = sop.document.front.declared
    if sop.version == 1 and declared is not None and declared.ratified_by is not None:
        r = declared.ratified_by
        return Ratifier(
            name=r.name,
            nip=r.nip or "",
            position=r.position or "",
            source="declared",
            recorded_by=sop.record.by,
            recorded_on=local_day(sop.created, zone),
        )
    return None


def office_profile(store: Store, *, snapshot: Snapshot | None = None) -> OfficeProfile:
    """The office profile as the print's heading shows it (at ``snapshot``, default: now).

    >>> office_profile(store).time_zone
    'WITA'
    """
    from soplib.authority.office import read_logo, read_profile

    snap = snapshot or store.snapshot()
    profile = read_profile(snap)
    logo = read_logo(snap)
    return OfficeProfile(
        name=profile.name or "",
        address=profile.address or "",
        logo=Logo(logo[0], logo[1]) if logo else None,
        time_zone=zone_label(profile.time_zone) if profile.time_zone else "",
    )


def document_language(snap: Snapshot, language: str | None) -> str:
    """``language`` if given, else the office profile's, else Bahasa Indonesia (``id``).

    >>> document_language(store.snapshot(), None)
    'id'
    """
    from soplib.authority.office import read_profile
    from soplib.i18n import check_language

    return check_language(language or read_profile(snap).language or "id")


def print_input_from_store(
    store: Store,
    sop_id: str,
    *,
    version: int | None = None,
    language: str = "id",
    snapshot: Snapshot | None = None,
    evaluated: Mapping[str, tuple[date, str, str]] | None = None,
) -> PrintInput:
    """Everything the print of ``sop_id`` (default: its latest version) needs, from one snapshot.

    ``snapshot`` (default: the store now) is the record to print from: the
    evidence pack passes the record as it stood on its day.
    """
    from soplib.authority.office import read_profile

    snap = snapshot or store.snapshot()
    zone = office_zone(read_profile(snap).time_zone)
    sop = store.sops.get(sop_id, version=version, snapshot=snap)
    record = store.sops.record(sop_id, snapshot=snap)
    declared = sop.document.front.declared
    withdrawal = None
    if not record.is_active and record.withdrawn_on is not None and sop.version == record.latest.version:
        withdrawal = Withdrawal(
            on=record.withdrawn_on, reason=str((record.withdrawn or {}).get("reason") or "")
        )
    first = record.version(1)
    made = (declared.made if declared else None) or local_day(first.created, zone)
    before = declared.revision_number if declared else 0
    revised = (
        local_day(sop.created, zone)  # the day the revision was made (approved); effective is its own line
        if sop.version > 1
        else (declared.revised[-1] if declared and declared.revised else None)
    )
    effective = declared.effective if sop.version == 1 and declared and declared.effective else sop.effective
    return PrintInput(
        document=sop.document,
        version=sop.version,
        revision=before + sop.version - 1,
        made=made,
        revised=revised,
        effective=effective,
        ratifier=_ratifier(sop, zone),
        last_evaluation=last_evaluation(snap, sop_id, evaluated),
        withdrawal=withdrawal,
        fingerprint=Fingerprint(sop.document.content_fingerprint, sop.commit),
        office=office_profile(store, snapshot=snap),
        language=language,
    )
