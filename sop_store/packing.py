"""Automatic, bounded packing of loose objects: the ``git gc --auto`` the in-process writer owes.

Git's own commands pack now and then; soplib writes objects itself, so it packs
itself: after a commit it lists one fan-out folder (``objects/17``), and once
about :data:`LOOSE_LIMIT` objects are loose (git's ``gc.auto``) it packs them,
still holding the store lock, with two git commands that never walk the whole
history:

- ``git pack-objects --revs --unpacked``: what the commits since the newest
  packed one reach (their paths let git pick good deltas);
- ``git repack --geometric=2 -d``: merges only the smallest packs, so pack sizes
  form a geometric series (each object rewritten O(log n) times, about log2(n)
  packs to look in), and deletes the loose copies.

Safe to kill at any moment (git writes a pack and its index under temporary
names, renames them, and only then deletes loose copies) and beside readers. A
failure (disk full) is logged, not raised: the commit that called this has
already succeeded, and the objects are still loose.
"""

from __future__ import annotations

import os

from sop_store.logs import get_logger
from sop_store.repo import Repository

log = get_logger(__name__)

LOOSE_LIMIT = 6700
LOOSE_SAMPLE = "17"


def too_many_loose(repo: Repository) -> bool:
    """Whether about :data:`LOOSE_LIMIT` objects are loose (one folder listed: ~10 µs)."""
    try:
        names = os.listdir(repo.objects.path / LOOSE_SAMPLE)
    except OSError:
        return False
    return sum(len(name) == 38 for name in names) > -(-LOOSE_LIMIT // 256)


def _newest_packed(repo: Repository, head: str) -> str | None:
    """The newest first-parent ancestor of ``head`` that is not a loose object."""
    for commit in repo.walk(head):
        if not repo.objects.is_loose(commit.sha):
            return commit.sha
    return None


def pack_loose(repo: Repository, head: str) -> bool:
    """Move the loose objects reachable since the last pack into packs; True if it worked."""
    from sop_store.gitcmd import GitRunner

    git = GitRunner(repo.git_dir)
    boundary = _newest_packed(repo, head)
    revs = f"{head}\n" + (f"^{boundary}\n" if boundary else "")
    pack = str((repo.objects.path / "pack" / "pack").resolve())
    done = git.run(
        "pack-objects",
        "-q",
        "--revs",
        "--unpacked",
        "--non-empty",
        pack,
        stdin=revs.encode(),
        die_with_us=True,
    )
    ok = done.ok
    if not ok:
        log.warning("could not pack loose objects in %s: %s", repo.git_dir, done.error)
    else:
        merged = git.run(
            "-c", "repack.writeBitmaps=false", "repack", "--geometric=2", "-d", "-q", die_with_us=True
        )
        if not merged.ok:
            # A git older than 2.32 has no --geometric: at least drop the loose
            # copies of what is now packed, or every later commit would try again.
            git.run("prune-packed", "-q", die_with_us=True)
    repo.objects.refresh()  # packs may have been merged away under the reader
    return ok
