"""Enum values as people read them: stable English identifiers mapped to catalogue messages.

Records keep identifiers (``in_force``, ``revise``); outputs show the message
the identifier maps to, translated (``berlaku``, ``direvisi``). An identifier
without a message is an error, never shown raw.

    >>> from soplib.i18n import use_language
    >>> with use_language("id"):
    ...     label("outcome", "revise")
    'direvisi'
"""

from __future__ import annotations

from collections.abc import Mapping

from soplib.i18n import N_, _

LABELS: Mapping[str, Mapping[str, str]] = {
    # The status of a version on a date (soplib.audit.VersionStatus) and in the store.
    "status": {
        "in_force": N_("in force"),
        "current": N_("in force"),
        "scheduled": N_("takes effect later"),
        "superseded": N_("superseded"),
        "withdrawn": N_("withdrawn"),
        "active": N_("in force"),
    },
    # The outcome of an SOP in a review session (soplib.review_log.Outcome).
    "outcome": {
        "keep": N_("kept as it is"),
        "revise": N_("revised"),
        "withdraw": N_("withdrawn"),
        "add": N_("new SOP"),
    },
    # Where a ratifier's record comes from (soplib.outputs.model.Ratifier.source).
    "ratifier_source": {
        "approval": N_("recorded at approval"),
        "declared": N_("declared on import"),
    },
}


def label(kind: str, value: str) -> str:
    """The message for identifier ``value`` of enum ``kind``, in the current language.

    >>> label("status", "in_force")
    'in force'
    """
    from soplib.errors import InvalidInputError

    messages = LABELS.get(kind)
    if messages is None:
        raise InvalidInputError(f"unknown label kind {kind!r}: use one of {', '.join(sorted(LABELS))}")
    message = messages.get(value)
    if message is None:
        raise InvalidInputError(f"unknown {kind} {value!r}: use one of {', '.join(sorted(messages))}")
    return _(message)
