"""Talking to remotes: fetch, push, and the remotes a store knows, through plain git transports.

Git servers are the distributed engine offices already have: a bare repository
over SSH, ``git daemon``, Gitea or GitLab over HTTP(S), or a folder. Everything
goes through :class:`~sop_store.gitcmd.GitRunner`, so the store's own config
and hooks play no part; credentials and SSH settings are the user's own (their
``~/.gitconfig``, credential helper, ssh-agent, ``GIT_SSH_COMMAND``). Nothing a
person typed becomes an option: URLs are checked (:func:`validate_url`) and come
after ``--``.

- :func:`fetch` brings a remote's ``main`` and tags into the store's objects and
  returns where they point, without moving any of the store's refs;
- :func:`push` sends a commit as the remote's ``main`` and tags beside it,
  atomically, never forced: a remote that moved meanwhile refuses, and nothing
  changes there.
"""

from __future__ import annotations

import fcntl
import os
import re
from dataclasses import dataclass
from pathlib import Path

from sop_store.errors import InvalidInputError, StoreError
from sop_store.gitcmd import GitResult, GitRunner
from sop_store.logs import get_logger
from sop_store.refs import BRANCH
from sop_store.repo import Repository

log = get_logger(__name__)

_SCHEMES = ("https://", "http://", "ssh://", "git://", "file://")
_SCP = re.compile(r"^[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:[^:]")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# Transports git may use, and no other (``ext::`` runs a program, ``fd::`` reads descriptors).
_PROTOCOLS = (
    "-c", "protocol.allow=never",
    "-c", "protocol.file.allow=always", "-c", "protocol.git.allow=always",
    "-c", "protocol.ssh.allow=always", "-c", "protocol.http.allow=always",
    "-c", "protocol.https.allow=always",
)  # fmt: skip
_TIMEOUT = 3600.0
_SHADOWS = "soplib-sync"  # the repository transfers run in, in the store's git dir


def validate_url(url: str) -> str:
    """``url`` if git may fetch from and push to it safely, else :class:`InvalidInputError`.

    Allowed: ``https://``, ``http://``, ``ssh://``, ``git://``, ``file://`` URLs,
    ``user@host:path`` (SSH), and absolute folder paths.
    """
    text = url.strip()
    if redact_url(text) != text:
        raise InvalidInputError(
            "remote URL {url} carries a password; soplib keeps no secrets: remove it from the URL and let "
            "git supply it (a credential helper, `git config --global credential.helper`, or your SSH key)",
            url=redact_url(text),
        )
    ok = text.startswith(_SCHEMES) or bool(_SCP.match(text)) or (text.startswith("/") and "::" not in text)
    if not ok or text.startswith("-") or any(ch in text for ch in "\n\r\0 ") or "::" in text.split("/", 3)[0]:
        raise InvalidInputError(
            "remote URL {url} is not one soplib uses: give an https://, ssh://, git:// or file:// URL, "
            "user@host:path, or an absolute folder path",
            url=repr(url),
        )
    return text


# A folder remote (a path or file://) has git start upload-pack / receive-pack right here, as the
# user who syncs, in the remote repository: its hooks and the commands its config names would
# run as that user. A store on a shared drive is someone else's config: run those two programs
# with hooks off and no alternate-refs command (a server runs its own hooks, on the server).
_LOCAL_SERVICE = "git -c core.hooksPath=/dev/null -c core.alternateRefsCommand=true"


def _service(url: str, option: str, program: str) -> tuple[str, ...]:
    """``--upload-pack=...`` / ``--receive-pack=...`` for a folder remote; nothing for a server."""
    local = url.startswith(("file://", "/"))
    return (f"{option}={_LOCAL_SERVICE} {program}",) if local else ()


def redact_url(url: str) -> str:
    """``url`` with the password of its user part (``scheme://user:password@host``) replaced by ``***``.

    >>> redact_url("https://ani:hunter2@git.example.org/sop.git")
    'https://ani:***@git.example.org/sop.git'
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc, slash, path = rest.partition("/")
    userinfo, at, host = netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{host}{slash}{path}"


def validate_remote_name(name: str) -> str:
    if (
        not isinstance(name, str)
        or not _NAME.fullmatch(name)
        or name.endswith((".", ".lock"))
        or ".." in name
    ):
        raise InvalidInputError(
            "invalid remote name {name}: use letters, digits, '.', '_', '-'", name=repr(name)
        )
    return name


@dataclass(frozen=True)
class Fetched:
    """Where a remote's ``main`` and tags point, their objects now in the store (main None: empty remote)."""

    main: str | None
    tags: dict[str, str]


class _Shadow:
    """The repository git transfers in: a clean config, the store's refs as packed refs (to negotiate).

    One per store, ``<git dir>/soplib-sync/``, kept between transfers and used by
    one at a time (an flock, freed by the kernel if the process is killed).
    Kept because removing folders is slow on some disks (200 tag folders took
    0.6 s to remove here): before each transfer only the files git left are
    removed (the refs it fetched last time, a ``.lock`` of a killed git), folders
    stay. Objects go to the store itself (``GIT_OBJECT_DIRECTORY``).
    """

    def __init__(self, repo: Repository) -> None:
        self.path = repo.git_dir / _SHADOWS
        (self.path / "refs" / "heads").mkdir(parents=True, exist_ok=True)
        (self.path / "refs" / "tags").mkdir(exist_ok=True)
        (self.path / "objects").mkdir(exist_ok=True)
        self._fd = os.open(self.path / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            for path in (self.path / "refs").rglob("*"):
                if path.is_file() or path.is_symlink():
                    path.unlink()
            for name in ("packed-refs.lock", "shallow", "shallow.lock", "FETCH_HEAD"):
                (self.path / name).unlink(missing_ok=True)
            (self.path / "HEAD").write_text(f"ref: {BRANCH}\n")
            (self.path / "config").write_text("[core]\n\trepositoryformatversion = 0\n\tbare = true\n")
            refs = {BRANCH: repo.head(), **repo.refs.list("refs/tags/")}
            lines = [f"{sha} {name}" for name, sha in sorted(refs.items()) if sha]
            (self.path / "packed-refs").write_text(
                "# pack-refs with: peeled fully-peeled sorted \n" + "".join(f"{x}\n" for x in lines)
            )
        except BaseException:
            os.close(self._fd)
            raise

    def close(self) -> None:
        os.close(self._fd)  # releases the flock


def _fetched_refs(path: Path, prefix: str) -> dict[str, str]:
    out = {}
    base = path / prefix
    if base.is_dir():
        for ref in base.rglob("*"):
            if ref.is_file():
                out[ref.relative_to(base).as_posix()] = ref.read_text().strip()
    return out


def fetch(repo: Repository, url: str) -> Fetched:
    """Fetch ``main`` and every tag of ``url`` into the store's objects; where they point.

    The store's own refs do not move: the caller integrates and moves them under
    the store lock.
    """
    shadow = _Shadow(repo)
    try:
        done = GitRunner(repo.git_dir).run(
            *_PROTOCOLS, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-auto-gc",
            *_service(validate_url(url), "--upload-pack", "upload-pack"), "--",
            validate_url(url), f"+{BRANCH}:refs/soplib/main", "+refs/tags/*:refs/soplib/tags/*",
            git_dir=shadow.path, timeout=_TIMEOUT, die_with_us=True,
        )  # fmt: skip
        repo.objects.refresh()  # new packs arrived
        if not done.ok:
            # An empty remote: no main yet. Over SSH git's last line is "the remote end hung up", so
            # the whole of stderr is read.
            if "couldn't find remote ref" in done.stderr.decode("utf-8", "replace").lower():
                return Fetched(None, {})
            raise StoreError("cannot fetch from {url}: {reason}", url=url, reason=done.error)
        main = _fetched_refs(shadow.path, "refs/soplib").get("main")
        return Fetched(main, _fetched_refs(shadow.path, "refs/soplib/tags"))
    finally:
        shadow.close()


@dataclass(frozen=True)
class Pushed:
    """What a push did: ``ok``, or ``rejected`` (the remote moved; nothing changed there) and why."""

    ok: bool
    rejected: bool
    detail: str


def push(repo: Repository, url: str, *, main: str, expected: str | None, tags: dict[str, str]) -> Pushed:
    """Make ``main`` the remote's ``main`` (it must descend from the remote's), with ``tags``, all or nothing.

    ``expected`` is the remote main the caller integrated (``--force-with-lease``
    semantics without force: git refuses unless the remote still points there
    and the new commit descends from it).
    """
    shadow = _Shadow(repo)
    try:
        # No --force of any kind: git itself refuses to move the remote's main to a commit that does
        # not descend from it, and receive-pack refuses if main moved after it told us where it was.
        specs = [f"{main}:{BRANCH}", *(f"{sha}:refs/tags/{name}" for name, sha in sorted(tags.items()))]
        done = GitRunner(repo.git_dir).run(
            *_PROTOCOLS, "push", "--atomic", "--porcelain", "--no-verify",
            *_service(validate_url(url), "--receive-pack", "receive-pack"), "--", validate_url(url), *specs,
            git_dir=shadow.path, timeout=_TIMEOUT, die_with_us=True,
        )  # fmt: skip
    finally:
        shadow.close()
    if done.ok:
        return Pushed(True, False, "")
    log.debug("push to %s (expected main %s) refused: %s %s", url, expected, done.stdout, done.stderr)
    return _refusal(done)


# Why git refused a ref, as --porcelain prints it: the remote moved (integrate again) or not.
_MOVED = (
    "stale info",
    "fetch first",
    "non-fast-forward",
    "but expected",
    "failed to update ref",
    "cannot lock",
)


def _refusal(done: GitResult) -> Pushed:
    """Read ``git push --porcelain``: the remote moved (integrate, retry), or it refused (say why)."""
    reasons = []
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        flag, _, rest = line.partition("\t")
        if flag == "!":
            ref, _, why = rest.partition("\t")
            reasons.append((ref.rpartition(":")[2], why))
    said = [
        line.removeprefix("remote:").strip()
        for line in done.stderr.decode("utf-8", "replace").splitlines()
        if line.startswith("remote:") and line.removeprefix("remote:").strip()
    ]
    # "atomic transaction failed"/"atomic push failed" only echo another refusal: over a local or
    # daemon transport receive-pack's own reason ("cannot lock ref ...: is at X but expected Y")
    # comes as a remote: line.
    real = [(ref, why) for ref, why in reasons if "atomic" not in why] or reasons
    whys = [why for _, why in real if "atomic" not in why] or said
    declined = any("declined" in why for _, why in reasons)
    moved = not declined and bool(whys) and all(any(m in why for m in _MOVED) for why in whys)
    detail = "; ".join(f"{ref} {why}" for ref, why in real) or done.error
    if said:
        detail += " (the server said: " + " ".join(said)[:500] + ")"
    return Pushed(False, moved, detail)


def config_path(repo: Repository) -> Path:
    return repo.git_dir / "config"


def list_remotes(repo: Repository) -> dict[str, str]:
    """The remotes the store knows (``remote.<name>.url`` in its config, read as data, no includes).

    A password in a URL (written there by plain git) is shown as ``***``; such a
    remote is refused when used (:func:`validate_url`).
    """
    done = _config(repo, "--get-regexp", r"^remote\..*\.url$")
    out = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        key, _, url = line.partition(" ")
        name = key[len("remote.") : -len(".url")]
        if _NAME.fullmatch(name):
            out[name] = redact_url(url)  # one written by plain git may hold a password: never shown
    return out


def add_remote(repo: Repository, name: str, url: str) -> None:
    """Record a remote as ``git remote add`` would (so plain git sees it too)."""
    validate_remote_name(name)
    if name in list_remotes(repo):
        raise InvalidInputError("remote {name} already exists; remove it first to change its URL", name=name)
    for key, value in (
        (f"remote.{name}.url", validate_url(url)),
        (f"remote.{name}.fetch", f"+refs/heads/*:refs/remotes/{name}/*"),
    ):
        done = _config(repo, "--add", key, value)
        if not done.ok:
            raise StoreError("cannot record remote {name}: {reason}", name=name, reason=done.error)


def remove_remote(repo: Repository, name: str) -> None:
    validate_remote_name(name)
    if name not in list_remotes(repo):
        raise InvalidInputError("no remote {name}", name=name)
    _config(repo, "--remove-section", f"remote.{name}")


def _config(repo: Repository, *args: str) -> GitResult:
    # `git config --file` reads and writes exactly that file as data: no include
    # is followed (that needs --includes) and nothing the file names is run.
    return GitRunner(repo.git_dir).run("config", "--file", str(config_path(repo)), *args, timeout=60)
