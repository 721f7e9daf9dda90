"""Shared fixtures: real stores in temporary folders and the real CLI."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import sop_store.store
from soplib import Store, load
from soplib.cli import main
from soplib.cli.demo import demo_files

ACTOR = "ani.pratiwi"

MINIMAL = """\
---
id: {id}
title: {title}
---
# Prosedur

1. Langkah pertama.
2. Langkah kedua.
3. Langkah ketiga.
"""


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    """An empty store."""
    s = Store.init(store_path)
    yield s
    s.close()


@pytest.fixture
def demo_store(store: Store) -> Store:
    """A store holding the four demo SOPs at version 1."""
    store.add([load(p) for p in demo_files()], by=ACTOR)
    return store


CliRun = Callable[..., Result]


@pytest.fixture
def cli(store_path: Path) -> CliRun:
    """Run `sop --store <store_path> ARGS...` in-process; returns click's Result."""

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(main, ["--store", str(store_path), *args], input=input)

    return run


def write_sop(folder: Path, sop_id: str, title: str = "Judul", body: str | None = None) -> Path:
    """Write a small valid SOP file and return its path."""
    path = folder / f"{sop_id}.md"
    path.write_text(body if body is not None else MINIMAL.format(id=sop_id, title=title), encoding="utf-8")
    return path


# -- internalisation (staff, acknowledgements, briefings, coverage) -------------------

ANI, BUDI, CITRA, DEDI = (
    "198001012005011001",
    "198202022006042002",
    "199003032015031003",
    "199104042019032004",
)
STAFF_CSV = f"""\
id,name,unit,position
{ANI},Ani Pratiwi,Sekretariat,Kepala Subbagian
{BUDI},Budi Santoso,"Subbagian Keuangan, Umum dan Logistik",Pengadministrasi Umum
{CITRA},Citra Dewi,"Subbagian Perencanaan, Data dan Informasi",Operator SIDALIH
{DEDI},Dedi Kurniawan,Subbagian Teknis dan Hubungan Partisipasi Masyarakat,Pengelola Informasi
"""


@pytest.fixture
def staffed_store(demo_store: Store) -> Store:
    """The demo store with four staff registered (see STAFF_CSV for who sees which SOP).

    KPU-NTB-SOP-01 and -04 apply to everyone; -02 to Ani and Budi (units);
    -03 to Ani and Citra (positions).
    """
    from soplib import import_staff

    import_staff(demo_store, STAFF_CSV.encode(), by=ACTOR)
    return demo_store


def load_demo(store: Store) -> None:
    """Add the four demo SOPs to ``store``."""
    store.add([load(p) for p in demo_files()], by=ACTOR)


# -- a controllable clock ----------------------------------------------------------------


class Clock:
    """The store's clock, set by the test (the store takes commit times from it)."""

    def __init__(self) -> None:
        self.now = 0

    def at(self, day: str, hour: int = 9) -> None:
        self.now = int(datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00").timestamp())

    def time(self) -> float:
        return float(self.now)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(sop_store.store, "time", types.SimpleNamespace(time=c.time))
    return c
