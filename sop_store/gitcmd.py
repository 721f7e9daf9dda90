"""The one way soplib runs git: fixed arguments, in an environment the store cannot change.

A store's own ``config`` can name programs and files git would run or read
(``core.fsmonitor``, ``core.hooksPath``, ``gpg.ssh.program``, ``include.path``,
``core.sshCommand``, ``uploadpack.packObjectsHook`` ...), and its ``hooks/``
folder holds programs git runs on its own. Whoever controls the repository
controls all of them, and an auditor reading a store must not run what its
owner put there. So git never sees the store as its repository: every command
runs with ``GIT_DIR`` set to a private *shadow* repository (a clean config, no
hooks, no refs of its own, made once per process in a temporary folder) and
``GIT_OBJECT_DIRECTORY`` set to the store's objects. Replacement refs are off
(``GIT_NO_REPLACE_OBJECTS``), and the store's grafts and shallow file are in
its own git dir, which git does not look at. What git does consult is the
user's own configuration (``~/.gitconfig``, the system's): their credential
helpers and SSH set-up are theirs to choose.

Nothing a person typed ever becomes an option: callers pass fixed options and
put ``--end-of-options`` before revisions and URLs, and every id reaching here
has been validated.

Git runs through GitPython's ``Git.execute``, imported only when git is actually
needed (packing, fsck, sync): its import costs about 0.1 s, which ``sop show``
and every other command that runs no git never pay.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sop_store.errors import StoreError

# Settings that make git quiet and predictable whatever the user's own config says.
_FIXED = (
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "gc.auto=0",
    "-c", "maintenance.auto=false",
    "-c", "core.pager=cat",
    "-c", "advice.detachedHead=false",
)  # fmt: skip

_CONFIG = "[core]\n\trepositoryformatversion = 0\n\tbare = true\n"


@dataclass(frozen=True)
class GitResult:
    status: int
    stdout: bytes
    stderr: bytes

    @property
    def ok(self) -> bool:
        return self.status == 0

    @property
    def error(self) -> str:
        """The last non-empty line git wrote to stderr (what to show a person)."""
        lines = [line for line in self.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        return lines[-1] if lines else f"git exited with status {self.status}"


def die_with_parent() -> None:
    """In the child: be killed with the parent (Linux's PR_SET_PDEATHSIG).

    Packing runs while a writer holds the store lock; if the writer is killed,
    the kernel frees the lock at once, and git must not go on beside the next
    writer. Elsewhere git simply finishes, which is also safe.
    """
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


_SHADOWS: list[Path] = []


def _remove_shadows() -> None:
    for path in _SHADOWS:
        shutil.rmtree(path, ignore_errors=True)


atexit.register(_remove_shadows)


def shadow_repository() -> Path:
    """A private, empty bare repository with a clean config (made once per process)."""
    if not _SHADOWS:
        path = Path(tempfile.mkdtemp(prefix="soplib-git-"))
        (path / "refs" / "heads").mkdir(parents=True)
        (path / "refs" / "tags").mkdir()
        (path / "objects").mkdir()
        (path / "HEAD").write_text("ref: refs/heads/main\n")
        (path / "config").write_text(_CONFIG)
        _SHADOWS.append(path)
    return _SHADOWS[0]


class GitRunner:
    """Runs git commands on one store's objects, in the shadow repository."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir.resolve()

    def env(self, *, git_dir: Path | None = None) -> dict[str, str]:
        """The environment for git: the shadow (or ``git_dir``) as repository, the store's objects."""
        return {
            "GIT_DIR": str(git_dir or shadow_repository()),
            "GIT_OBJECT_DIRECTORY": str(self.git_dir / "objects"),
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": "",
            "GIT_OPTIONAL_LOCKS": "0",
            "LC_ALL": "C",
            "LANGUAGE": "C",
        }

    def run(
        self,
        *args: str,
        stdin: bytes | None = None,
        timeout: float = 600,
        git_dir: Path | None = None,
        extra_env: dict[str, str] | None = None,
        die_with_us: bool = False,
    ) -> GitResult:
        """Run ``git <fixed settings> <args>``; the result, never an exception for a non-zero status.

        The user's environment is kept (GitPython starts from ``os.environ``: their
        ``~/.gitconfig``, credential helper, ``GIT_SSH_COMMAND``, ssh-agent), with
        :meth:`env` on top; stdin is ``stdin`` or nothing, never inherited. A command
        still running after ``timeout`` seconds is killed.
        """
        import git

        command = ["git", *_FIXED, *args]
        env = {**self.env(git_dir=git_dir), **(extra_env or {})}
        with contextlib.ExitStack() as stack:
            stream: BinaryIO | None = None
            if stdin is not None:
                stream = stack.enter_context(tempfile.TemporaryFile())
                stream.write(stdin)
                stream.seek(0)
            try:
                result: Any = git.Git().execute(
                    command,
                    istream=stream,
                    with_extended_output=True,
                    with_exceptions=False,
                    stdout_as_string=False,
                    kill_after_timeout=timeout,
                    env=env,
                    preexec_fn=die_with_parent if die_with_us else None,
                )
            except (OSError, git.exc.GitError) as exc:
                raise StoreError("cannot run git {command}: {reason}", command=args[0], reason=exc) from exc
        status, out, err = result
        return GitResult(int(status), _bytes(out), _bytes(err))


def _bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value or "").encode()
