"""One SOP as a printable page in the SOP AP layout (PermenPAN-RB 35/2012).

The page has the identity part (*bagian identitas*: nomor, tanggal pembuatan /
revisi / efektif, disahkan oleh, nama SOP, dasar hukum, keterkaitan,
kualifikasi pelaksana, peralatan, peringatan, pencatatan), the procedure part
(a table per section: a GFM table keeps its own columns, a list becomes
``No | Uraian Kegiatan``) and an approval block. It is one self-contained HTML
file with print CSS for A4, to be printed to PDF from a browser.

Every string that comes from a document or the store goes through
:func:`soplib.render.esc` (escaped, handlers and script URLs broken up).

    >>> html = print_html(store, "KPU-NTB-SOP-01")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from soplib.documents.model import Item, SopDocument
from soplib.documents.procedure import runs, table_header
from soplib.documents.records import Approver
from soplib.documents.sops import SopVersion
from soplib.outputs.html import esc

if TYPE_CHECKING:
    from soplib.store import Store

CSS = """\
@page { size: A4; margin: 15mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Times New Roman", Times, serif; font-size: 11pt; color: #000; margin: 0 auto;
  max-width: 190mm; line-height: 1.35; }
table { width: 100%; border-collapse: collapse; margin: 0 0 6mm; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #000; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #eee; }
.identity th { width: 28%; background: none; font-weight: bold; }
.identity .unit { text-align: center; font-weight: bold; width: 40%; }
.lists td { width: 50%; }
.lists h3 { font-size: 11pt; margin: 0 0 2px; }
.lists ul { margin: 0; padding-left: 18px; }
.procedure td.no { width: 8mm; text-align: center; }
h1 { font-size: 14pt; text-align: center; margin: 0 0 4mm; }
h2 { font-size: 12pt; margin: 4mm 0 2mm; }
.approval { width: 75mm; margin: 8mm 0 0 auto; text-align: center; page-break-inside: avoid; }
.approval .space { height: 22mm; }
.withdrawn { border: 2px solid #000; text-align: center; font-weight: bold; padding: 2mm;
  margin: 0 0 4mm; letter-spacing: 0.1em; }
.fingerprint { font-size: 8pt; color: #444; margin-top: 8mm; border-top: 1px solid #999;
  padding-top: 2mm; word-break: break-all; }
@media screen { body { padding: 10mm; } }
"""


def _multiline(value: str) -> str:
    return "<br>".join(esc(line) for line in value.split("\n"))


def _bullets(values: Sequence[str]) -> str:
    if not values:
        return "-"
    return "<ul>" + "".join(f"<li>{esc(v)}</li>" for v in values) + "</ul>"


def _procedure_table(doc: SopDocument, run: list[Item]) -> str:
    if run[0].kind == "table_row":
        header = table_header(doc, run[0])
        rows = [list(i.cells) for i in run]
        head = "".join(f"<th>{esc(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f'<table class="procedure"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    if run[0].kind == "list_item":
        body = "".join(
            f'<tr><td class="no">{n}</td><td>{_multiline(i.text)}</td></tr>' for n, i in enumerate(run, 1)
        )
        return (
            '<table class="procedure"><thead><tr><th>No</th><th>Uraian Kegiatan</th></tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )
    # A paragraph's line breaks are soft in Markdown: the printed text flows.
    return "".join(f"<p>{esc(' '.join(i.text.split()))}</p>" for i in run)


def _body(doc: SopDocument) -> str:
    parts = []
    titles = {s.slug: s.title for s in doc.sections}
    seen: set[str] = set()
    for run in runs(doc.body_items):
        section = run[0].section
        if section not in seen and section in titles:
            parts.append(f"<h2>{esc(titles[section])}</h2>")
        seen.add(section)
        parts.append(_procedure_table(doc, run))
    return "\n".join(parts)


def render_html(
    sop: SopVersion,
    *,
    created: str,
    approver: str | None = None,
    signer: Approver | None = None,
    withdrawn: Mapping[str, Any] | None = None,
) -> str:
    """The SOP AP page of one version.

    ``created`` is the *tanggal pembuatan* (the date version 1 was recorded);
    ``approver`` the label for *disahkan oleh* (default: the recorded approver,
    else the person who recorded the version). ``signer``, the approver as a
    registered staff member, adds their position and NIP to the approval block.
    ``withdrawn`` (the SOP's withdrawal record) marks the page *DICABUT*.
    """
    front = sop.document.front
    signed_by = approver or (signer.name if signer else None) or "-"
    revised = sop.created.date().isoformat() if sop.version > 1 else "-"
    identity = [
        ("Nomor SOP", front.number or "-"),
        ("Tanggal Pembuatan", created[:10]),
        ("Tanggal Revisi", f"{revised} (revisi ke-{sop.version - 1})" if sop.version > 1 else "-"),
        ("Tanggal Efektif", sop.effective.isoformat()),
        ("Disahkan oleh", f"{signer.position}, {signer.name}, NIP {signer.id}" if signer else signed_by),
        ("Nama SOP", front.title),
    ]
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in identity)
    pairs = [
        ("Dasar Hukum", front.legal_basis, "Kualifikasi Pelaksana", front.qualifications),
        ("Keterkaitan", front.related, "Peralatan/Perlengkapan", front.equipment),
        ("Peringatan", front.warnings, "Pencatatan dan Pendataan", front.records),
    ]
    lists = "".join(
        f"<tr><td><h3>{esc(a)}</h3>{_bullets(av)}</td><td><h3>{esc(b)}</h3>{_bullets(bv)}</td></tr>"
        for a, av, b, bv in pairs
    )
    unit = esc(front.unit or "")
    fingerprint = f"{esc(sop.id)} versi {sop.version} · sha256 {esc(sop.document.content_fingerprint)}" + (
        f" · commit {esc(sop.commit)}" if sop.commit else ""
    )
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>{esc(sop.id)} v{sop.version}: {esc(front.title)}</title>
<style>
{CSS}</style>
</head>
<body>
{_withdrawn_banner(withdrawn)}<h1>STANDAR OPERASIONAL PROSEDUR</h1>
<table class="identity">
<tr><td class="unit" rowspan="{len(identity) + 1}">{unit}</td></tr>
{rows}
</table>
<table class="lists">
{lists}
</table>
{_body(sop.document)}
<div class="approval">
<p>Tanggal efektif: {esc(sop.effective.isoformat())}</p>
<p>Disahkan oleh{f"<br>{esc(signer.position)}" if signer else ""}</p>
<div class="space"></div>
<p><strong>{esc(signed_by)}</strong>{f"<br>NIP {esc(signer.id)}" if signer else ""}</p>
</div>
<p class="fingerprint">{fingerprint}</p>
</body>
</html>
"""


def _withdrawn_banner(withdrawn: Mapping[str, Any] | None) -> str:
    if not withdrawn:
        return ""
    day = esc(str(withdrawn.get("date", ""))[:10])
    reason = withdrawn.get("reason")
    why = f": {esc(reason)}" if reason else ""
    return f'<p class="withdrawn">SOP INI TELAH DICABUT (withdrawn) pada {day}{why}</p>\n'


def print_html(store: Store, sop_id: str, *, version: int | None = None, approver: str | None = None) -> str:
    """The SOP AP page of ``sop_id`` (default: its latest version), with the approver frozen at approval."""
    snap = store.snapshot()
    sop = store.sops.get(sop_id, version=version, snapshot=snap)
    record = store.sops.record(sop_id, snapshot=snap)
    return render_html(
        sop,
        created=record.version(1).created.date().isoformat(),
        approver=approver,
        signer=sop.approver if sop.approver and sop.approver.name else None,
        withdrawn=record.withdrawn if not record.is_active else None,
    )
