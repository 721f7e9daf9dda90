"""The one commit type: a parsed git commit object, and how soplib formats one.

    >>> c = parse_commit(sha, data)
    >>> c.tree, c.parents, c.author.name, c.author_time, c.values("Sop-Action")

A commit message ends with *trailers*: ``Key: value`` lines in its last
paragraph. :func:`format_message` writes them one line each (a value can never
add a line, so a caller's text cannot forge a trailer), :attr:`Commit.trailers`
reads them back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from sop_store.errors import StoreError

SIGNATURE_HEADER = b"gpgsig"


@dataclass(frozen=True)
class Person:
    """An author or committer line: name, e-mail, Unix time and UTC offset as written."""

    name: str
    email: str
    time: int
    offset: str = "+0000"

    @property
    def when(self) -> datetime:
        """The time as an aware UTC ``datetime``."""
        return datetime.fromtimestamp(self.time, UTC)

    def line(self) -> str:
        return f"{self.name} <{self.email}> {self.time} {self.offset}"


def _person(sha: str, text: str) -> Person:
    # "Name <email> 1700000000 +0700": the name may contain anything but '<'.
    name, lt, rest = text.partition(" <")
    email, gt, stamp = rest.partition("> ")
    when, _, offset = stamp.partition(" ")
    if not (lt and gt and when.lstrip("-").isdigit() and len(when) <= 12):
        raise StoreError(
            "commit {sha} has a malformed author or committer line; the store is damaged", sha=sha
        )
    return Person(name, email, int(when), offset or "+0000")


@dataclass(frozen=True)
class Commit:
    """One commit object, parsed."""

    sha: str
    tree: str
    parents: tuple[str, ...]
    author: Person
    committer: Person
    message: str
    signature: str | None = None  # the armoured ``gpgsig`` header, if signed
    payload: bytes = b""  # the object without its signature: what the signature signs

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def author_time(self) -> datetime:
        return self.author.when

    @property
    def committer_time(self) -> datetime:
        return self.committer.when

    @property
    def short(self) -> str:
        return self.sha[:10]

    @cached_property
    def trailers(self) -> tuple[tuple[str, str], ...]:
        return tuple(parse_trailers(self.message))

    def values(self, key: str) -> list[str]:
        """Every value of trailer ``key``, in order."""
        return [v for k, v in self.trailers if k == key]

    def value(self, key: str) -> str | None:
        """The only value of trailer ``key``; None if absent or given more than once."""
        found = self.values(key)
        return found[0] if len(found) == 1 else None


def parse_commit(sha: str, data: bytes) -> Commit:
    """A raw commit object as a :class:`Commit`; :class:`StoreError` if it is malformed."""
    head, sep, message = data.partition(b"\n\n")
    if not sep and not data.endswith(b"\n"):
        head, message = data, b""
    tree = ""
    parents: list[str] = []
    author = committer = None
    signature: list[bytes] = []
    payload_lines: list[bytes] = []
    in_signature = False
    for line in head.split(b"\n"):
        if in_signature and line.startswith(b" "):
            signature.append(line[1:])
            continue
        in_signature = False
        key, _, value = line.partition(b" ")
        if key == SIGNATURE_HEADER:
            in_signature = True
            signature.append(value)
            continue
        payload_lines.append(line)
        text = value.decode("utf-8", "replace")
        if key == b"tree" and not tree:
            tree = text
        elif key == b"parent":
            parents.append(text)
        elif key == b"author" and author is None:
            author = _person(sha, text)
        elif key == b"committer" and committer is None:
            committer = _person(sha, text)
    if len(tree) != 40 or author is None or committer is None or any(len(p) != 40 for p in parents):
        raise StoreError(
            "commit {sha} is malformed (no tree, author or committer); the store is damaged", sha=sha
        )
    return Commit(
        sha=sha,
        tree=tree,
        parents=tuple(parents),
        author=author,
        committer=committer,
        message=message.decode("utf-8", "replace"),
        signature=(b"\n".join(signature).decode("ascii", "replace") + "\n") if signature else None,
        payload=b"\n".join(payload_lines) + b"\n\n" + message,
    )


def format_commit(
    *, tree: str, parents: tuple[str, ...] | list[str], author: Person, committer: Person, message: str
) -> bytes:
    """The bytes of a commit object (unsigned), as git writes them."""
    lines = [f"tree {tree}", *(f"parent {p}" for p in parents), f"author {author.line()}"]
    lines.append(f"committer {committer.line()}")
    return ("\n".join(lines) + "\n\n" + message).encode()


def add_signature(commit: bytes, signature: str) -> bytes:
    """Insert a ``gpgsig`` header into a commit object, as git does.

    The header goes after the last header line; continuation lines of the
    signature start with one space.
    """
    head, sep, message = commit.partition(b"\n\n")
    lines = signature.rstrip("\n").split("\n")
    header = "gpgsig " + "\n ".join(lines)
    return head + b"\n" + header.encode("ascii") + sep + message


# -- messages ------------------------------------------------------------------------


def one_line(text: str) -> str:
    """``text`` as one clean line of a commit message.

    Line breaks (any of them) and other control characters become spaces, runs
    of spaces one space; a lone surrogate (undecodable input) becomes ``?``.
    A user's title can then neither add a paragraph that passes for trailers
    nor put a NUL into the commit object, which ``git fsck`` rejects.
    """
    text = text.encode("utf-8", "replace").decode("utf-8")
    return " ".join(_BREAKS.sub(" ", text).split())


# Unicode's Cc (C0 and C1 controls, DEL), Zl and Zp characters: one regex, not a lookup per character.
_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def format_message(subject: str, trailers: list[tuple[str, str]], body: str = "") -> str:
    """A commit message: one subject line, an optional body, then one trailer per line."""
    text = one_line(subject) or "change"
    lines = [one_line(line) for line in body.strip().split("\n")] if body.strip() else []
    if any(lines):
        text += "\n\n" + "\n".join(lines).strip()
    return text + "\n\n" + "\n".join(f"{k}: {one_line(v)}" for k, v in trailers) + "\n"


def parse_trailers(message: str) -> list[tuple[str, str]]:
    """The ``Key: value`` trailers of a commit message's last paragraph."""
    last = message.rstrip("\n").rsplit("\n\n", 1)[-1]
    out = []
    for line in last.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key.replace("-", "").isalnum():
            out.append((key, value))
    return out
