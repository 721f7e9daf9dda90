"""The demo's part on many machines: two clones of the demo store syncing through a shared repository.

A bare repository in a folder plays the office's git server (in an office: a
server over SSH, Gitea or GitLab; docs/sync.md). The secretariat's PC and the
technical division's laptop each clone it, record acknowledgements without
talking to each other, and sync: both end at the same head, every
acknowledgement on both, `sop audit verify` clean on both.

    >>> step_sync(Path("/tmp/sop-demo/sop-store"))
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from soplib.cli.output import console, table
from soplib.i18n import _
from soplib.labels import label

if TYPE_CHECKING:
    from soplib.store import Store

SECRETARY = "197605142002121003"  # Mars Ansori Wijaya, Sekretaris (demo_data/staff.csv)


def _pending_people(store: Store, count: int, skip: set[str]) -> list[tuple[str, str]]:
    """``count`` (person, SOP) pairs the demo store still waits for, people not in ``skip``."""
    out: list[tuple[str, str]] = []
    for person in store.staff.list():
        if person.id in skip or len(out) >= count:
            continue
        todo = store.acks.pending(person.id).pending
        if todo:
            out.append((person.id, todo[0].id))
            skip.add(person.id)
    return out


def step_sync(store_path: Path) -> None:
    """Two clones of the store at ``store_path`` through a bare file:// remote: record, sync, compare."""
    from sop_store import Repository
    from soplib.store import Store

    console().rule("[bold]" + _("Many machines: two clones of the store, synced through a git server"))
    folder = Path(tempfile.mkdtemp(prefix="sop-sync-demo-"))
    server = folder / "kpu-ntb-sop.git"
    Repository.init_bare(server).close()
    url = f"file://{server}"
    with Store.open(store_path) as store:
        if "demo-server" not in store.remotes.list():
            store.remotes.add("demo-server", url)
        first = store.remotes.sync("demo-server", by=SECRETARY)
    click.echo(_("published the store to {url} (head {head})", url=url, head=(first.head or "")[:10]))
    names = (_("secretariat PC"), _("technical division laptop"))
    paths = [folder / "sekretariat", folder / "divisi-teknis"]
    clones = [Store.clone(url, p) for p in paths]
    try:
        taken: set[str] = set()
        for name, clone in zip(names, clones, strict=True):
            pairs = _pending_people(clone, 2, taken)
            for person, sop_id in pairs:
                clone.acks.record(person, sop_id, by=person)
            click.echo(
                _("{name}: {n} acknowledgements recorded offline ({who})", name=name, n=len(pairs),
                  who=", ".join(f"{clone.staff.get(p).name} / {s}" for p, s in pairs))
            )  # fmt: skip
        rows = []
        for name, clone in [*zip(names, clones, strict=True), (names[0], clones[0])]:
            result = clone.remotes.sync("origin", by=SECRETARY)
            click.echo(
                _("{name}: sync {how}{pushed}", name=name, how=label("sync", result.integrated),
                  pushed=_(", pushed") if result.pushed else "")
            )  # fmt: skip
        for name, clone in zip(names, clones, strict=True):
            report = clone.audit.verify()
            rows.append([name, (clone.head() or "")[:10], len(clone.acks.list()), _("clean") if report.ok else
                         _("{n} findings", n=len(report.findings))])  # fmt: skip
        table(
            _("Two clones after syncing"), [_("machine"), _("head"), _("acknowledgements"), _("verify")], rows
        )
        same = clones[0].head() == clones[1].head()
        click.echo(_("same head on both machines: {same}; nothing recorded offline was lost", same=same))
    finally:
        for clone in clones:
            clone.close()
