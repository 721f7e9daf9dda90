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
    # A review session's status (soplib.review.log.SessionStatus).
    "session_status": {
        "open": N_("in progress"),
        "approved": N_("approved"),
        "abandoned": N_("abandoned"),
    },
    # A decision on one item in a review session (soplib.review.log: decisions, additions, retractions).
    "decision": {
        "keep": N_("kept"),
        "remove": N_("removed"),
        "replace": N_("replaced"),
        "add": N_("added"),
        "retract": N_("taken back"),
        "proposal": N_("new SOP proposed"),
    },
    # The usual roles in a review team (other roles are shown as the session wrote them).
    "team_role": {
        "chair": N_("chair"),
        "member": N_("member"),
        "secretary": N_("secretary"),
    },
    # The rule behind each grade of "SOPs are evaluated" (soplib.audit.report.GRADES).
    "grade": {
        "A": N_("every main SOP evaluated and followed up"),
        "B": N_("more than half of the main SOPs evaluated and followed up"),
        "C": N_("more than half of the main SOPs evaluated, half or fewer followed up"),
        "D": N_("at least one main SOP evaluated, half or fewer"),
        "E": N_("no main SOP evaluated"),
    },
    # The seven evaluation criteria (soplib.criteria.CRITERIA), as the worksheet words them.
    "criterion": {
        "drives_performance": N_("drives better performance"),
        "easy_to_understand": N_("easy to understand"),
        "easy_to_carry_out": N_("easy to carry out"),
        "roles_clear": N_("everyone can play their role"),
        "solves_problems": N_("solves problems of the process"),
        "meets_needs": N_("answers the organisation's need for better performance"),
        "fits_other_sops": N_("fits with the other SOPs"),
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
