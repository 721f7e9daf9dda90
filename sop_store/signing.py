"""SSH signatures on commits, made and checked the way git does (``gpg.format=ssh``).

A signed commit carries a ``gpgsig`` header made by ``ssh-keygen -Y sign -n git``
over the commit without that header, exactly as ``git commit -S`` writes it.

Which key signs and which keys are trusted come only from the person running
soplib (their environment, their options), never from the store's own git
config: whoever controls a repository controls its config, and a config that
names the verification program or the allowed-signers file can make a forged
signature look good. The program is ``ssh-keygen`` found on the user's PATH.

    >>> signature = ssh_sign(payload, key="~/.ssh/sop_signing")
    >>> check_signature(payload, signature, allowed_signers="allowed_signers", principal="ani")
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sop_store.errors import Phrase, StoreError

PROGRAM = "ssh-keygen"
NAMESPACE = "git"


def ssh_sign(payload: bytes, *, key: str) -> str:
    """Sign ``payload`` in git's namespace; the armoured signature (ends with a newline).

    ``key`` is a key file (private, or public with the private half in
    ssh-agent) or git's ``key::<public key>`` literal (ssh-agent signs).
    """
    with tempfile.TemporaryDirectory(prefix="soplib-sign-") as tmp:
        if key.startswith("key::"):
            key_file = Path(tmp) / "key.pub"
            key_file.write_text(key[5:].strip() + "\n")
        else:
            key_file = Path(os.path.expanduser(key))
        try:
            done = subprocess.run(
                [PROGRAM, "-Y", "sign", "-n", NAMESPACE, "-f", str(key_file)],
                input=payload,
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise StoreError(
                "cannot sign the commit with {program}: {reason}", program=PROGRAM, reason=exc
            ) from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise StoreError(
            "cannot sign the commit with the key {key}: {reason}; nothing was written",
            key=key,
            reason=reason[-1] if reason else Phrase("failed"),
        )
    return done.stdout.decode("ascii")


Verdict = Literal["good", "bad", "unknown-key", "wrong-signer"]


@dataclass(frozen=True)
class SignatureCheck:
    """What checking one signature found: ``good``, or why not, and whose key it was."""

    verdict: Verdict
    principals: tuple[str, ...] = ()  # who the allowed-signers file says holds the key
    detail: str = ""


def check_signature(
    payload: bytes, signature: str, *, allowed_signers: Path, principal: str
) -> SignatureCheck:
    """Check that ``signature`` over ``payload`` was made by ``principal``'s key in ``allowed_signers``.

    ``good`` only when the signature matches the payload and the key is listed
    for ``principal``. Otherwise ``wrong-signer`` (a valid key of someone else),
    ``unknown-key`` (no allowed signer has it) or ``bad``.
    """
    with tempfile.TemporaryDirectory(prefix="soplib-verify-") as tmp:
        sig = Path(tmp) / "commit.sig"
        sig.write_text(signature)
        done = _run(
            [
                PROGRAM,
                "-Y",
                "verify",
                "-f",
                str(allowed_signers),
                "-I",
                principal,
                "-n",
                NAMESPACE,
                "-s",
                str(sig),
            ],
            payload,
        )
        if done.returncode == 0:
            return SignatureCheck("good", (principal,))
        found = _run([PROGRAM, "-Y", "find-principals", "-f", str(allowed_signers), "-s", str(sig)], b"")
        principals = tuple(found.stdout.decode("utf-8", "replace").split()) if found.returncode == 0 else ()
        if not principals:
            return SignatureCheck("unknown-key", (), _last_line(done.stderr))
        # The key is someone's: is the signature itself sound? Check it as theirs.
        own = _run(
            [
                PROGRAM,
                "-Y",
                "verify",
                "-f",
                str(allowed_signers),
                "-I",
                principals[0],
                "-n",
                NAMESPACE,
                "-s",
                str(sig),
            ],
            payload,
        )
        if own.returncode == 0:
            return SignatureCheck("wrong-signer", principals)
        return SignatureCheck("bad", principals, _last_line(own.stderr))


def _run(argv: list[str], payload: bytes) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(argv, input=payload, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StoreError(
            "cannot check a signature with {program}: {reason}", program=PROGRAM, reason=exc
        ) from exc


def _last_line(data: bytes) -> str:
    lines = [line for line in data.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else ""
