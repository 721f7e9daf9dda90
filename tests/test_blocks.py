"""The fast reading of a plainly written body gives exactly what markdown-it gives, or nothing.

``plain_blocks`` must never read a body differently from markdown-it: item keys,
line ranges and texts are what reviews, diffs and acknowledgements are bound to.
Bodies are generated from lines an SOP uses and lines that make CommonMark read
its neighbours differently (lazy continuations, setext underlines, code, tables
without blank lines ...); for every body it accepts, the two readings are equal.
"""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soplib.demo_data import sop_files
from soplib.documents.blocks import markdown_blocks, plain_blocks
from soplib.documents.model import split_lines
from soplib.documents.parse import parse

COMMON = [
    "",
    "",
    "# Tujuan",
    "## Prosedur",
    "### Langkah 2",
    "Teks biasa.",
    "Petugas menerima berkas.",
    "lanjutan baris",
    "1. Langkah satu",
    "2. Langkah dua",
    "3. Langkah tiga",
    "1) Dengan kurung",
    "2) Kurung dua",
    "- Butir",
    "* Bintang",
    "+ Plus",
    "   lanjutan menjorok",
    "   - Sub butir",
    "   1. Sub nomor",
    "  - Sub dua spasi",
    "     - Sub sub",
    "| Pelaksana | Kegiatan |",
    "|---|---|",
    "| Petugas | Menerima |",
    "| Kepala | Menyetujui |",
    "|:--|--:|",
]
TRICKY = [
    " ",
    "   ",
    "# Judul #",
    "#Tanpa spasi",
    "####### tujuh",
    "#",
    "#   ",
    "2024 adalah tahun",
    "1.5 kg beras",
    "10. Sepuluh",
    "01. Nol satu",
    "1234567890. Sepuluh angka",
    "-tanpa spasi",
    "- - -",
    "---",
    "***",
    "===",
    "___",
    "  dua spasi",
    "    empat spasi",
    "     lima spasi",
    "      enam spasi",
    "       - dalam sekali",
    "             - terlalu dalam",
    "   # bukan judul",
    "> kutipan",
    "```",
    "~~~",
    "<div>",
    "<!-- catatan -->",
    "[a]: /url",
    "| A | B |",
    "| 1 | 2 |",
    "| x |",
    "|---|",
    "|---|---|---|",
    "| a | b | c |",
    "| a \\| b | c |",
    "|",
    "A | B",
    "--|--",
    "\tTab",
    "1.     Lima spasi",
    "- ",
    "1.",
    "-",
    "Teks\\",
    "_garis_",
    "**tebal** teks",
    "1. `kode`",
    "   ```",
    "   > kutipan",
    "\u00a0nbsp",
    "\u0663. angka arab",
    "\u216b romawi",
    "1. # judul di butir",
    "- 1. nomor di butir",
    "Kolom | Kolom",
]
LINES = COMMON + TRICKY


def _bodies(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        pool = COMMON if rng.random() < 0.75 else LINES
        lines = [rng.choice(pool) for _ in range(rng.randint(0, 14))]
        out.append("\n".join(lines) + ("\n" if rng.random() < 0.8 else ""))
    return out


def _segment(rng: random.Random) -> list[str]:
    kind = rng.choice(["heading", "paragraph", "list", "table"])
    if kind == "heading":
        return [rng.choice(["# Prosedur", "## Uraian", "### Catatan"])]
    if kind == "paragraph":
        starts = ["Teks biasa.", "lanjutan baris", "   menjorok"]
        return [rng.choice(starts) for _ in range(rng.randint(1, 3))]
    if kind == "list":
        lines = []
        for n in range(1, rng.randint(2, 5)):
            lines.append(rng.choice([f"{n}. Langkah {n}", f"{n}) Langkah", "- Butir", "* Butir"]))
            more = ["   lanjutan", "   - Sub", "lanjutan malas", "", "    lebih dalam"]
            lines += rng.sample(more, rng.randint(0, 2))
        return lines
    columns = rng.choice([1, 2, 3])
    rows = [
        "| " + " | ".join(["Kolom"] * columns) + " |",
        rng.choice(["|" + "---|" * columns, "|" + ":--|" * columns, "|---|---|"]),
    ]
    rows += ["| " + " | ".join(["isi"] * rng.randint(0, 3)) + " |" for _ in range(rng.randint(0, 3))]
    return rows


def _composed(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        lines: list[str] = []
        for _ in range(rng.randint(1, 5)):
            lines += _segment(rng) + ([""] if rng.random() < 0.8 else [])
        if lines and rng.random() < 0.3:
            lines[rng.randrange(len(lines))] = rng.choice(TRICKY)
        out.append("\n".join(lines) + "\n")
    return out


def _both(body: str) -> tuple[object, object]:
    lines = split_lines("---\nid: X\n---\n" + body)
    return plain_blocks(lines, 3), list(markdown_blocks(lines, 3))


def test_generated_bodies_read_alike() -> None:
    accepted = 0
    for body in _bodies(random.Random(20261130), 30_000):
        plain, markdown = _both(body)
        if plain is not None:
            accepted += 1
            assert plain == markdown, body
    assert accepted > 5_000  # the comparison is not vacuous (about 5,500 are accepted)


def test_composed_bodies_read_alike() -> None:
    accepted, rows = 0, 0
    for body in _composed(random.Random(30112026), 20_000):
        plain, markdown = _both(body)
        if plain is not None:
            accepted += 1
            rows += sum(getattr(b, "kind", "") == "table_row" for b in plain)
            assert plain == markdown, body
    assert accepted > 5_000 and rows > 2_000


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LINES), max_size=16), st.booleans())
def test_any_body_reads_alike(lines: list[str], final_newline: bool) -> None:
    plain, markdown = _both("\n".join(lines) + ("\n" if final_newline else ""))
    assert plain is None or plain == markdown


def test_the_demo_sops_take_the_fast_reading() -> None:
    files = [*sop_files(), *Path(__file__).parent.joinpath("fixtures").rglob("*.md")]
    for path in files:
        name, text = path.name, path.read_text(encoding="utf-8")
        lines = split_lines(text)
        start = parse(text).body_start
        plain = plain_blocks(lines, start)
        assert plain is not None, name
        assert plain == list(markdown_blocks(lines, start)), name


def test_refused_bodies_still_parse(tmp_path: Path) -> None:
    # A body the fast reading leaves alone is read by markdown-it: a code block is one item.
    doc = parse("---\nid: SOP-1\ntitle: T\n---\n# Prosedur\n\n```\nkode\n```\n\n1. Langkah\n")
    assert [(i.key, i.kind) for i in doc.body_items] == [("prosedur/1", "block"), ("prosedur/2", "list_item")]


def test_the_bodies_an_attack_review_found_read_alike() -> None:
    # A header ending in U+0085 (markdown-it counts one more cell), a sub-list that turns into an
    # indented code block (no lazy line after it), a heading over a delimiter row (a table header).
    for body in (
        "| a | b |\x85\n|---|---|\n| c | d |\n",
        "- a\n    1. b\n       - c\n      - d\ne\n",
        "# A | B\n|---|---|\n|---|---|\n| x | y |\n",
    ):
        plain, markdown = _both(body)
        assert plain is None or plain == markdown, body
