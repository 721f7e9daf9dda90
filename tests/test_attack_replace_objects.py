"""Attack: make git hand soplib other objects than the ones the history names (issue 10, point 2).

Git has several ways to show a reader something other than the object an id
names, all of them files or refs inside the repository that whoever controls it
can write: replacement refs (`git replace` of a shared tree, of an SOP text blob,
of the head commit), grafts (`info/grafts`), alternates
(`objects/info/alternates` pointing at a repository that holds a forged object
under a genuine id), a `shallow` file, and a pack index whose entries were
swapped so that one id reads another object's bytes. Each attack runs on a
signed store packed by `git gc` (packed objects are what soplib reads through
git), with an anchor receipt taken before the attack.

Expected defence: soplib reads the true objects (never replacements or grafts;
packed objects hash-checked like loose ones, so a swapped or forged object is
refused, never shown): `sop show`, `sop list` and `sop coverage` give the real
content or fail with one line. `sop audit verify` (plain, with the receipt, with
`--head`, with signatures required against the auditor's allowed signers) exits
1 and names the replacement ref, the grafts, alternates or shallow file, or the
object, and never calls the forged state verified.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from attack_forge import (
    dump,
    files,
    git,
    git_bytes,
    head,
    packed,
    read,
    read_json,
    write_tree,
)
from attack_kit import (
    allowed_signers,
    assert_clean_exit,
    assert_reported,
    assert_verified,
    clean_env,
    keygen,
    ok,
    sop,
    sop_file,
    staff_file,
)

A, B = "KPU-RPL-01", "KPU-RPL-02"
BY = "ani.pratiwi"
PEOPLE = ["198001012005011001", "198202022006042002"]
TRUE_STEP = "Pemohon mengisi formulir."
FORGED_STEP = "Pemohon membayar biaya Rp 500.000 kepada petugas."
FORGED_TITLE = "Pelayanan Permohonan Berbayar"


@dataclass(frozen=True)
class Signed:
    """A signed, packed store and what an auditor holds outside it."""

    store: Path
    env: dict[str, str]  # the writer's environment (its signing key)
    mine: Path  # the auditor's allowed signers file
    receipt: Path
    anchored_head: str
    text_a: bytes
    title_a: str


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Signed:
    root = tmp_path_factory.mktemp("signed")
    key = keygen(root / "office_key", "sop-signing@kpu")
    # The principals are the commits' actors: soplib (the store's first commit) and the writer.
    mine = allowed_signers(root / "auditor_allowed_signers", key, f"soplib,{BY}")
    env = clean_env(SOP_SIGNING_KEY=str(key))  # the writer signs every commit, from the first one on
    store = root / "store"
    ok(sop(store, "init", env=env))
    inputs = root / "in"
    new = [str(sop_file(inputs, A)), str(sop_file(inputs, B, "Pengelolaan Arsip"))]
    ok(sop(store, "add", *new, "--by", BY, env=env))
    ok(sop(store, "staff", "import", str(staff_file(inputs)), "--by", BY, env=env))
    for person in PEOPLE:
        ok(sop(store, "ack", person, B, "--by", BY, env=env))
    receipt = root / "receipt.json"
    ok(sop(store, "audit", "anchor", "--by", BY, "--out", str(receipt), env=env))
    packed(store)
    text = ok(sop(store, "show", A)).out.encode()
    assert TRUE_STEP.encode() in text
    anchored = json.loads(receipt.read_text())["head"]
    return Signed(store, env, mine, receipt, anchored, text, "Pelayanan Permohonan")


@pytest.fixture
def signed(template: Signed, tmp_path: Path) -> Signed:
    store = tmp_path / "store"
    shutil.copytree(template.store, store, symlinks=True)
    return Signed(store, template.env, template.mine, template.receipt, template.anchored_head,
                  template.text_a, template.title_a)  # fmt: skip


def verifications(s: Signed) -> list[list[str]]:
    """The ways an auditor runs verify on a signed store: with their allowed signers file, and with
    the receipt, with a head recorded elsewhere, with signatures required."""
    mine = ["--allowed-signers", str(s.mine)]
    return [
        mine,
        [*mine, "--receipt", str(s.receipt)],
        [*mine, "--head", s.anchored_head],
        [*mine, "--require-signatures", "--receipt", str(s.receipt)],
    ]


def test_control_the_signed_packed_store_verifies_every_way(signed: Signed) -> None:
    assert list((signed.store / "objects" / "pack").glob("*.pack"))
    for args in verifications(signed):
        data = assert_verified(signed.store, *args)
    assert data["signed_commits"] >= 4 and data["acknowledgements"] == 2
    assert ok(sop(signed.store, "show", A)).out.encode() == signed.text_a


# -- the forgeries ------------------------------------------------------------------------------------


def forged_text(s: Signed) -> bytes:
    return s.text_a.replace(TRUE_STEP.encode(), FORGED_STEP.encode()).replace(
        s.title_a.encode(), FORGED_TITLE.encode()
    )


def forged_sops_tree(s: Signed) -> tuple[str, str]:
    """(the shared ``sops`` tree, a forged one whose text and record of A agree with each other)."""
    entries = {p: sha for p, sha in files(s.store).items() if p.startswith("sops/")}
    text = forged_text(s)
    record = read_json(s.store, f"sops/{A}.json")
    version = record["versions"][-1]
    version["blob"] = git(s.store, "hash-object", "-w", "--stdin", input=text)
    version["meta"]["content_sha256"] = hashlib.sha256(text).hexdigest()
    version["meta"]["front"]["title"] = FORGED_TITLE
    entries[f"sops/{A}.md"] = version["blob"]
    entries[f"sops/{A}.json"] = git(s.store, "hash-object", "-w", "--stdin", input=dump(record))
    forged_root = write_tree(s.store, {p: sha for p, sha in entries.items()})
    forged = git(s.store, "rev-parse", f"{forged_root}:sops")
    return git(s.store, "rev-parse", "main:sops"), forged


def replace_shared_tree(s: Signed) -> list[str]:
    original, forged = forged_sops_tree(s)
    git(s.store, "replace", original, forged)
    return ["refs/replace/", original]


def replace_text_blob(s: Signed) -> list[str]:
    original = git(s.store, "rev-parse", f"main:sops/{A}.md")
    forged = git(s.store, "hash-object", "-w", "--stdin", input=forged_text(s))
    git(s.store, "replace", original, forged)
    return ["refs/replace/", original]


def replace_head_commit(s: Signed) -> list[str]:
    """The head (signed) commit, replaced by one whose tree lacks the newest acknowledgement."""
    tip = head(s.store)
    tree = files(s.store)
    segment = next(p for p in tree if p.startswith(f"acks/{B}/") and p.endswith(".tsv"))
    records = [line.split("\t") for line in read(s.store, segment).decode().splitlines()]
    kept = records[:-1]
    lines = "".join("\t".join(r) + "\n" for r in kept)
    tree[segment] = git(s.store, "hash-object", "-w", "--stdin", input=lines)
    tree[segment[:-4] + ".ids"] = git(s.store, "hash-object", "-w", "--stdin", input=kept[-1][1] + "\n")
    chain = dump({"count": int(kept[-1][0]), "last": kept[-1][9]})
    tree["acks/chain.json"] = git(s.store, "hash-object", "-w", "--stdin", input=chain)
    raw = git_bytes(s.store, "cat-file", "commit", tip)
    old_tree = raw.split(b"\n", 1)[0]
    new_raw = b"tree " + write_tree(s.store, tree).encode() + raw[len(old_tree) :]
    forged = git(s.store, "hash-object", "-w", "-t", "commit", "--stdin", input=new_raw)
    git(s.store, "replace", tip, forged)
    return ["refs/replace/", tip]


def graft_history(s: Signed) -> list[str]:
    history = git(s.store, "rev-list", "--first-parent", "main").split()
    (s.store / "info").mkdir(exist_ok=True)
    (s.store / "info" / "grafts").write_text(f"{history[0]} {history[3]}\n")
    return ["grafts"]


def shallow_history(s: Signed) -> list[str]:
    history = git(s.store, "rev-list", "--first-parent", "main").split()
    (s.store / "shallow").write_text(f"{history[2]}\n")
    return ["shallow"]


def alternate_with_a_forged_object(s: Signed) -> list[str]:
    """The store loses A's text; an alternate supplies a file under the same id with other bytes."""
    victim = git(s.store, "rev-parse", f"main:sops/{A}.md")
    keep = [line.split(" ", 1)[0] for line in git(s.store, "rev-list", "--objects", "--all").splitlines()]
    old_packs = list((s.store / "objects" / "pack").iterdir())
    git(s.store, "pack-objects", "-q", str(s.store / "objects" / "pack" / "pack"),
        input="".join(f"{o}\n" for o in keep if o != victim))  # fmt: skip
    for path in old_packs:
        path.unlink()
    alternate = s.store.parent / "elsewhere.git"
    git(alternate, "init", "-q", "--bare")
    text = forged_text(s)
    folder = alternate / "objects" / victim[:2]
    folder.mkdir(exist_ok=True)
    (folder / victim[2:]).write_bytes(zlib.compress(b"blob %d\0%s" % (len(text), text)))
    (s.store / "objects" / "info").mkdir(exist_ok=True)
    (s.store / "objects" / "info" / "alternates").write_text(f"{alternate / 'objects'}\n")
    return ["alternates", victim]


def swap_in_pack_index(s: Signed) -> list[str]:
    """Swap the offsets of A's and B's texts in the pack index (checksum fixed): A's id reads B's text."""
    return swap_texts_in_pack_index(s.store, A, B)


def swap_texts_in_pack_index(store: Path, first: str, second: str) -> list[str]:
    """:func:`swap_in_pack_index` for the texts of SOPs ``first`` and ``second`` in ``store``'s one pack."""
    a = git(store, "rev-parse", f"main:sops/{first}.md")
    b = git(store, "rev-parse", f"main:sops/{second}.md")
    (idx,) = (store / "objects" / "pack").glob("*.idx")
    data = bytearray(idx.read_bytes())
    assert data[:8] == b"\xfftOc\x00\x00\x00\x02"
    n = struct.unpack(">I", data[8 + 255 * 4 : 8 + 256 * 4])[0]
    names = 8 + 256 * 4
    crcs, offsets = names + 20 * n, names + 24 * n
    ids = [bytes(data[names + 20 * i : names + 20 * i + 20]).hex() for i in range(n)]
    i, j = ids.index(a), ids.index(b)
    for base, width in ((crcs, 4), (offsets, 4)):
        x, y = base + width * i, base + width * j
        data[x : x + width], data[y : y + width] = data[y : y + width], data[x : x + width]
    data[-20:] = hashlib.sha1(bytes(data[:-20]), usedforsecurity=False).digest()
    idx.chmod(0o644)
    idx.write_bytes(bytes(data))
    return [a, b, ".idx", ".pack"]


ATTACKS: dict[str, Callable[[Signed], list[str]]] = {
    "git replace of a shared tree": replace_shared_tree,
    "git replace of an SOP text": replace_text_blob,
    "git replace of the head commit": replace_head_commit,
    "info/grafts": graft_history,
    "a shallow file": shallow_history,
    "alternates holding a forged object": alternate_with_a_forged_object,
    "a pack index with two entries swapped": swap_in_pack_index,
}


# Attacks after which plain git shows other bytes for A's text; those after which the
# store no longer holds A's true bytes at all (soplib may then only refuse).
TEXT_FORGERIES = [
    "git replace of a shared tree",
    "git replace of an SOP text",
    "alternates holding a forged object",
    "a pack index with two entries swapped",
]
TRUE_BYTES_GONE = TEXT_FORGERIES[2:]


def git_reads(s: Signed, *args: str) -> bytes:
    """What plain git (which honours replacements, grafts, alternates) shows: proves the forgery took."""
    return git_bytes(s.store, *args)


@pytest.mark.parametrize("attack", ATTACKS)
def test_soplib_reads_the_true_objects_and_verify_reports_the_forgery(signed: Signed, attack: str) -> None:
    names = ATTACKS[attack](signed)
    if attack in TEXT_FORGERIES:  # plain git now shows other bytes for A: the forgery took
        assert git_reads(signed, "cat-file", "blob", f"main:sops/{A}.md") != signed.text_a

    shown = sop(signed.store, "show", A, env=signed.env)
    assert_clean_exit(shown)
    assert FORGED_STEP not in shown.out and FORGED_TITLE not in shown.out, shown.where
    if shown.code == 0:
        assert shown.out.encode() == signed.text_a, shown.where
    else:  # only where the true bytes are gone from the store may it refuse (one line)
        assert attack in TRUE_BYTES_GONE, shown.where

    listed = sop(signed.store, "list", "--json", env=signed.env)
    assert_clean_exit(listed)
    assert FORGED_TITLE not in listed.out, listed.where

    coverage = sop(signed.store, "coverage", B, "--json", env=signed.env)
    assert_clean_exit(coverage)
    if coverage.code == 0:
        assert coverage.json()["acknowledged"] == 2, coverage.where

    for args in [[], *verifications(signed)]:  # plain too: a careless auditor must see it as well
        data = assert_reported(signed.store, names, *args, env=signed.env)
        if data.get("acknowledgements") is not None and attack == "git replace of the head commit":
            assert data["acknowledgements"] != 1, "verify counted the forged acknowledgement chain"


def test_the_pack_an_import_writes_is_checked_like_one_git_wrote(tmp_path: Path) -> None:
    """An import of many SOPs writes its own pack (sop_store/packwrite.py): an insider who swaps two
    of its index entries gets the same treatment as in a pack git wrote."""
    store = tmp_path / "store"
    ok(sop(store, "init"))
    ids = [f"KPU-IMP-{n:02d}" for n in range(70)]
    ok(sop(store, "add", *(str(sop_file(tmp_path / "in", i, f"Impor {i}")) for i in ids), "--by", BY))
    assert len(list((store / "objects" / "pack").glob("*.pack"))) == 1  # soplib's, not git's
    true_text = ok(sop(store, "show", ids[0])).out
    names = swap_texts_in_pack_index(store, ids[0], ids[1])
    assert git_bytes(store, "cat-file", "blob", f"main:sops/{ids[0]}.md").decode() != true_text  # it took
    shown = sop(store, "show", ids[0])
    assert_clean_exit(shown)
    assert f"Impor {ids[1]}" not in shown.out, shown.where
    assert shown.code != 0 or shown.out == true_text, shown.where
    assert_reported(store, names)
