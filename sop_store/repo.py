"""One bare git repository, opened for soplib's reads and writes.

:class:`Repository` puts together the object store (:mod:`sop_store.objects`),
the refs (:mod:`sop_store.refs`) and parsed trees and commits, cached by id
(objects never change, so a cache entry never goes stale).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path

from sop_store.commit import Commit, Person, add_signature, format_commit, parse_commit
from sop_store.errors import NotFoundError, StoreError
from sop_store.objects import BIG_TREE, ObjectStore, check_object_format, object_id
from sop_store.refs import BRANCH, Refs

MODE_BLOB = 0o100644
MODE_TREE = 0o040000

# name -> (mode, hex id), in git's order
TreeEntries = dict[str, tuple[int, str]]

_CONFIG = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n"


def tree_sort_key(item: tuple[str, tuple[int, str]]) -> bytes:
    """git orders tree entries by name, comparing a directory as if it ended in ``/``."""
    name, (mode, _) = item
    return name.encode() + (b"/" if mode == MODE_TREE else b"")


def parse_tree(sha: str, data: bytes, offsets: dict[str, int] | None = None) -> TreeEntries:
    """The entries of a tree object: ``<octal mode> <name>\\0<20-byte id>`` repeated.

    ``offsets``, if given, gets where each entry's id starts in ``data``.
    """
    entries: TreeEntries = {}
    i = 0
    try:
        while i < len(data):
            space = data.index(b" ", i)
            nul = data.index(b"\0", space)
            if nul + 21 > len(data):
                raise ValueError("truncated entry")
            name = data[space + 1 : nul].decode("utf-8", "surrogateescape")
            entries[name] = (int(data[i:space], 8), data[nul + 1 : nul + 21].hex())
            if offsets is not None:
                offsets[name] = nul + 1
            i = nul + 21
    except ValueError as exc:
        raise StoreError(
            "tree {sha} is damaged ({reason}); `git fsck` says more", sha=sha, reason=exc
        ) from exc
    return entries


def format_tree(items: Iterable[tuple[str, tuple[int, str]]]) -> tuple[bytes, dict[str, int]]:
    """The bytes of a tree object from entries already in git's order, and where each id starts."""
    parts, offsets, at = [], {}, 0
    for name, (mode, sha) in items:
        raw = b"%o %s\0%s" % (mode, name.encode(), bytes.fromhex(sha))
        parts.append(raw)
        at += len(raw)
        offsets[name] = at - 20
    return b"".join(parts), offsets


class Repository:
    """A bare repository: objects, refs, and parsed trees and commits."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        if not (git_dir / "HEAD").is_file():
            raise NotFoundError("no git repository at {path}", path=git_dir)
        if not (git_dir / "objects").is_dir():
            raise StoreError("{path} has no readable objects folder: the store is damaged", path=git_dir)
        check_object_format(git_dir)
        self.objects = ObjectStore(git_dir / "objects")
        self.refs = Refs(git_dir)
        self._trees: OrderedDict[str, TreeEntries] = OrderedDict()
        self._commits: OrderedDict[str, Commit] = OrderedDict()
        # Big trees read or written lately, as bytes with where each entry's id sits: a
        # commit changes one or two entries of a big folder (``sops/`` has 1,000), and
        # patching 20 bytes of a copy is far cheaper than formatting every entry again.
        self._tree_bytes: OrderedDict[str, tuple[bytes, dict[str, int]]] = OrderedDict()

    @classmethod
    def init_bare(cls, path: Path) -> Repository:
        """Create a bare SHA-1 repository whose HEAD names ``main``, in-process.

        No git process, so no template folder and no sample hooks are copied in.
        """
        try:
            for folder in ("objects/info", "objects/pack", "refs/heads", "refs/tags", "info"):
                (path / folder).mkdir(parents=True, exist_ok=True)
            (path / "config").write_text(_CONFIG)
            (path / "description").write_text("soplib store\n")
            (path / "HEAD").write_text(f"ref: {BRANCH}\n")
        except OSError as exc:
            raise StoreError(
                "cannot create a git repository at {path}: {reason}", path=path, reason=exc.strerror or exc
            ) from exc
        return cls(path)

    def close(self) -> None:
        """Forget cached trees and commits and close the pack reader."""
        self.objects.close()
        self._trees.clear()
        self._commits.clear()
        self._tree_bytes.clear()

    # -- objects -------------------------------------------------------------------

    def read_object(self, sha: str) -> tuple[str, bytes]:
        return self.objects.read(sha)

    def read_blob(self, sha: str) -> bytes:
        kind, data = self.objects.read(sha)
        if kind != "blob":
            raise StoreError("object {sha} is a {kind}, not a blob", sha=sha, kind=kind)
        return data

    def read_tree(self, sha: str) -> TreeEntries:
        """The entries of a tree (cached: trees never change)."""
        cached = self._trees.get(sha)
        if cached is not None:
            self._trees.move_to_end(sha)
            return cached
        kind, data = self.objects.read(sha)
        if kind != "tree":
            raise StoreError("object {sha} is a {kind}, not a tree", sha=sha, kind=kind)
        offsets: dict[str, int] | None = {} if len(data) > BIG_TREE else None
        entries = parse_tree(sha, data, offsets)
        # Patched later only if patching gives what formatting gives: not for a tree written otherwise
        # (modes with leading zeros, a name twice ...), so a replay gets the same bytes either way.
        if offsets is not None and format_tree(entries.items())[0] == data:
            self._keep_bytes(sha, data, offsets)
        self._trees[sha] = entries
        if len(self._trees) > 4096:
            self._trees.popitem(last=False)
        return entries

    def read_commit(self, sha: str) -> Commit:
        """A commit (cached: commits never change)."""
        cached = self._commits.get(sha)
        if cached is not None:
            return cached
        kind, data = self.objects.read(sha)
        if kind != "commit":
            raise StoreError("object {sha} is a {kind}, not a commit", sha=sha, kind=kind)
        commit = parse_commit(sha, data)
        self._commits[sha] = commit
        if len(self._commits) > 4096:
            self._commits.popitem(last=False)
        return commit

    def write_object(self, kind: str, data: bytes, *, dry: bool = False) -> str:
        """Write an object (``dry``: only compute its id)."""
        return object_id(kind, data) if dry else self.objects.write(kind, data)

    def write_tree(
        self,
        entries: TreeEntries,
        *,
        in_order: bool = False,
        dry: bool = False,
        base: str | None = None,
        changed: Iterable[str] = (),
    ) -> str:
        """Write a tree object; ``in_order``: ``entries`` are already in git's order.

        An entries mapping read from a tree keeps git's order, and replacing values
        keeps it: a commit that only changes files need not sort a big folder. If
        ``entries`` are the tree ``base`` with only the ids of ``changed`` replaced
        (same names and modes), ``base``'s bytes are patched instead.
        """
        known = self._tree_bytes.get(base) if in_order and base is not None else None
        if known is not None:
            raw, offsets = known
            patched = bytearray(raw)
            for name in changed:
                at = offsets[name]
                patched[at : at + 20] = bytes.fromhex(entries[name][1])
            data = bytes(patched)
            tree = entries
        else:
            items = list(entries.items()) if in_order else sorted(entries.items(), key=tree_sort_key)
            data, offsets = format_tree(items)
            tree = dict(items)  # in git order, as read_tree gives them
        sha = self.write_object("tree", data, dry=dry)
        if len(data) > BIG_TREE:
            self._keep_bytes(sha, data, offsets)
        self._trees[sha] = tree
        return sha

    def _keep_bytes(self, sha: str, data: bytes, offsets: dict[str, int]) -> None:
        self._tree_bytes[sha] = (data, offsets)
        if len(self._tree_bytes) > 8:
            self._tree_bytes.popitem(last=False)

    def write_commit(
        self,
        *,
        tree: str,
        parents: tuple[str, ...] | list[str],
        author: Person,
        committer: Person,
        message: str,
        signature: str | None = None,
        dry: bool = False,
    ) -> str:
        body = format_commit(tree=tree, parents=parents, author=author, committer=committer, message=message)
        if signature is not None:
            body = add_signature(body, signature)
        return self.write_object("commit", body, dry=dry)

    # -- refs and history ----------------------------------------------------------

    def head(self) -> str | None:
        """The commit ``main`` points to (None in a repository with no commit yet)."""
        return self.refs.read(BRANCH)

    def walk(self, head: str | None, *, limit: int | None = None) -> Iterator[Commit]:
        """Commits from ``head`` back along first parents, newest first."""
        sha = head
        seen = 0
        while sha and (limit is None or seen < limit):
            commit = self.read_commit(sha)
            yield commit
            seen += 1
            sha = commit.parents[0] if commit.parents else None
