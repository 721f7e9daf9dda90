"""Attack: the store's git config names a program or a file, and soplib runs or loads it (issue 10, point 1).

Whoever controls the repository controls its `config` file. Git consults many
settings that name a program to run (`gpg.ssh.program`, `core.fsmonitor`, hooks,
pagers, credential helpers, filters, `ext::` remotes ...) or a file to read
(`include.path`, `gpg.ssh.allowedSignersFile`, `mailmap.file`,
`core.attributesFile` ...). Each program here is a script that leaves a marker
file and answers "signature good"; each file is a FIFO, so that merely opening
it blocks forever. The store is made with `sop init` before the config is
written; then every soplib command that could reach git runs against it: add,
update, staff import, ack, review start/outcome/approve, briefing create/attend,
anchor, report, pack, print, the reads, verify (plain, and with the auditor's
own `--allowed-signers` and `--require-signatures`), and the store packing
itself once enough objects are loose.

Expected defence: no soplib command runs a program or loads a file that the
store's config names (only what the user's own environment and options name;
a writer signs when its own environment says `SOP_SIGNING_KEY=<key file>`);
the marker never appears, no command hangs, and commits whose signatures are
forged (one well-formed by an attacker's key, garbage SSH and PGP ones, all
"good" to the fake program or the attacker's allowed signers file) are reported
by verify against the auditor's own allowed signers file.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from attack_forge import (
    git_env,
    loose_head,
    loose_read,
    loose_set_head,
    loose_write,
    many_loose_objects,
)
from attack_kit import (
    Sop,
    allowed_signers,
    assert_clean_exit,
    clean_env,
    finding_text,
    keygen,
    ok,
    sop,
    sop_file,
    staff_file,
    verify,
)

STAFF_IDS = ["198001012005011001", "198202022006042002", "199003032015031003", "199104042019032004"]
A, B = "KPU-ATK-01", "KPU-ATK-02"
BY = "ani.pratiwi"
# The approver is named on the ratified SOP, so it must be in the staff registry (Ani Pratiwi's NIP).
APPROVER = STAFF_IDS[0]
# The principals of an allowed signers file are the actors of the commits: soplib itself (the
# store's first commit), the writer and the approver. Both files name all three.
PRINCIPALS = f"soplib,{BY},{APPROVER}"
TIMEOUT = 30  # a command that takes longer is hung (they take well under a second)

PROGRAM = """\
#!/bin/sh
# Any program a hostile store config names: it leaves a trace and says "all good".
echo "$0 $*" >> '{marker}'
for a in "$@"; do
  case "$a" in
    find-principals) echo "sop-signing@kpu"; exit 0;;
    sign) cat >/dev/null
          printf '%s\\n' '-----BEGIN SSH SIGNATURE-----' 'U1NIU0lHAAAAAQ==' '-----END SSH SIGNATURE-----'
          exit 0;;
    verify|check-novalidate)
      echo 'Good "git" signature for sop-signing@kpu with ED25519 key SHA256:{fake}'; exit 0;;
    --verify)
      echo '[GNUPG:] NEWSIG'
      echo '[GNUPG:] GOODSIG 0123456789ABCDEF sop-signing@kpu'
      echo '[GNUPG:] VALIDSIG {fpr} 2026-01-01 1767225600 0 4 0 22 10 00 {fpr}'
      echo '[GNUPG:] TRUST_ULTIMATE 0 pgp'
      exit 0;;
    -bsau) cat >/dev/null
           echo '[GNUPG:] SIG_CREATED D 22 10 00 1767225600 {fpr}' >&2
           printf '%s\\n' '-----BEGIN PGP SIGNATURE-----' '' 'iQ==' '-----END PGP SIGNATURE-----'
           exit 0;;
  esac
done
exit 0
"""

HOOKS = [
    "applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit",
    "prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout", "post-merge",
    "pre-push", "pre-receive", "update", "proc-receive", "post-receive", "post-update",
    "reference-transaction", "push-to-checkout", "pre-auto-gc", "post-rewrite", "sendemail-validate",
    "fsmonitor-watchman", "p4-changelist", "p4-prepare-changelist", "p4-post-changelist", "p4-pre-submit",
    "post-index-change",
]  # fmt: skip

SSH_SIGNING = [("gpg.format", "ssh"), ("user.signingKey", "{attacker_key}"), ("commit.gpgSign", "true")]
PGP_SIGNING = [("gpg.format", "openpgp"), ("user.signingKey", "0123456789ABCDEF"), ("commit.gpgSign", "true")]
PROGRAM_KEYS = [
    ("gpg.ssh.program", "{prog}"), ("gpg.program", "{prog}"), ("gpg.openpgp.program", "{prog}"),
    ("gpg.x509.program", "{prog}"), ("core.fsmonitor", "{prog}"), ("core.hooksPath", "{hooks}"),
    ("core.sshCommand", "{prog}"), ("core.pager", "{prog}"), ("pager.log", "{prog}"),
    ("core.editor", "{prog}"), ("core.askPass", "{prog}"), ("credential.helper", "!{prog}"),
    ("diff.external", "{prog}"), ("core.alternateRefsCommand", "{prog}"),
    ("uploadpack.packObjectsHook", "{prog}"), ("core.gitProxy", "{prog}"), ("log.showSignature", "true"),
]  # fmt: skip

# Each case: the config entries written into the store ("{prog}": the marker program,
# "{fifo}": a FIFO, "{hooks}": a folder of hooks, "{inc}": a config file of PROGRAM_KEYS,
# "{attrs}": an attributes file that names filter and diff drivers).
CASES: dict[str, list[tuple[str, str]]] = {
    "gpg.ssh.program": [*SSH_SIGNING, ("gpg.ssh.program", "{prog}")],
    "gpg.program": [*PGP_SIGNING, ("gpg.program", "{prog}")],
    "gpg.openpgp.program": [*PGP_SIGNING, ("gpg.openpgp.program", "{prog}")],
    "gpg.x509.program": [("gpg.format", "x509"), ("user.signingKey", "x"), ("commit.gpgSign", "true"),
                         ("gpg.x509.program", "{prog}")],
    "gpg.ssh.defaultKeyCommand": [("gpg.format", "ssh"), ("commit.gpgSign", "true"),
                                  ("gpg.ssh.defaultKeyCommand", "{prog}")],
    "gpg.ssh.allowedSignersFile (FIFO)": [("gpg.format", "ssh"), ("gpg.ssh.allowedSignersFile", "{fifo}")],
    "gpg.ssh.allowedSignersFile (the attacker's)": [*SSH_SIGNING,
                                                    ("gpg.ssh.allowedSignersFile", "{attacker_allowed}")],
    "gpg.ssh.revocationFile (FIFO)": [("gpg.format", "ssh"), ("gpg.ssh.revocationFile", "{fifo}")],
    "log.showSignature": [("log.showSignature", "true"), ("gpg.program", "{prog}"),
                          ("gpg.ssh.program", "{prog}")],
    "core.fsmonitor": [("core.fsmonitor", "{prog}"), ("core.untrackedCache", "true")],
    "core.hooksPath": [("core.hooksPath", "{hooks}"), ("gc.auto", "1"), ("gc.autoPackLimit", "1")],
    "hooks in the store": [("gc.auto", "1"), ("gc.autoPackLimit", "1")],
    "core.sshCommand": [("core.sshCommand", "{prog}")],
    "core.pager": [("core.pager", "{prog}"), ("pager.log", "{prog}"), ("pager.fsck", "{prog}")],
    "core.editor": [("core.editor", "{prog}"), ("sequence.editor", "{prog}")],
    "core.askPass": [("core.askPass", "{prog}")],
    "credential.helper": [("credential.helper", "!{prog}")],
    "diff.external": [("diff.external", "{prog}")],
    "core.alternateRefsCommand": [("core.alternateRefsCommand", "{prog}")],
    "uploadpack.packObjectsHook": [("uploadpack.packObjectsHook", "{prog}")],
    "core.gitProxy": [("core.gitProxy", "{prog}")],
    "include.path (FIFO)": [("include.path", "{fifo}")],
    "include.path (a file naming programs)": [("include.path", "{inc}")],
    "includeIf (a file naming programs)": [("includeIf.gitdir:/.path", "{inc}")],
    "includeIf (FIFO)": [("includeIf.gitdir:/.path", "{fifo}")],
    "core.attributesFile + filter and diff drivers": [
        ("core.attributesFile", "{attrs}"), ("filter.x.process", "{prog}"), ("filter.x.smudge", "{prog}"),
        ("filter.x.clean", "{prog}"), ("filter.x.required", "true"), ("diff.x.textconv", "{prog}"),
        ("diff.x.command", "{prog}")],
    "core.attributesFile (FIFO)": [("core.attributesFile", "{fifo}")],
    "mailmap.file (FIFO)": [("mailmap.file", "{fifo}"), ("log.mailmap", "true")],
    "ext:: promisor remote": [
        ("core.repositoryFormatVersion", "1"), ("extensions.partialClone", "origin"),
        ("remote.origin.url", "ext::{prog} %S"), ("remote.origin.promisor", "true"),
        ("remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"),
        ("protocol.allow", "always"), ("protocol.ext.allow", "always")],
    "remote uploadpack and receivepack": [
        ("remote.origin.url", "{fifo_dir}"), ("remote.origin.uploadpack", "{prog}"),
        ("remote.origin.receivepack", "{prog}"), ("protocol.allow", "always")],
    "trace2 targets": [("trace2.normalTarget", "{marker}"), ("trace2.eventTarget", "{marker}"),
                       ("trace2.perfTarget", "{marker}")],
}  # fmt: skip


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The office's signing key (in the auditor's allowed signers file), and an attacker's key.

    The attacker's own allowed signers file lists the attacker's key under the
    actors' principals: a store whose config points there calls it good.
    """
    root = tmp_path_factory.mktemp("keys")
    writer = keygen(root / "office", "sop-signing@kpu")
    attacker = keygen(root / "attacker", "mallory")
    return {
        "writer": writer,
        "mine": allowed_signers(root / "allowed_signers", writer, PRINCIPALS),
        "attacker_key": attacker,
        "attacker_allowed": allowed_signers(root / "attacker_allowed", attacker, PRINCIPALS),
    }


class Trap:
    """The hostile material of one test: the marker program, a FIFO, hooks, include and attributes files."""

    def __init__(self, root: Path, keys: dict[str, Path]) -> None:
        self.root = root
        self.marker = root / "MARKER-program-ran"
        self.prog = root / "bin" / "prog"
        self.prog.parent.mkdir()
        self.prog.write_text(
            PROGRAM.format(marker=self.marker, fake="A" * 43, fpr="0123456789ABCDEF" * 2 + "01234567")
        )
        self.prog.chmod(0o755)
        self.fifo = root / "fifo"
        os.mkfifo(self.fifo)
        self.hooks = root / "hooks"
        self.install_hooks(self.hooks)
        self.inc = root / "included.config"
        self.attrs = root / "attributes"
        self.attrs.write_text("* filter=x diff=x delta\n")
        self.values = {
            "prog": str(self.prog), "fifo": str(self.fifo), "hooks": str(self.hooks), "inc": str(self.inc),
            "attrs": str(self.attrs), "marker": str(self.marker), "fifo_dir": str(root / "remote.git"),
            "attacker_key": str(keys["attacker_key"]), "attacker_allowed": str(keys["attacker_allowed"]),
        }  # fmt: skip
        self.write_config(self.inc, [*SSH_SIGNING, *PROGRAM_KEYS])

    def install_hooks(self, folder: Path) -> None:
        folder.mkdir(exist_ok=True)
        for name in HOOKS:
            hook = folder / name
            hook.write_text(self.prog.read_text())
            hook.chmod(0o755)

    def write_config(self, path: Path, entries: list[tuple[str, str]]) -> None:
        for key, value in entries:
            done = subprocess.run(
                ["git", "config", "--file", str(path), "--add", key, value.format(**self.values)],
                cwd=self.root,
                env=git_env(),
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stderr

    def arm(self, store: Path, case: str) -> None:
        """Write the case's config into the store (and its hooks, and git's own attributes file)."""
        self.write_config(store / "config", CASES[case])
        self.install_hooks(store / "hooks")
        (store / "info").mkdir(exist_ok=True)
        (store / "info" / "attributes").write_text("* filter=x diff=x\n")

    def check(self, what: str) -> None:
        assert not self.marker.exists(), (
            f"{what} ran a program the store's config names:\n{self.marker.read_text()}"
        )


# -- forged signatures, made without git (the store's config must not touch the test either) ----------

SSH_ARMOR = (
    "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTk=\n-----END SSH SIGNATURE-----\n"
)
PGP_ARMOR = (
    "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEEAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n=AAAA\n"
    "-----END PGP SIGNATURE-----\n"
)


def resign_head(store: Path, armor: str | Path) -> str:
    """Replace the head commit with the same commit carrying another ``gpgsig`` header.

    ``armor``: a forged signature's text, or a key file that really signs the
    payload (a well-formed signature by a key the auditor does not allow).
    """
    old = loose_head(store)
    kind, data = loose_read(store, old)
    assert kind == "commit"
    headers, _, message = data.partition(b"\n\n")
    lines = [x for x in headers.split(b"\n") if not x.startswith((b"gpgsig", b" "))]
    payload = b"\n".join(lines) + b"\n\n" + message
    if isinstance(armor, Path):
        signed = subprocess.run(
            ["ssh-keygen", "-Y", "sign", "-n", "git", "-f", str(armor)], input=payload, capture_output=True
        )
        assert signed.returncode == 0, signed.stderr
        armor = signed.stdout.decode()
    sig = "gpgsig " + "\n ".join(armor.rstrip("\n").split("\n"))
    new = loose_write(store, "commit", b"\n".join([*lines, sig.encode()]) + b"\n\n" + message)
    loose_set_head(store, new)
    return new


# -- the run ----------------------------------------------------------------------------------------------


def run_everything(store: Path, work: Path, trap: Trap, keys: dict[str, Path]) -> None:
    """Every soplib command that could reach git, in the order an office uses them; checks after each.

    The writer's own environment names its signing key (``SOP_SIGNING_KEY``);
    three commits get forged signatures: one well-formed by the attacker's key,
    one garbage SSH signature, one garbage PGP signature.
    """
    env = clean_env(SOP_SIGNING_KEY=str(keys["writer"]))

    def step(*args: str) -> Sop:
        result = sop(store, *args, cwd=work, timeout=TIMEOUT, env=env)
        trap.check(f"sop {' '.join(args)}")
        assert_clean_exit(result)
        return result

    def must(*args: str) -> Sop:
        return ok(step(*args))

    sops = work / "in"
    must("add", str(sop_file(sops, A)), str(sop_file(sops, B, "Pengelolaan Arsip")), "--by", BY)
    must(
        "update", str(sop_file(sops, A, step="Pemohon mengisi formulir daring.")), "-m", "daring",
        "--base", "1", "--by", BY,
    )  # fmt: skip
    must("staff", "import", str(staff_file(sops)), "--by", BY)
    must("ack", STAFF_IDS[0], A, "--by", BY)
    forged = [resign_head(store, keys["attacker_key"])]
    must("ack", STAFF_IDS[1], A, "--by", BY)
    forged.append(resign_head(store, SSH_ARMOR))
    session = must("review", "start", B, "--team", f"{BY}:chair,baiq.nurul", "--ref", "BA 1/2026", "--by", BY)
    sid = session.out.strip().split()[-1]
    must("review", "outcome", sid, B, "keep", "--reason", "masih sesuai", "--by", BY)
    forged.append(resign_head(store, PGP_ARMOR))
    must("review", "approve", sid, "--by", APPROVER)
    briefing = must(
        "briefing", "create", "--title", "Sosialisasi", "--date", "2026-11-27", "--sops", A, "--by", BY
    )
    bid = briefing.out.strip().split()[-1]
    attendance = work / "hadir.csv"
    attendance.write_text(f"id\n{STAFF_IDS[2]}\n")
    must("briefing", "attend", bid, str(attendance), "--by", BY)
    receipt = work / "receipt.json"
    must("audit", "anchor", "--by", BY, "--out", str(receipt))
    must("audit", "report", "-o", str(work / "report.html"))
    must("audit", "pack", "-o", str(work / "pack.zip"))
    must("print", A, "-o", str(work / "a.html"))
    # Reads (each namespace once; they all read objects the same way).
    reads = [
        ["list"], ["show", A, "--json"], ["diff", A, "1", "2"], ["audit", "history", A], ["coverage"],
        ["review", "status", sid], ["briefing", "show", bid],
    ]  # fmt: skip
    for args in reads:
        must(*args)
    step("audit", "verify")
    strict = ["--allowed-signers", str(keys["mine"]), "--require-signatures", "--receipt", str(receipt)]

    # Packing: once thousands of objects are loose, the next write packs them (git runs here).
    assert not list((store / "objects" / "pack").glob("*.pack"))
    many_loose_objects(store)
    must("ack", STAFF_IDS[3], A, "--by", BY)
    assert list((store / "objects" / "pack").glob("*.pack")), "the store did not pack itself"
    for args in (["list"], ["show", A]):
        must(*args)
    check_forged_signatures_reported(store, work, strict, forged, trap, env)


SIGNATURE_FINDINGS = ("bad-signature", "unknown-signer", "wrong-signer")


def check_forged_signatures_reported(
    store: Path, work: Path, args: list[str], forged: list[str], trap: Trap, env: dict[str, str]
) -> None:
    data = verify(store, *args, cwd=work, timeout=TIMEOUT, env=env)
    trap.check("sop audit verify " + " ".join(args))
    assert not data["ok"], "forged signatures were accepted as good"
    # a signature finding (not some other objection to the commit) names each forged commit
    texts = [finding_text(f) for f in data["findings"] if f["kind"] in SIGNATURE_FINDINGS]
    for sha in forged:
        assert any(sha in t or sha[:10] in t for t in texts), (
            f"forged signature of {sha} not reported: {data['findings']}"
        )


@pytest.mark.parametrize("case", CASES)
def test_the_store_config_never_runs_or_loads_anything(
    case: str, tmp_path: Path, keys: dict[str, Path]
) -> None:
    (tmp_path / "trap").mkdir()
    trap = Trap(tmp_path / "trap", keys)
    store, work = tmp_path / "store", tmp_path / "work"
    work.mkdir()
    ok(sop(store, "init", cwd=work, timeout=TIMEOUT, env=clean_env(SOP_SIGNING_KEY=str(keys["writer"]))))
    trap.arm(store, case)
    run_everything(store, work, trap, keys)


def test_control_the_same_run_on_a_store_with_a_plain_config(tmp_path: Path, keys: dict[str, Path]) -> None:
    """Without hostile settings the run succeeds and only the forged signatures are findings."""
    (tmp_path / "trap").mkdir()
    trap = Trap(tmp_path / "trap", keys)
    store, work = tmp_path / "store", tmp_path / "work"
    work.mkdir()
    ok(sop(store, "init", cwd=work, timeout=TIMEOUT, env=clean_env(SOP_SIGNING_KEY=str(keys["writer"]))))
    run_everything(store, work, trap, keys)
