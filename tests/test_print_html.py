"""The printed SOP as HTML: the table's structure, the flowchart's connections, escaping, a real browser."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from conftest import assert_inert, chromium, needs_chromium
from pdf_check import page_sizes, text
from print_samples import ACTORS, long_sop, print_input

from soplib import load, parse
from soplib.demo_data import sop_files as demo_files
from soplib.documents.procedure import procedures
from soplib.outputs import Evaluation, OfficeProfile, Ratifier, Withdrawal, render_sop_html
from soplib.outputs.flowchart import plan_flow


class Tables(HTMLParser):
    """Each procedure table: its columns, header rows (text, colspan, rowspan) and body rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, list]] = []
        self.section: list[str] = []
        self.cell: list | None = None
        self.row: list | None = None
        self.part = ""
        self.svg_text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and "proc-table" in (a.get("class") or ""):
            self.tables.append({"cols": [], "head": [], "body": []})
        elif not self.tables or self.tables[-1].get("done"):
            return
        elif tag == "col":
            self.tables[-1]["cols"].append(a.get("class"))
        elif tag in ("thead", "tbody"):
            self.part = "head" if tag == "thead" else "body"
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td"):
            self.cell = [a.get("class") or "", int(a.get("colspan") or 1), int(a.get("rowspan") or 1), "", []]
        elif tag == "text":
            self.svg_text = []

    def handle_endtag(self, tag: str) -> None:
        if not self.tables or self.tables[-1].get("done"):
            return
        if tag == "text" and self.svg_text is not None and self.cell is not None:
            self.cell[4].append("".join(self.svg_text))
            self.svg_text = None
        elif tag in ("th", "td") and self.cell is not None and self.row is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1][self.part].append(self.row)
            self.row = None
        elif tag == "table":
            self.tables[-1]["done"] = [True]

    def handle_data(self, data: str) -> None:
        if self.svg_text is not None:
            self.svg_text.append(data)
        elif self.cell is not None:
            self.cell[3] += data


def tables(page: str) -> list[dict[str, list]]:
    parser = Tables()
    parser.feed(page)
    return parser.tables


def demo(name: str) -> Path:
    return next(p for p in demo_files() if p.stem == name)


def test_procedure_table_has_the_sop_ap_header_and_columns() -> None:
    page = render_sop_html(print_input(long_sop()))
    found = tables(page)
    assert len(found) >= 4
    for table in found:
        first, second = table["head"]
        assert [c[3] for c in first] == ["No", "Kegiatan", "Pelaksana", "Mutu Baku", "Keterangan"]
        assert [(c[1], c[2]) for c in first] == [(1, 2), (1, 2), (2 * len(ACTORS), 1), (3, 1), (1, 2)]
        assert [c[3] for c in second] == [*ACTORS, "Kelengkapan", "Waktu", "Output"]
        columns = len(table["cols"])
        assert columns == 2 + 2 * len(ACTORS) + 4 == sum(c[1] for c in first)
        for row in table["body"]:
            assert sum(c[1] for c in row) == columns  # no cell lost, none extra
            lanes = [c for c in row if c[0].startswith("lh")]
            assert len(lanes) == len(ACTORS) and sum(1 for c in lanes if "on" in c[0].split()) <= 1
    numbers = [row[0][3] for t in found for row in t["body"]]
    assert numbers == [str(n) for n in range(1, 41)]


def test_list_has_number_activity_and_one_flowchart_column() -> None:
    (table,) = tables(render_sop_html(print_input(load(demo("KPU-NTB-SOP-01")))))
    (head,) = table["head"]
    assert [(c[3], c[1]) for c in head] == [("No", 1), ("Kegiatan", 1), ("Bagan Alir", 2)]
    assert len(table["cols"]) == 4 and len(table["body"]) == 8
    assert table["body"][0][2][4] == ["Mulai"] and table["body"][-1][2][4] == ["Selesai"]


def test_flow_continues_through_matching_connectors() -> None:
    data = print_input(long_sop())
    found = tables(render_sop_html(data))
    pages = []
    start = 0
    for table in found:
        pages.append(range(start, start + len(table["body"])))
        start += len(table["body"])
    (procedure,) = procedures(data.document)
    plan = plan_flow(procedure, pages)
    rows = [row for t in found for row in t["body"]]

    def letters(i: int) -> list[str]:
        return [t for c in rows[i] for t in c[4] if re.fullmatch(r"[A-Z]+", t)]

    boundaries = 0
    for page in pages[:-1]:
        last, first = page[-1], page[-1] + 1
        link = plan.page_out[last]
        assert link is not None and plan.page_in[first] is link and link.offpage
        assert link.letter in letters(last) and link.letter in letters(first)  # the pentagon on both pages
        boundaries += 1
    assert boundaries == len(pages) - 1 >= 3
    decisions = [i for i, s in enumerate(procedure.steps) if s.symbol == "decision"]
    assert decisions == [6, 13, 20, 27, 34]  # steps 7, 14, 21, 28, 35
    page_of = {i: n for n, p in enumerate(pages) for i in p}
    for i in decisions:
        assert plan.down_label[i] == "yes"  # Ya: on to the next step
        (link,) = plan.out[i]  # Tidak: back three steps, through a connector
        assert link.branch == "no" and link.target == i - 3 and link in plan.into[i - 3]
        assert link.offpage == (page_of[i] != page_of[i - 3])
        assert link.letter in letters(i) and link.letter in letters(i - 3)
        assert "Tidak" in [t for c in rows[i] for t in c[4]] and "Ya" in [t for c in rows[i] for t in c[4]]
    assert len({c.letter for links in plan.out for c in links} | {c.letter for c in plan.page_out if c}) == (
        len(decisions) + len(pages) - 1
    )  # every connector has its own letter


def test_every_string_from_the_document_and_the_store_is_escaped() -> None:
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    doc = parse(
        "---\nid: EVIL-01\ntitle: '<script>alert(0)</script>'\nnumber: '<b onmouseover=alert(3)>1</b>'\n"
        "unit: '<svg onload=alert(4)>'\nlegal_basis: ['[x](javascript:alert(5))']\n---\n"
        "# Tujuan <iframe src=//evil.example>\n\nParagraf <script>alert(6)</script>\n\n# Prosedur\n\n"
        "| No | Kegiatan | Pelaksana: <i onclick=alert(7)>Petugas | Keterangan | Lain <u>x</u> |\n"
        "|---|---|---|---|---|\n"
        "| 1 | <script>alert(8)</script> | mulai | javascript:alert(9) | <a href=x>y</a> |\n"
        "| 2 | Langkah kedua? | keputusan: ya 3, tidak 1 | | |\n| 3 | Selesai | x | | |\n"
    )
    data = replace(
        print_input(doc),
        ratifier=Ratifier(evil, nip=evil, position=evil, unit=evil, recorded_by=evil),
        last_evaluation=Evaluation(evil, date(2026, 1, 1), "keep"),
        withdrawal=Withdrawal(date(2026, 2, 2), evil),
        office=OfficeProfile(evil, evil, time_zone="<b>WITA</b>"),
    )
    for lang in ("id", "en"):
        page = render_sop_html(replace(data, language=lang))
        assert_inert(page)
        assert (
            "&lt;script&gt;alert(1)&lt;/script&gt;" in page
            and "&lt;script&gt;alert(8)&lt;/script&gt;" in page
        )
        assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 8  # every field that carried it
        assert "javascript&#58;alert(9)" in page and "&lt;b&gt;WITA&lt;/b&gt;" in page


@needs_chromium
def test_the_same_pages_in_a_real_browser(tmp_path: Path) -> None:
    page = tmp_path / "long.html"
    page.write_text(render_sop_html(print_input(long_sop())), encoding="utf-8")
    pdf = tmp_path / "long.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    sizes = page_sizes(pdf)
    assert len(sizes) >= 4
    portrait, landscape = (210, 297), (297, 210)
    assert (round(sizes[0][0]), round(sizes[0][1])) == portrait
    assert all((round(w), round(h)) == landscape for w, h in sizes[1:])
    flat = " ".join(text(pdf).split())
    for label in (
        "Nomor SOP",
        "Disahkan oleh",
        "Dasar Hukum",
        "Mutu Baku",
        "Kelengkapan",
        "Mulai",
        "Selesai",
    ):
        assert label in flat, label
    for number in range(2, len(sizes) + 1):  # the header on every procedure page the browser printed
        page_text = text(pdf, number)
        if "Langkah" in page_text:
            assert "Kegiatan" in page_text and "Pelaksana" in page_text, number
    shot = tmp_path / "screen.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1800", page.as_uri())
    from PIL import Image

    with Image.open(shot) as image:  # on screen: the sheets on a grey desk, the first one white
        assert image.getpixel((20, 20))[:3] == (217, 217, 217) and image.getpixel((640, 200))[:3] == (
            255,
            255,
            255,
        )
