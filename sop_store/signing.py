"""Signing soplib's commits the way git does with SSH keys (``gpg.format=ssh``).

When the store's git config says ``gpg.format=ssh``, ``user.signingKey=<key>``
and ``commit.gpgSign=true``, every commit soplib writes carries a ``gpgsig``
header made by ``ssh-keygen -Y sign -n git`` over the commit payload, exactly
as ``git commit -S`` would write it; ``git verify-commit`` and ``git log
--show-signature`` then check it with ``gpg.ssh.allowedSignersFile``.

Signing spawns ``ssh-keygen`` once per commit (a few milliseconds), so it is
only done when the store is configured for it. A configured but unusable key is
an error: soplib never silently writes an unsigned commit into a signed store.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sop_store.errors import StoreError

# Takes the commit payload, returns the ASCII-armoured signature.
Signer = Callable[[bytes], str]


@dataclass(frozen=True)
class SigningConfig:
    """What the store's git config says about SSH signing."""

    key: str
    program: str
    sign_commits: bool
    allowed_signers: str | None

    def signer(self) -> Signer:
        """A function that signs one commit payload with :attr:`key`."""
        return lambda payload: ssh_sign(payload, key=self.key, program=self.program)


def load(git_dir: Path) -> SigningConfig | None:
    """The store's SSH signing set-up (its own ``config`` file only), or None.

    Only the repository's config counts, not the user's global one: whether a
    store's history is signed is a property of the store, the same for every
    person and process that writes to it.
    """
    try:
        text = (git_dir / "config").read_text(encoding="utf-8", errors="replace").lower()
    except FileNotFoundError:
        text = ""
    except OSError as exc:
        raise StoreError(f"cannot read {git_dir / 'config'}: {exc}") from exc
    if "gpg" not in text and "include" not in text:
        # No signing set-up can be there: skip GitPython's config parser, whose
        # import (~90 ms) a cold `sop` command would otherwise pay.
        return None
    import git

    try:
        parser = git.GitConfigParser(str(git_dir / "config"), read_only=True)
        parser.read()
    except (OSError, ValueError, configparser.Error) as exc:
        raise StoreError(f"cannot read {git_dir / 'config'}: {exc}") from exc

    def values(section: str, option: str) -> str | None:
        if not parser.has_option(section, option):
            return None
        return str(parser.get_value(section, option, ""))

    return read_config(values)


def read_config(values: Callable[[str, str], str | None]) -> SigningConfig | None:
    """The SSH signing set-up from ``values(section, option)``, or None if there is none."""
    if (values("gpg", "format") or "").lower() != "ssh":
        return None
    key = values("user", "signingkey")
    if not key:
        return None
    return SigningConfig(
        key=key,
        program=values('gpg "ssh"', "program") or "ssh-keygen",
        sign_commits=_true(values("commit", "gpgsign")),
        allowed_signers=values('gpg "ssh"', "allowedsignersfile"),
    )


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "yes", "on", "1")


def ssh_sign(payload: bytes, *, key: str, program: str = "ssh-keygen") -> str:
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
                [program, "-Y", "sign", "-n", "git", "-f", str(key_file)],
                input=payload,
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise StoreError(f"cannot sign the commit with {program}: {exc}; check gpg.ssh.program") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise StoreError(
            f"cannot sign the commit with user.signingKey {key}: {reason[-1] if reason else 'failed'}; "
            "nothing was written (fix the key or unset commit.gpgSign)"
        )
    return done.stdout.decode("ascii")


def add_signature(commit: bytes, signature: str) -> bytes:
    """Insert a ``gpgsig`` header into a commit object, as git does.

    The header goes after the last header line; continuation lines of the
    signature start with one space.
    """
    head, sep, message = commit.partition(b"\n\n")
    lines = signature.rstrip("\n").split("\n")
    header = "gpgsig " + "\n ".join(lines)
    return head + b"\n" + header.encode("ascii") + sep + message
