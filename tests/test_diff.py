"""The structural diff, its renderings and `sop diff`."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import ACTOR, CliRun
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soplib import (
    InsertAfter,
    InsertAtStart,
    Remove,
    Replace,
    Store,
    apply_edits,
    parse,
    redline_html,
    redline_text,
    structural,
)
from soplib.demo_data import sop_files as demo_files
from soplib.documents.diff import redline
from soplib.documents.edit import Edit
from soplib.documents.model import FIELDS, LIST_FIELDS, SCALAR_FIELDS

GOLDEN = Path(__file__).parent / "golden"
SOP01 = demo_files()[0]


def _v2_text() -> str:
    """SOP-01 with a legal basis added, one step reworded, one removed, one added, one moved."""
    text = SOP01.read_text(encoding="utf-8")
    text = text.replace(
        "records: [",
        "records: [Berita acara penyelesaian, ",
    ).replace(
        "  - Keputusan KPU Nomor 1050 Tahun 2022",
        "  - Peraturan KPU Nomor 22 Tahun 2023 tentang Pengelolaan Informasi\n"
        "  - Keputusan KPU Nomor 1050 Tahun 2022",
    )
    lines = text.splitlines(keepends=True)
    out = []
    for line in lines:
        if line.startswith("2. "):
            line = "2. Petugas meja layanan memeriksa kelengkapan identitas dan formulir pemohon.\n"
        elif line.startswith("4. "):
            continue
        elif line.startswith("7. "):
            line = "7. Petugas mengarsipkan salinan jawaban dalam map arsip layanan.\n"
        out.append(line)
    # move step 6 to the top of the procedure
    six = next(line for line in out if line.startswith("6. "))
    out.remove(six)
    out.insert(
        out.index("1. Pemohon mengisi formulir permohonan informasi secara langsung atau melalui e-PPID.\n"),
        six,
    )
    return "".join(out)


def test_statuses_and_fields() -> None:
    old = parse(SOP01.read_text(encoding="utf-8"))
    new = parse(_v2_text())
    d = structural(old, new, old_label="v1", new_label="v2")
    body = [c for c in d.items if c.section not in (*SCALAR_FIELDS, *LIST_FIELDS)]
    by_status = {c.status: c for c in body}
    assert {s: [c.status for c in body].count(s) for s in by_status} == {
        "kept": 5, "changed": 1, "removed": 2, "added": 1, "moved": 1
    }  # fmt: skip
    # The identity part's entries are items too: two entries added, every other one kept.
    identity = [c for c in d.items if c not in body]
    assert [(c.status, c.new_key, c.new_text) for c in identity if c.status != "kept"] == [
        ("added", "legal_basis/3", "Peraturan KPU Nomor 22 Tahun 2023 tentang Pengelolaan Informasi"),
        ("added", "records/1", "Berita acara penyelesaian"),
    ]
    assert len(identity) == len(old.identity_items) + 2
    assert d.counts() == {
        "kept": 5 + len(old.identity_items),
        "changed": 1,
        "removed": 2,
        "added": 3,
        "moved": 1,
    }
    changed = by_status["changed"]
    assert changed.old_key == "prosedur/2"
    assert [(s.op, s.text) for s in changed.redline if s.op != "equal"] == [("insert", " dan formulir")]
    assert by_status["moved"].old_key == "prosedur/6" and by_status["moved"].new_key == "prosedur/1"
    assert {c.old_key for c in d.items if c.status == "removed"} == {"prosedur/4", "prosedur/7"}
    # An entry shifted by one added before it is kept, under its new key.
    kept = {c.old_key: c.new_key for c in identity if c.status == "kept"}
    assert kept["legal_basis/3"] == "legal_basis/4" and kept["records/3"] == "records/4"
    # Only fields that are not items (id, audience, declared) are compared as whole values.
    assert d.fields == ()


def test_identical_versions_are_all_kept() -> None:
    doc = parse(SOP01.read_text(encoding="utf-8"))
    d = structural(doc, doc)
    assert d.is_unchanged and d.counts()["kept"] == len(doc.items)


def test_scalar_field_change_and_new_sop() -> None:
    old = parse(SOP01.read_text(encoding="utf-8"))
    new = parse(
        SOP01.read_text(encoding="utf-8").replace("review_interval_months: 12", "review_interval_months: 6")
    )
    d = structural(old, new)
    (change,) = [c for c in d.items if c.status != "kept"]
    assert (change.status, change.old_key, change.new_key) == (
        "changed",
        "review_interval_months",
        "review_interval_months",
    )
    assert (change.old_text, change.new_text) == ("12", "6") and d.fields == ()
    assert [(s.op, s.text) for s in change.redline] == [("delete", "12"), ("insert", "6")]
    # A new title, however unlike the old one, is the title changed (not one removed, one added).
    retitled = structural(old, parse(SOP01.read_text(encoding="utf-8").replace(old.title, "Layanan PPID")))
    (title,) = [c for c in retitled.items if c.status != "kept"]
    assert (title.status, title.old_key, title.new_text) == ("changed", "title", "Layanan PPID")
    fresh = structural(None, new)
    assert fresh.counts()["added"] == len(new.items) == len(new.identity_items) + len(new.body_items)
    assert {c.new_key for c in fresh.items} >= {"title", "number", "unit", "review_interval_months"}
    # a new SOP lists only the non-item fields it sets (SOP-01 sets its id; no audience, nothing declared)
    assert [(f.field, f.old, f.new) for f in fresh.fields] == [("id", None, "KPU-NTB-SOP-01")]
    assert [f for f in FIELDS if f not in (*SCALAR_FIELDS, *LIST_FIELDS)] == ["id", "audience", "declared"]


def test_redline_round_trips() -> None:
    old, new = "Petugas memeriksa berkas, lalu mencatat.", "Petugas segera memeriksa berkas lalu mencatatnya."
    segs = redline(old, new)
    assert "".join(s.text for s in segs if s.op != "insert") == old
    assert "".join(s.text for s in segs if s.op != "delete") == new


def _golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_golden_text_and_html() -> None:
    d = structural(
        parse(SOP01.read_text(encoding="utf-8")), parse(_v2_text()), old_label="v1", new_label="v2"
    )
    _golden("diff_sop01.txt", redline_text([d]))
    _golden("diff_sop01.html", redline_html([d], title="KPU-NTB-SOP-01: v1 -> v2"))


HOSTILE = """\
---
id: EVIL-01
title: <script>alert(1)</script> judul
legal_basis: ['<img src=x onerror=alert(1)>']
---
# Prosedur

1. Klik [tautan](javascript:alert(1)) lalu <b onmouseover="x()">ini</b>.
2. Langkah <script>document.cookie</script> kedua.
"""


def test_html_escapes_hostile_document_text() -> None:
    old = parse(HOSTILE)
    new_text = apply_edits(
        old,
        [
            Replace("prosedur/2", "Langkah <script>steal()</script> kedua diperbarui."),
            InsertAfter("prosedur/1", '<a href="javascript:alert(2)">x</a> <img onerror=alert(3)>'),
        ],
    ).replace("onerror=alert(1)>']", "onerror=alert(1)>', 'javascript:void(0)']")
    new_text = new_text.replace(
        "---\n# Prosedur", "audience:\n  units: ['<svg onload=alert(4)>']\n---\n# Prosedur"
    )
    d = structural(old, parse(new_text))
    assert [c.new_key for c in d.items if c.status == "added"] == ["legal_basis/2", "prosedur/2"]
    assert [f.field for f in d.fields] == ["audience"]
    page = redline_html([d], title="<script>judul</script>")
    lowered = page.lower()
    assert not any(tag in lowered for tag in ("<script", "<a ", "<img", "<svg"))
    assert "<title>&lt;script&gt;judul&lt;/script&gt;</title>" in page
    assert "<ins>javascript&#58;void(0)</ins>" in page  # a legal_basis entry, as inert text
    assert "&lt;svg onload&#61;alert(4)&gt;" in page  # an audience unit (a field, not an item)
    assert "&lt;a href=&quot;javascript&#58;alert(2)&quot;&gt;" in page
    assert "javascript:" not in lowered and "onerror=" not in lowered
    assert "http://" not in page and "https://" not in page and "url(" not in page
    # Every tag on the page is one of ours, and its only attributes are ours.
    tags = re.findall(r"<([a-zA-Z0-9!]+)([^>]*)>", page)
    allowed = {"!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "section",
               "table", "tr", "th", "td", "ins", "del", "br"}  # fmt: skip
    assert {t for t, _ in tags} <= allowed
    attrs = {a.strip() for _, a in tags if a.strip()}
    assert all(re.fullmatch(r'(class|lang|charset)="[a-z0-9 -]+"|html', a) for a in attrs), attrs


# -- the property: decisions applied give exactly the diff the structural diff reports --------

WORDS_PER_ITEM = st.integers(min_value=3, max_value=6)


def _doc(kind: str, sizes: list[int]) -> str:
    head = "---\nid: PROP-01\ntitle: Properti\n---\n# Tujuan\n\nTujuan tetap.\n\n# Prosedur\n\n"
    rows = [" ".join(f"w{i}x{j}" for j in range(n)) for i, n in enumerate(sizes)]
    if kind == "ordered":
        body = "".join(f"{i + 1}. {r}\n" for i, r in enumerate(rows))
    elif kind == "bullet":
        body = "".join(f"- {r}\n" for r in rows)
    else:
        body = "| Kegiatan | Pelaksana |\n|---|---|\n" + "".join(
            f"| {r} | p{i} |\n" for i, r in enumerate(rows)
        )
    return head + body


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[str, list[str], list[tuple[str, str]], list[str]]:
    kind = draw(st.sampled_from(["ordered", "bullet", "table"]))
    sizes = draw(st.lists(WORDS_PER_ITEM, min_size=1, max_size=8))
    actions = [draw(st.sampled_from(["keep", "remove", "replace", "none"])) for _ in sizes]
    adds = draw(
        st.lists(
            st.tuples(st.integers(min_value=-1, max_value=len(sizes) - 1), st.integers(1, 4)), max_size=4
        )
    )
    return kind, actions, [(str(after), str(n)) for after, n in adds], [str(s) for s in sizes]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_decisions_give_exactly_the_reported_diff(
    scenario: tuple[str, list[str], list[tuple[str, str]], list[str]],
) -> None:
    kind, actions, adds, sizes = scenario
    doc = parse(_doc(kind, [int(s) for s in sizes]))
    edits: list[Edit] = []
    expected: dict[str, tuple[str, str | None]] = {
        "title": ("kept", "Properti"),
        "tujuan/1": ("kept", "Tujuan tetap."),
    }
    for item, action in zip(doc.section_items("prosedur"), actions, strict=True):
        if action == "remove":
            edits.append(Remove(item.key))
            expected[item.key] = ("removed", None)
        elif action == "replace":
            # a reworded step: one word more, so it stays similar to the old text
            text = (
                item.text.replace(" |", " diperbarui |", 1) if kind == "table" else item.text + " diperbarui"
            )
            edits.append(Replace(item.key, text))
            expected[item.key] = ("changed", text)
        else:
            expected[item.key] = ("kept", item.text)
    added_texts = []
    for n, (after, words) in enumerate(adds):
        text = " ".join(f"baru{n}y{j}" for j in range(int(words)))
        if kind == "table":
            text += f" | q{n}"
        added_texts.append(text)
        after_i = int(after)
        steps = doc.section_items("prosedur")
        edits.append(
            InsertAtStart("prosedur", text) if after_i < 0 else InsertAfter(steps[after_i].key, text)
        )
    new = parse(apply_edits(doc, edits))
    d = structural(doc, new)
    got = {c.old_key: (c.status, c.new_text if c.status != "removed" else None) for c in d.items if c.old_key}
    assert got == expected
    assert sorted(c.new_text or "" for c in d.items if c.status == "added") == sorted(added_texts)
    assert d.fields == ()
    # untouched lines stay byte-identical
    kept_lines = {doc.lines[i.start_line - 1] for i in doc.items if expected[i.key][0] == "kept"}
    assert kept_lines <= set(new.lines)


# -- sop diff ------------------------------------------------------------------------------


@pytest.fixture
def two_versions(demo_store: Store) -> Store:
    demo_store.sops.update(_v2_text(), by=ACTOR, message="Perbaikan", base=1)
    return demo_store


def test_sop_diff_formats(two_versions: Store, cli: CliRun, tmp_path: Path) -> None:
    text = cli("diff", "KPU-NTB-SOP-01", "1", "2")
    assert text.exit_code == 0, text.output
    assert text.output == (GOLDEN / "diff_sop01.txt").read_text(encoding="utf-8")
    data = json.loads(cli("diff", "KPU-NTB-SOP-01", "1", "2", "--format", "json").output)
    assert data[0]["counts"]["moved"] == 1 and (data[0]["old_label"], data[0]["new_label"]) == ("v1", "v2")
    assert data[0]["sop_id"] == "KPU-NTB-SOP-01" and data[0]["fields"] == []
    assert {"status", "old_key", "new_key", "old_text", "new_text", "redline"} == set(data[0]["items"][0])
    uni = cli("diff", "KPU-NTB-SOP-01", "1", "2", "--format", "unified").output
    assert uni.startswith("--- KPU-NTB-SOP-01 v1\n+++ KPU-NTB-SOP-01 v2\n")
    out = tmp_path / "d.html"
    r = cli("diff", "KPU-NTB-SOP-01", "1", "2", "--format", "html", "-o", str(out))
    assert r.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # An existing file is kept unless --force says to replace it.
    out.write_text("earlier", encoding="utf-8")
    again = cli("diff", "KPU-NTB-SOP-01", "1", "2", "--format", "html", "-o", str(out))
    assert again.exit_code == 1 and "already exists" in again.output and again.output.count("\n") == 1
    assert out.read_text(encoding="utf-8") == "earlier"
    forced = cli("diff", "KPU-NTB-SOP-01", "1", "2", "--format", "html", "-o", str(out), "--force")
    assert forced.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_sop_diff_unknown_version_is_one_line(two_versions: Store, cli: CliRun) -> None:
    r = cli("diff", "KPU-NTB-SOP-01", "1", "9")
    assert r.exit_code == 1 and r.output.startswith("error: ") and r.output.count("\n") == 1
