"""The demo's last parts: the evidence documents an assessor accepts, then the audit of the whole store.

>>> step_evidence(Path("/tmp/sop-demo/sop-store"))  # PDFs into /tmp/sop-demo/sop-store-bukti
>>> step_audit(Path("/tmp/sop-demo/sop-store"))  # history, blame, due, anchor, verify, report
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from soplib.cli.output import console, document_language, table
from soplib.i18n import _
from soplib.labels import label

CHAIR = "198107232008011004"  # Baiq Rahmawati (demo_data/staff.csv): makes the audit anchor


def folder_beside(store_path: Path, suffix: str) -> Path:
    """A new folder ``<store>-<suffix>`` beside the store (a temporary one if that name is taken)."""
    folder = store_path.parent / f"{store_path.name}-{suffix}"
    if folder.exists():
        return Path(tempfile.mkdtemp(prefix=f"sop-{suffix}-"))
    folder.mkdir()
    return folder


def step_evidence(store_path: Path) -> None:
    """The documents an assessor accepts, in Bahasa Indonesia (the office's language), as PDF."""
    from soplib import Store
    from soplib.files import write_output
    from soplib.outputs import print_sop
    from soplib.outputs.attendance import render_ack_lists, render_attendance
    from soplib.outputs.evidence_data import session_evidence
    from soplib.outputs.from_store import print_input_from_store
    from soplib.outputs.minutes import render_minutes, render_worksheet
    from soplib.outputs.people_data import ack_lists, briefing_evidence

    heading = _("5. Evidence for the assessor: the SOP AP print, minutes, worksheet, attendance list")
    console().rule(f"[bold]{heading}")
    folder = folder_beside(store_path, "bukti")
    with Store.open(store_path) as store:
        session = store.reviews.list()[0].id
        briefing = store.briefings.list()[0].id
        lang = document_language()  # the office's (Bahasa Indonesia), unless --lang says otherwise
        evidence = session_evidence(store, session, language=lang)
        documents = {
            "KPU-NTB-SOP-01.pdf": print_sop(print_input_from_store(store, "KPU-NTB-SOP-01", language=lang)),
            "notula.pdf": render_minutes(evidence),
            "kertas-kerja-evaluasi.pdf": render_worksheet(evidence),
            "daftar-hadir.pdf": render_attendance(briefing_evidence(store, briefing, language=lang)),
            "tanda-terima-KPU-NTB-SOP-01.pdf": render_ack_lists(
                ack_lists(store, ["KPU-NTB-SOP-01"], language=lang)
            ),
        }
        for name, data in documents.items():
            write_output(folder / name, data)
    click.echo(_("evidence documents written to {path}", path=folder))
    table(
        _("Evidence documents in {path}", path=folder),
        [_("file"), _("what")],
        [
            ["KPU-NTB-SOP-01.pdf", _("the revised SOP in the SOP AP layout, with its flowchart")],
            ["notula.pdf", _("the minutes of review session {id}", id=session)],
            ["kertas-kerja-evaluasi.pdf", _("its evaluation worksheet: seven criteria, Ya / Tidak")],
            ["daftar-hadir.pdf", _("the attendance list of briefing {id}, to sign", id=briefing)],
            ["tanda-terima-KPU-NTB-SOP-01.pdf", _("who acknowledged KPU-NTB-SOP-01, how and when")],
        ],
    )


def step_audit(store_path: Path) -> None:
    """Last step: history, blame, due reviews, an anchor, a verified store, a report."""
    from soplib import Store
    from soplib.files import write_output
    from soplib.outputs.from_store import office_profile
    from soplib.outputs.report_render import render_report

    heading = _("6. Audit: history, blame, periodic reviews, integrity, report")
    console().rule(f"[bold]{heading}")
    with Store.open(store_path) as store:
        hist = store.audit.history("KPU-NTB-SOP-04")
        click.echo(
            _(
                "KPU-NTB-SOP-04 in force on {day} (WITA): version {version}",
                day=hist.on.isoformat(),
                version=hist.in_force,
            )
        )
        for v in hist.versions:
            status, action = label("status", v.status), label("action", v.action)
            click.echo(f"  v{v.version}  {status:<10}  {v.effective_date}  {v.by}  ({action})")
        table(
            _("sop blame KPU-NTB-SOP-01: where each step's text comes from"),
            [_("item"), _("version"), _("origin"), _("reason")],
            [
                [b.key, b.source.version, label("origin", b.source.origin), b.source.reason]
                for b in store.sops.blame("KPU-NTB-SOP-01").items
                if not b.key.startswith(("legal_basis", "records"))
            ],
        )
        due = store.audit.due(within_days=400)
        table(
            _("Periodic reviews due within 400 days"),
            [_("id"), _("due"), _("days left")],
            [[d.id, d.due_date.isoformat(), d.days_left] for d in due],
        )
        mark = store.audit.anchor(by=CHAIR)
        click.echo(
            _("audit anchor {id} recorded head {head} (tag {tag})", id=mark.id, head=mark.head, tag=mark.tag)
        )
        report = store.audit.verify()
        status = _("verified") if report.ok else _("NOT verified: {n} findings", n=len(report.findings))
        click.echo(
            _(
                "sop audit verify: {status} ({commits} commits replayed, {sops} SOPs, {versions} versions)",
                status=status,
                commits=report.replayed,
                sops=report.sops,
                versions=report.versions,
            )
        )
        for f in report.findings[:10]:
            click.echo(f"  {f.kind}: {f.message}")
        result = store.audit.report()
        evidence = store_path.parent / f"{store_path.name}-bukti"  # made by step_evidence
        target = evidence / "laporan-audit.html"
        if not evidence.is_dir() or target.exists():
            target = Path(tempfile.mkdtemp(prefix="sop-report-")) / "laporan-audit.html"
        html = render_report(result, "html", language=document_language(), office=office_profile(store))
        write_output(target, html.encode())
        click.echo(_("audit report of store head {head}: {rule}", head=result.head, rule=result.grade.rule))
        click.echo(_("audit report written to {path}", path=target))
