"""What the store knows about a version, as the :class:`ExportContext` of a Word export.

Version 1 of an SOP brought in from Word keeps the dates it declared (its
store record is only the day of the import); every later version adds its own
effective date to the revision dates and counts one more revision. An
approved version is ratified by its approver (name and position from the
staff register when registered there).

    >>> document, context = export_context(store, "KPU-01", office="KPU Provinsi NTB")
    >>> context.version, context.revised[-1]
    (3, datetime.date(2026, 4, 1))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from soplib.documents.model import Declared, Ratifier, SopDocument
from soplib.word.writer import ExportContext

if TYPE_CHECKING:
    from soplib.store import Store


def export_context(
    store: Store,
    sop_id: str,
    *,
    version: int | None = None,
    office: str | None = None,
    address: str | None = None,
    language: str = "id",
) -> tuple[SopDocument, ExportContext]:
    """The document of ``sop_id`` (current or ``version``) and the context to export it with."""
    current = store.sops.get(sop_id, version=version)
    history = [v for v in store.sops.history(sop_id) if v.version <= current.version]
    declared = current.document.front.declared or Declared()
    later = [v for v in history if v.version > 1]
    revised = declared.revised + tuple(v.effective for v in later)
    first = history[0] if history else None
    # Version 1 of an imported SOP took effect when it was ratified, not on the day of the import.
    keep_declared = current.version == 1 and declared.effective is not None
    effective = declared.effective if keep_declared else current.effective
    approver = current.approver
    ratifier = None
    if approver is not None:
        ratifier = Ratifier(name=approver.name or approver.id, nip=approver.id, position=approver.position)
    elif current.version == 1 and declared.ratified_by is not None:
        ratifier = declared.ratified_by
    profile = store.office.get()
    return current.document, ExportContext(
        version=current.version,
        # Unset, the revision number is the number of revision dates (docs/format.md): left unset.
        revision=declared.revision + len(later) if declared.revision is not None else None,
        made=declared.made or (first.created.date() if first else None),
        revised=revised,
        effective=effective,
        ratified_by=ratifier,
        office=office or profile.name,
        address=address or profile.address,
        language=language,
    )
