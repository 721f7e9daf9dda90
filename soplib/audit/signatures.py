"""Signed commits, checked with the auditor's own allowed-signers file.

Each principal in the allowed-signers file is a staff id; a commit's signature
is good only when it matches the commit and was made with a key listed for the
actor the commit names (``Sop-Actor``). A valid signature by someone else's key
is ``wrong-signer``: one officer cannot sign for another.

Which commits must be signed: every commit from the first signed one on (once
an office signs, an unsigned commit is a gap); every commit after the office
profile switched ``signatures_required`` on; and, with ``require_signatures``
(the auditor's choice), every commit. Nothing here reads the store's git config.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sop_store.signing import check_signature
from soplib.audit.verify import AuditContext, Finding
from soplib.ops import ACTOR_TRAILER, OP_TRAILER

_WHY = {
    "bad": ("bad-signature", "has a signature that does not match its content"),
    "unknown-key": ("unknown-signer", "is signed by a key that is not in the allowed signers file"),
    "wrong-signer": ("wrong-signer", "is signed by the key of {principals}, not of its actor {actor}"),
}


def _required_from(ctx: AuditContext) -> int | None:
    """Index of the first commit that must be signed by the office's own rule, if any."""
    start = None
    for n, commit in enumerate(ctx.commits):
        if commit.signature is not None and start is None:
            start = n
        if commit.value("Sop-Action") == "office-set":
            try:
                profile = json.loads(commit.value(OP_TRAILER) or "{}").get("profile", {})
            except ValueError:
                continue
            if isinstance(profile, dict) and profile.get("signatures_required") is True and start is None:
                start = n + 1
    return start


def check_signatures(ctx: AuditContext) -> Iterator[Finding]:
    """Required signatures are present and good, made by the actor's own key."""
    ctx.facts["signed_commits"] = sum(c.signature is not None for c in ctx.commits)
    start = 0 if ctx.require_signatures else _required_from(ctx)
    signed = ctx.facts["signed_commits"]
    if start is None and not signed:
        return
    if ctx.allowed_signers is None:
        if ctx.require_signatures or start is not None:
            yield Finding(
                "signatures-unchecked",
                "allowed signers",
                "signatures are required but cannot be checked: give the auditor's own allowed signers file",
            )
        return
    for n, commit in enumerate(ctx.commits):
        required = start is not None and n >= start
        if commit.signature is None:
            if required:
                yield Finding(
                    "unsigned",
                    commit.sha,
                    f"commit {commit.short} ({commit.subject[:60]!r}) is not signed, but must be",
                )
            continue
        actor = commit.value(ACTOR_TRAILER) or commit.author.name
        result = check_signature(
            commit.payload, commit.signature, allowed_signers=ctx.allowed_signers, principal=actor
        )
        if result.verdict == "good":
            continue
        kind, why = _WHY[result.verdict]
        yield Finding(
            kind,
            commit.sha,
            f"commit {commit.short} ({commit.subject[:60]!r}) "
            + why.format(principals=", ".join(result.principals), actor=actor),
        )
