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
    # The state of a review session (soplib.review.log.SessionStatus).
    "session_status": {
        "open": N_("open"),
        "approved": N_("approved"),
        "abandoned": N_("abandoned"),
    },
    # How a version was saved (soplib.documents.records.VersionRecord.action).
    "action": {
        "add": N_("add"),
        "update": N_("update"),
        "approve": N_("approve"),
    },
    # A decision on one item in a review session (soplib.review.log.ItemAction).
    "item_action": {
        "keep": N_("keep"),
        "remove": N_("remove"),
        "replace": N_("replace"),
    },
    # The kind of an entry of a review session's log (soplib.review.log).
    "entry": {
        "outcome": N_("outcome"),
        "decision": N_("decision"),
        "add": N_("add"),
        "retract": N_("retract"),
        "evaluation": N_("evaluation"),
        "proposal": N_("proposal"),
        "approve": N_("approve"),
        "abandon": N_("abandon"),
    },
    # Where an item's current text comes from (soplib.audit.blame.Origin.origin).
    "origin": {
        "original": N_("original"),
        "replace": N_("replace"),
        "add": N_("add"),
        "update": N_("update"),
    },
    # What a sync did with the remote's commits (soplib.sync.remotes.How).
    "sync": {
        "up-to-date": N_("up-to-date"),
        "fast-forward": N_("fast-forward"),
        "merged": N_("merged"),
        "pushed-only": N_("pushed-only"),
        "empty": N_("empty"),
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
        raise InvalidInputError(
            "unknown label kind {kind}: use one of {choices}",
            kind=repr(kind),
            choices=", ".join(sorted(LABELS)),
        )
    message = messages.get(value)
    if message is None:
        raise InvalidInputError(
            "unknown {kind} {value}: use one of {choices}",
            kind=kind,
            value=repr(value),
            choices=", ".join(sorted(messages)),
        )
    return _(message)
