"""Shared fixtures: real stores in temporary folders and the real CLI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

import soplib.clock
from soplib import CRITERIA, Store, load
from soplib.cli import main
from soplib.demo_data import sop_files as demo_files

pytest_plugins = ["remotes"]  # the git servers of the sync tests (tests/remotes.py)

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
    store.sops.add([load(p) for p in demo_files()], by=ACTOR)
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
# The head of office, who approves review sessions (an approver must be registered staff).
HEAD = "196805121994031007"
HEAD_ROW = f'{HEAD},"Drs. H. Lalu Ahmad, M.Si.",Sekretariat,Sekretaris\n'


@pytest.fixture
def staffed_store(demo_store: Store) -> Store:
    """The demo store with four staff registered (see STAFF_CSV for who sees which SOP).

    KPU-NTB-SOP-01 and -04 apply to everyone; -02 to Ani and Budi (units);
    -03 to Ani and Citra (positions).
    """
    demo_store.staff.import_csv(STAFF_CSV.encode(), by=ACTOR)
    return demo_store


def load_demo(store: Store) -> None:
    """Add the four demo SOPs to ``store``."""
    store.sops.add([load(p) for p in demo_files()], by=ACTOR)


# -- HTML outputs (test_html_inert.py, test_hostile_input.py) ------------------------------

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "section", "div",
    "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "ins", "del", "br", "strong",
    "dl", "dt", "dd", "svg", "rect", "text",  # the audit report's coverage chart
    "colgroup", "col", "ol", "span", "header", "path", "polygon", "circle",  # the SOP AP print
}  # fmt: skip
ALLOWED_ATTRS = {
    "class", "lang", "charset", "rowspan",
    "role", "width", "height", "viewbox", "x", "y", "fill", "text-anchor",
    # the SOP AP print: spanning header cells, the flowchart's shapes
    "colspan", "d", "points", "cx", "cy", "r", "rx", "ry", "stroke", "stroke-width", "stroke-dasharray",
    "font-size", "font-family",
}  # fmt: skip


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_inert(page: str) -> None:
    """No script, no event handler, no script URL, no external resource: only our own markup."""
    low = page.lower()
    assert "<script" not in low and "<iframe" not in low and "<img" not in low and "<a " not in low
    assert "javascript:" not in low and "vbscript:" not in low
    assert not re.search(r"(?i)\bon[a-z]+\s*=", page), re.search(r"(?i).{40}\bon[a-z]+\s*=.{20}", page)
    parser = _Tags()
    parser.feed(page)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert name in ALLOWED_ATTRS, (tag, name, value)
            assert value is None or re.fullmatch(r"[A-Za-z0-9 #.%-]*", value), (tag, name, value)


# -- a controllable clock ----------------------------------------------------------------


class Clock:
    """soplib's clock, set by the test (operations, ids and commits take their time from it)."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 1, 1, 9, tzinfo=UTC)

    def at(self, day: str, hour: int = 9) -> None:
        self.moment = datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(soplib.clock, "now", c.now)
    return c


# -- a history for audit reports: several versions, sessions and acknowledgements -------

SESSION_TOKEN = "0A1B"


@pytest.fixture
def audited(store_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The demo SOPs through a year, on a fixed clock and fixed random ids (so reports are byte-stable).

    2026-01-05 four SOPs added (v1); 01-06 staff registered (STAFF_CSV, plus the
    head of office HEAD); 02-03 briefing B-20260203-0A1B on SOP-01 and -02 attended
    by Ani and Budi; 03-10 session R-20260310-0A1B starts: SOP-01 revised (a step
    replaced, worksheet filled), SOP-02 kept, SOP-03 withdrawn; 03-20 approved by
    HEAD, effective 2026-04-01; 04-05 Citra acknowledges SOP-01 v2; 05-01 Dedi
    acknowledges SOP-04.
    """
    monkeypatch.setattr("secrets.token_hex", lambda n: SESSION_TOKEN)
    clock.at("2026-01-05")
    s = Store.init(store_path)
    s.sops.add([load(p) for p in demo_files()], by=ACTOR, message="SOP awal")
    clock.at("2026-01-06")
    s.staff.import_csv((STAFF_CSV + HEAD_ROW).encode(), by=ACTOR)
    clock.at("2026-02-03")
    sops = ["KPU-NTB-SOP-01", "KPU-NTB-SOP-02"]
    b = s.briefings.create(title="Sosialisasi SOP", day=date(2026, 2, 3), sops=sops, by=ACTOR)
    s.briefings.attend(b.id, f"id\n{ANI}\n{BUDI}\n".encode(), by=ACTOR)
    clock.at("2026-03-10")
    team = {ACTOR: "chair", "baiq.nurul": "member"}
    session = s.reviews.start(
        ["KPU-NTB-SOP-01", "KPU-NTB-SOP-02", "KPU-NTB-SOP-03"], team=team, ref="BA 12/2026", by=ACTOR,
        title="Evaluasi SOP 2026",
    )  # fmt: skip
    session.evaluate(
        "KPU-NTB-SOP-01",
        answers={c: c != "easy_to_carry_out" for c in CRITERIA},
        notes={"general": "langkah 2 perlu batas waktu"},
        by=ACTOR,
    )
    session.keep_rest("KPU-NTB-SOP-01", by=ACTOR)
    old = s.sops.get("KPU-NTB-SOP-01").document.item("prosedur/2").text
    session.replace(
        "KPU-NTB-SOP-01", "prosedur/2", text=old.rstrip(".") + " paling lama 1 hari kerja.", by=ACTOR,
        reason="batas waktu",
    )  # fmt: skip
    session.outcome("KPU-NTB-SOP-01", "revise", by=ACTOR)
    session.outcome("KPU-NTB-SOP-02", "keep", by=ACTOR, reason="masih layak")
    session.outcome("KPU-NTB-SOP-03", "withdraw", by=ACTOR, reason="diganti SOP nasional")
    clock.at("2026-03-20")
    session.approve(by=HEAD, effective=date(2026, 4, 1))
    clock.at("2026-04-05")
    s.acks.record(CITRA, "KPU-NTB-SOP-01", by=ACTOR)
    clock.at("2026-05-01")
    s.acks.record(DEDI, "KPU-NTB-SOP-04", by=ACTOR)
    yield s
    s.close()


# -- a real browser ---------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")

# On a developer's machine without a browser the browser tests skip, saying why;
# under CI (which installs Debian's chromium first) they always run, so a missing
# browser fails instead of passing unseen.
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="no Chromium installed (apt-get install chromium; CI installs it and never skips)",
)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None, "no Chromium installed: apt-get install chromium"
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


# -- property tests -------------------------------------------------------------------------

# SOP_FUZZ_SCALE=N runs N times as many examples, freshly random (a deeper local hunt);
# unset, every run generates the same examples (derandomized), so CI is stable and bounded.
FUZZ_SCALE = int(os.environ.get("SOP_FUZZ_SCALE") or 0)


def fuzz_settings(max_examples: int, **extra: object) -> settings:
    """Hypothesis settings for the fuzz and stateful tests: bounded, no deadline, no database."""
    return settings(
        max_examples=max_examples * (FUZZ_SCALE or 1),
        deadline=None,
        derandomize=not FUZZ_SCALE,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        **extra,
    )
