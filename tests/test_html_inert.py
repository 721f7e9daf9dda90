"""Every HTML output renders a document that tries raw HTML or script URLs as inert text.

One test per output (`sop diff --format html`, `sop review diff --format html`,
`sop print`), each with a document whose front matter and body try every trick:
raw tags, event handlers, ``javascript:`` links in Markdown and HTML, entities
that decode to them. The attack must show as text (it is not dropped) and never
as markup (``assert_inert`` in tests/conftest.py).
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from conftest import ACTOR, HEAD, HEAD_ROW, CliRun, assert_inert

from soplib import Store, parse

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klik</a>',
    "[klik](javascript:alert(1))",
    "![gambar](javascript:alert(1))",
    "<javascript:alert(1)>",
    "<iframe src=//evil.example></iframe>",
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&lt;img src=x onerror=alert(1)&gt;",
    "&#106;avascript:alert(1)",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "JaVaScRiPt :alert(1)",
    "vbscript:msgbox(1)",
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    "</td></tr></table><script>alert(1)</script>",
]


def _yaml_list(values: list[str]) -> str:
    return "".join(f"  - {v!r}\n".replace("\\'", "''") for v in values)


def hostile_sop(sop_id: str, *, extra: str = "") -> str:
    """An SOP whose every field and block tries to become markup."""
    steps = "".join(f"{n}. Langkah {a}\n" for n, a in enumerate(ATTACKS, 1))
    rows = "".join(f"| {n} | {a.replace('|', '&#124;')} |\n" for n, a in enumerate(ATTACKS, 1))
    return (
        f"---\nid: {sop_id}\ntitle: 'Judul <script>alert(1)</script>'\n"
        "number: '<img src=x onerror=alert(1)>'\nunit: '<svg onload=alert(1)>'\n"
        f"legal_basis:\n{_yaml_list(ATTACKS[:6])}warnings:\n{_yaml_list(ATTACKS[6:12])}"
        f"records:\n{_yaml_list(ATTACKS[12:])}---\n"
        "# Prosedur <iframe src=//evil.example>\n\n"
        f"{steps}{extra}\n"
        "## Tabel <script>alert(2)</script>\n\n"
        f"| No | Kegiatan |\n|---|---|\n{rows}\n"
        '<div onclick="alert(3)"><script>alert(4)</script></div>\n\n'
        "Paragraf dengan [tautan](javascript:alert(5)) dan <a href='javascript:alert(6)'>a</a>.\n"
    )


def _add(store: Store, tmp_path: Path, cli: CliRun, sop_id: str = "XSS-01") -> Path:
    path = tmp_path / f"{sop_id}.md"
    path.write_text(hostile_sop(sop_id), encoding="utf-8")
    result = cli("add", str(path), "--by", ACTOR)
    assert result.exit_code == 0, result.output
    return path


def _shows_as_text(page: str) -> None:
    # Not dropped: the attacks are on the page as readable, escaped text.
    assert "alert(1)" in page
    assert html.unescape("&lt;script&gt;alert(1)&lt;/script&gt;") not in page  # never raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_sop_print_is_inert(store: Store, tmp_path: Path, cli: CliRun) -> None:
    _add(store, tmp_path, cli)
    out = tmp_path / "print.html"
    result = cli("print", "XSS-01", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert_inert(page)
    _shows_as_text(page)
    # every step printed as a row, in both procedures (the list and the table)
    assert page.count('<tr><td class="no">') == 2 * len(ATTACKS)


def test_sop_diff_html_is_inert(store: Store, tmp_path: Path, cli: CliRun) -> None:
    path = _add(store, tmp_path, cli)
    more = "".join(f"- Tambahan {a}\n" for a in reversed(ATTACKS))
    path.write_text(hostile_sop("XSS-01", extra="\n" + more), encoding="utf-8")
    r = cli("update", str(path), "--base", "1", "-m", "<script>alert(7)</script>", "--by", ACTOR)
    assert r.exit_code == 0, r.output
    out = tmp_path / "diff.html"
    result = cli("diff", "XSS-01", "1", "2", "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert_inert(page)
    _shows_as_text(page)
    assert "<ins>" in page  # the added steps are there, marked as insertions
    printed = cli("diff", "XSS-01", "1", "2", "--format", "html")  # the same page on stdout
    assert printed.exit_code == 0 and printed.stdout == page


def test_sop_review_diff_html_is_inert(store: Store, tmp_path: Path, cli: CliRun) -> None:
    _add(store, tmp_path, cli)
    sid = cli("review", "start", "XSS-01", "--team", ACTOR, "--ref", "<script>x</script>", "--by", ACTOR)
    assert sid.exit_code == 0, sid.output
    session = sid.stdout.strip()
    items = parse(hostile_sop("XSS-01")).items
    steps = [i for i in items if i.kind == "list_item"]  # the body's steps (identity items come first)
    first, second, row = steps[0].key, steps[1].key, next(i for i in items if i.kind == "table_row")
    steps = [
        ["outcome", session, "XSS-01", "revise"],
        ["replace", session, "XSS-01", first, "--text", ATTACKS[1], "--reason", ATTACKS[0]],
        ["add", session, "XSS-01", "--after", second, "--text", ATTACKS[2], "--reason", "r"],
        [
            "add",
            session,
            "XSS-01",
            "--section",
            row.section,
            "--text",
            f"| 0 | {ATTACKS[7]} |",
            "--reason",
            "r",
        ],
    ]
    for args in steps:
        result = cli("review", *args, "--by", ACTOR)
        assert result.exit_code == 0, (args, result.output)
    proposal = tmp_path / "XSS-02.md"
    proposal.write_text(hostile_sop("XSS-02"), encoding="utf-8")
    assert cli("review", "propose", session, str(proposal), "--by", ACTOR).exit_code == 0
    out = tmp_path / "review.html"
    result = cli("review", "diff", session, "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert_inert(page)
    _shows_as_text(page)
    assert "XSS-02" in page and page.count("<section>") == 2  # the revision and the proposal


def _reviewed_hostile_store(store: Store, tmp_path: Path, cli: CliRun) -> None:
    """The hostile SOP revised in a session with a hostile title, approved; hostile staff acknowledge it."""
    _add(store, tmp_path, cli)
    start = ["review", "start", "XSS-01", "--team", ACTOR, "--ref", ATTACKS[1], "--title", ATTACKS[0]]
    session = cli(*start, "--by", ACTOR).stdout.strip()
    items = parse(hostile_sop("XSS-01")).items
    first = next(i for i in items if i.kind == "list_item").key
    for args in (
        ["outcome", session, "XSS-01", "revise"],
        ["replace", session, "XSS-01", first, "--text", ATTACKS[2], "--reason", ATTACKS[3]],
    ):
        assert cli("review", *args, "--by", ACTOR).exit_code == 0
    for item in (i for i in items if i.key != first):
        assert cli("review", "decide", session, "XSS-01", item.key, "keep", "--by", ACTOR).exit_code == 0
    staff = tmp_path / "staff.csv"
    rows = [
        f'P-{n},"{a.replace(chr(34), chr(39))}","Unit {a.replace(chr(34), chr(39))}",Staf'
        for n, a in enumerate(ATTACKS)
    ]
    # The head of office approves (an approver is registered staff, named on the SOP).
    staff.write_text("id,name,unit,position\n" + HEAD_ROW + "\n".join(rows) + "\n", encoding="utf-8")
    assert cli("staff", "import", str(staff), "--by", ACTOR).exit_code == 0
    assert cli("review", "approve", session, "--by", HEAD).exit_code == 0, "approval"
    assert cli("ack", "P-0", "XSS-01", "--by", ACTOR).exit_code == 0


def test_sop_audit_report_html_is_inert(store: Store, tmp_path: Path, cli: CliRun) -> None:
    _reviewed_hostile_store(store, tmp_path, cli)
    out = tmp_path / "report.html"
    result = cli("audit", "report", "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert_inert(page)
    _shows_as_text(page)  # the session title
    assert re.search(r"<td>Unit [^<]*&lt;", page)  # hostile unit names are listed, escaped


def test_every_html_page_of_the_evidence_pack_is_inert(store: Store, tmp_path: Path, cli: CliRun) -> None:
    _reviewed_hostile_store(store, tmp_path, cli)
    out = tmp_path / "pack.zip"
    result = cli("audit", "pack", "-o", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as pack:
        names = set(pack.namelist())
        pages = [n for n in names if n.endswith(".html")]
        assert len(pages) >= 6  # SOPs before and after, the redline, the report, the minutes, the index
        for name in pages:
            page = pack.read(name).decode("utf-8")
            if name == "index.html":
                # The index links the pack's own files, by relative path, and nothing else.
                links = re.findall(r'<a href="([^"]*)">', page)
                assert (
                    links
                    and set(links) <= names
                    and all(":" not in x and not x.startswith("/") for x in links)
                )
                page = re.sub(r'<a href="[^"]*">|</a>', "", page)
            assert_inert(page)
            if name.endswith("notula.html"):
                _shows_as_text(page)  # the session's hostile title


def test_evidence_documents_are_inert(store: Store, tmp_path: Path, cli: CliRun) -> None:
    _reviewed_hostile_store(store, tmp_path, cli)
    session = store.reviews.list()[0].id
    b = cli(
        "briefing", "create", "--title", ATTACKS[0], "--date", "2026-12-03", "--sops", "XSS-01", "--by", ACTOR
    )
    assert b.exit_code == 0, b.output
    briefing = store.briefings.list()[0].id
    for args in (
        ["review", "minutes", session],
        ["review", "worksheet", session],
        ["briefing", "attendance", briefing],  # nobody recorded: the hostile staff expected, listed to sign
        ["audit", "acks", "XSS-01"],
    ):
        out = tmp_path / f"{args[1]}.html"
        result = cli(*args, "-o", str(out))
        assert result.exit_code == 0, (args, result.output)
        page = out.read_text(encoding="utf-8")
        assert_inert(page)
        assert "alert(1)" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page, args  # shown, as text
