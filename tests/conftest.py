"""Shared fixtures: real stores in temporary folders and the real CLI."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

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


# -- HTML outputs (test_html_inert.py, test_hostile_input.py) ------------------------------

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "section", "div",
    "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "ins", "del", "br", "strong",
}  # fmt: skip
ALLOWED_ATTRS = {"class", "lang", "charset", "rowspan"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_inert(page: str) -> None:
    """No script, no event handler, no script URL, no external resource: only our own markup."""
    low = page.lower()
    assert "<script" not in low and "<iframe" not in low and "<svg" not in low and "<img" not in low
    assert "javascript:" not in low and "vbscript:" not in low
    assert not re.search(r"(?i)\bon[a-z]+\s*=", page), re.search(r"(?i).{40}\bon[a-z]+\s*=.{20}", page)
    parser = _Tags()
    parser.feed(page)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert name in ALLOWED_ATTRS, (tag, name, value)
            assert value is None or re.fullmatch(r"[a-z0-9 -]*", value), (tag, name, value)
