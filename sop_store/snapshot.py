"""Reading the files of one commit (:class:`Snapshot`) and staging a new one (:class:`Transaction`).

A :class:`Transaction` is a snapshot plus staged writes; reads inside it see
the staged content. :meth:`Transaction.build_tree` turns the staged writes into
tree objects, touching only the folders on the changed paths. In a *dry*
transaction nothing is written: ids are computed, which is how a commit is
replayed to check it (the same code, the same bytes, the same ids).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sop_store.errors import NotFoundError, StoreError
from sop_store.ids import validate_path
from sop_store.objects import object_id
from sop_store.repo import MODE_BLOB, MODE_TREE, Repository, TreeEntries


def canonical_json(value: object) -> bytes:
    """The bytes soplib stores a JSON record as: sorted keys, UTF-8, one trailing newline."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n").encode()


class Snapshot:
    """The store's files as they are in one commit (read-only); an empty store when ``commit`` is None."""

    def __init__(self, repo: Repository, commit: str | None, *, root: str | None = None) -> None:
        self.repo = repo
        self.commit = commit
        self.root: str | None = root
        if commit is not None and root is None:
            self.root = repo.read_commit(commit).tree

    def _entry(self, path: str) -> tuple[int, str] | None:
        if self.root is None:
            return None
        tree = self.root
        parts = path.split("/")
        for i, part in enumerate(parts):
            entry = self.repo.read_tree(tree).get(part)
            if entry is None:
                return None
            if i == len(parts) - 1:
                return entry
            if entry[0] != MODE_TREE:
                return None
            tree = entry[1]
        return None

    def blob_id(self, path: str) -> str | None:
        """The object id of the file at ``path``, or None."""
        entry = self._entry(path)
        return entry[1] if entry and entry[0] != MODE_TREE else None

    def tree_id(self, path: str) -> str | None:
        """The object id of the folder at ``path`` (``""``: the root), or None."""
        if path in ("", "."):
            return self.root
        entry = self._entry(path)
        return entry[1] if entry and entry[0] == MODE_TREE else None

    def exists(self, path: str) -> bool:
        return self.blob_id(path) is not None

    def read(self, path: str) -> bytes:
        """The bytes of the file at ``path``; :class:`NotFoundError` if absent."""
        sha = self.blob_id(path)
        if sha is None:
            raise NotFoundError("no file {path} in the store", path=path)
        return self.repo.read_blob(sha)

    def read_json(self, path: str) -> object:
        """The JSON file at ``path``; :class:`StoreError` naming the file if it is not valid JSON."""
        try:
            return json.loads(self.read(path))
        except (ValueError, RecursionError) as exc:
            raise StoreError(
                "{path} in the store is not valid JSON ({reason}); the store is damaged",
                path=path,
                reason=exc,
            ) from exc

    def list(self, directory: str) -> list[str]:
        """Names directly inside ``directory`` (sorted), or [] if there is none."""
        tree = Snapshot.tree_id(self, directory)  # the committed tree (a transaction adds its staged names)
        return sorted(self.repo.read_tree(tree)) if tree else []


class Transaction(Snapshot):
    """A snapshot with staged writes, by one author at one moment; committed by ``GitStore.transaction``."""

    def __init__(
        self,
        repo: Repository,
        commit: str | None,
        *,
        author: str,
        at: datetime,
        dry: bool = False,
        root: str | None = None,
    ) -> None:
        super().__init__(repo, commit, root=root)
        self.author = author
        self.at = at.astimezone(UTC).replace(microsecond=0)
        self.dry = dry
        self.subject = ""
        self.body = ""
        self.trailers: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self.committed: str | None = None  # the commit made, once the block has succeeded
        # Off while changes made elsewhere are applied again (sync): their tags exist already.
        self.check_tags = True
        self._staged: dict[str, bytes | None] = {}

    @property
    def timestamp(self) -> int:
        return int(self.at.timestamp())

    def write(self, path: str, data: bytes) -> None:
        """Stage ``data`` as the new content of ``path``."""
        self._staged[validate_path(path)] = data

    def write_json(self, path: str, value: object) -> bytes:
        """Stage ``value`` as canonical JSON at ``path``; the bytes staged."""
        data = canonical_json(value)
        self.write(path, data)
        return data

    def delete(self, path: str) -> None:
        self._staged[validate_path(path)] = None

    def trailer(self, key: str, value: str) -> None:
        """Add a ``Key: value`` line to the commit message (one line, always)."""
        self.trailers.append((key, value))

    def tag(self, name: str) -> None:
        """Create ``refs/tags/<name>`` at the commit this transaction makes."""
        validate_path(name)
        exists = self.check_tags and not self.dry and self.repo.refs.read(f"refs/tags/{name}") is not None
        if name in self.tags or exists:
            raise StoreError("tag {name} already exists; the store is inconsistent (run an audit)", name=name)
        self.tags.append(name)

    @property
    def has_changes(self) -> bool:
        return bool(self._staged)

    def savepoint(self) -> tuple[dict[str, bytes | None], int, int]:
        """The staged state now, to :meth:`rollback` to if what follows fails."""
        return dict(self._staged), len(self.trailers), len(self.tags)

    def keep_files_only(self, point: tuple[dict[str, bytes | None], int, int]) -> None:
        """Keep the files staged since ``point`` but drop the trailers and tags added since."""
        _, trailers, tags = point
        del self.trailers[trailers:]
        del self.tags[tags:]

    def rollback(self, point: tuple[dict[str, bytes | None], int, int]) -> None:
        """Forget everything staged since ``point``."""
        staged, trailers, tags = point
        self._staged = dict(staged)
        del self.trailers[trailers:]
        del self.tags[tags:]

    @property
    def staged_paths(self) -> list[str]:
        return sorted(self._staged)

    # Reads see staged writes.
    def blob_id(self, path: str) -> str | None:
        if path in self._staged:
            data = self._staged[path]
            return None if data is None else object_id("blob", data)
        return super().blob_id(path)

    def read(self, path: str) -> bytes:
        if path in self._staged:
            data = self._staged[path]
            if data is None:
                raise NotFoundError("no file {path} in the store", path=path)
            return data
        return super().read(path)

    def list(self, directory: str) -> list[str]:
        names = set(super().list(directory))
        prefix = "" if directory in ("", ".") else directory.rstrip("/") + "/"
        for path, data in self._staged.items():
            if path.startswith(prefix):
                name, _, rest = path[len(prefix) :].partition("/")
                if data is not None:
                    names.add(name)
                elif not rest:
                    names.discard(name)
        return sorted(names)

    def tree_id(self, path: str) -> str | None:
        prefix = "" if path in ("", ".") else path.rstrip("/") + "/"
        if any(p.startswith(prefix) for p in self._staged):
            raise StoreError("tree ids of staged folders are only known after build_tree ({path})", path=path)
        return super().tree_id(path)

    def build_tree(self) -> str:
        """Write (or, dry, compute) the trees of the staged changes; the new root tree's id."""
        root = self._apply(self.root, self._staged)
        return root if root is not None else self.repo.write_tree({}, dry=self.dry)

    def _apply(self, tree: str | None, changes: dict[str, bytes | None]) -> str | None:
        entries: TreeEntries = dict(self.repo.read_tree(tree)) if tree else {}
        in_order = True  # stays true while only existing entries of the same kind change
        changed: list[str] = []  # replaced, not added or removed: then ``tree``'s bytes are patched
        removed = False

        def put(name: str, mode: int, sha: str) -> None:
            nonlocal in_order
            old = entries.get(name)
            in_order = in_order and old is not None and old[0] == mode
            entries[name] = (mode, sha)
            changed.append(name)

        nested: dict[str, dict[str, bytes | None]] = {}
        for path, data in changes.items():
            head, sep, rest = path.partition("/")
            if sep:
                nested.setdefault(head, {})[rest] = data
            elif data is None:
                removed = removed or entries.pop(head, None) is not None
            else:
                put(head, MODE_BLOB, self.repo.write_object("blob", data, dry=self.dry))
        for name, sub in nested.items():
            old = entries.get(name)
            sub_tree = self._apply(old[1] if old and old[0] == MODE_TREE else None, sub)
            if sub_tree is None:
                removed = removed or entries.pop(name, None) is not None
            else:
                put(name, MODE_TREE, sub_tree)
        if not entries:
            return None
        base = None if removed else tree
        return self.repo.write_tree(entries, in_order=in_order, dry=self.dry, base=base, changed=changed)
