"""The evidence pack: one zip with what assessors ask to see, and a manifest to check it by.

Layout (every path is fixed; ``<S>`` a session, ``<ID>`` an SOP, ``<B>`` a briefing)::

    README.txt                          what is where, how to check the manifest
    manifest.json                       store head, report date, SHA-256 and size of every other file
    manifest.sha256                     the same hashes in `sha256sum -c` format
    report/audit-report.html|.md|.json  the audit report (soplib.report)
    report/register.csv                 the SOP register (report CSV)
    coverage/per-sop.csv                coverage of the version in force, per SOP
    coverage/per-unit.csv               coverage per unit
    coverage/outstanding.csv            who has not acknowledged which SOP version
    briefings/<B>/daftar-hadir.csv      the attendance list of each briefing
    sessions/<S>/session.json           the session record: header (team, reference) and its full log
    sessions/<S>/notula.md              the same, readable: team, reference, outcomes, every decision
    sessions/<S>/kertas-kerja-evaluasi.csv   the evaluation worksheet: 7 criteria Ya/Tidak, outcome
    sessions/<S>/<ID>/sop-awal-v<N>.md|.html       the SOP as evaluated (Markdown, SOP AP print page)
    sessions/<S>/<ID>/sop-perbaikan-v<M>.md|.html  the revised SOP the approval wrote (if revised)
    sessions/<S>/<ID>/redline.html                 the structural redline between the two
    sessions/<S>/<ID>/sop-baru-v1.md               a new SOP the approved session created

The zip is deterministic: entries sorted, every timestamp 1980-01-01 00:00,
fixed permissions, so the same store and date give the same bytes.

    >>> build_pack(store, on="2026-12-31")  # -> bytes of the zip
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sop_store import Snapshot, validate_doc_id
from soplib.audit.report import AuditReport, audit_report
from soplib.criteria import CRITERIA
from soplib.documents.diff import structural
from soplib.documents.records import read_record
from soplib.documents.sops import SopVersion
from soplib.files import csv_bytes
from soplib.outputs.printout import render_html as print_page
from soplib.outputs.redline import redline_html as redline_page
from soplib.outputs.report_render import render_report
from soplib.people.briefings import read_briefings, validate_briefing_id
from soplib.review.log import SessionState, validate_session_id
from soplib.review.records import read_sessions

if TYPE_CHECKING:
    from soplib.store import Store

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


_csv = csv_bytes


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()


def _coverage_files(report: AuditReport) -> dict[str, bytes]:
    cov = report.coverage
    return {
        "coverage/per-sop.csv": _csv(
            ["sop", "title", "version", "audience", "acknowledged", "carried_over", "outstanding", "percent"],
            [
                [
                    s.id,
                    s.title,
                    s.version,
                    s.audience_size,
                    s.acknowledged,
                    s.carried_over,
                    len(s.outstanding),
                    "" if s.percent is None else f"{s.percent:.1f}",
                ]
                for s in cov.sops
            ],
        ),
        "coverage/per-unit.csv": _csv(
            ["unit", "staff", "required", "acknowledged", "percent"],
            [
                [u.unit, u.staff, u.required, u.acknowledged, "" if u.percent is None else f"{u.percent:.1f}"]
                for u in cov.units
            ],
        ),
        "coverage/outstanding.csv": _csv(
            ["sop", "version", "id", "name", "unit", "position"],
            [
                [o["sop"], o["version"], o["id"], o["name"], o["unit"], o["position"]]
                for o in report.outstanding()
            ],
        ),
    }


def _briefing_files(snap: Snapshot, day: date) -> dict[str, bytes]:
    out = {}
    for b in read_briefings(snap):
        if b.date > day:
            continue
        presented = "; ".join(f"{s.id} v{s.version}" for s in b.sops)
        rows = [
            [
                n,
                a.name,
                a.id,
                a.position,
                a.unit,
                _day(b.date),
                b.title,
                presented,
                "; ".join(a.sops),
                _day(a.recorded_at),
            ]
            for n, a in enumerate(b.attendees, 1)
        ]
        out[f"briefings/{validate_briefing_id(b.id)}/daftar-hadir.csv"] = _csv(
            ["no", "name", "nip_or_id", "position", "unit", "date", "briefing", "sops_presented",
             "sops_acknowledged", "recorded_at"],
            rows,
        )  # fmt: skip
    return out


def _sop_page(snap: Snapshot, sop: SopVersion) -> bytes:
    record = read_record(snap, sop.id)
    withdrawn = record.withdrawn if not record.is_active else None
    signer = sop.approver if sop.approver and sop.approver.name else None
    return print_page(
        sop, created=_day(record.version(1).created), signer=signer, withdrawn=withdrawn
    ).encode()


def _notula(state: SessionState) -> str:
    h = state.header
    lines = [
        f"# {h.title or 'Review session'} ({h.id})",
        "",
        f"- Reference (berita acara / SK): {h.ref}",
        f"- Started: {_day(h.started_at)} by {h.started_by}",
        f"- Status: {h.status}" + (f" ({_day(h.closed_at)} by {h.closed_by})" if h.closed_at else ""),
        f"- Effective date: {_day(h.effective_date) or '-'}",
        "- Team: " + ", ".join(f"{m.id} ({m.role})" for m in h.team),
        "",
        "## Outcomes",
        "",
    ]
    for sop_id, version in h.pinned.items():
        entry = state.outcomes.get(sop_id)
        outcome = (
            f"{entry.action}" + (f": {entry.reason}" if entry and entry.reason else "") if entry else "none"
        )
        lines.append(f"- {sop_id} v{version}: {outcome}")
    lines += [f"- {sop_id} (new SOP proposed)" for sop_id in state.proposals]
    lines += ["", "## Log", ""]
    for e in state.entries:
        what = " ".join(str(getattr(e, k, "") or "") for k in ("type", "sop", "key", "action")).split()
        reason = getattr(e, "reason", None)
        lines.append(f"{e.seq}. {_day(e.when)} {e.by}: {' '.join(what)}" + (f" ({reason})" if reason else ""))
    return "\n".join(lines) + "\n"


def _worksheet(state: SessionState) -> bytes:
    rows = []
    for sop_id, version in state.header.pinned.items():
        ev = state.evaluations.get(sop_id)
        answers = ev.answers if ev else {}
        marks = ["" if c not in answers else ("Ya" if answers[c] else "Tidak") for c in CRITERIA]
        outcome = state.outcomes.get(sop_id)
        rows.append(
            [sop_id, version, *marks,
             "; ".join(f"{k}: {v}" for k, v in (ev.notes if ev else {}).items()),
             outcome.action if outcome else "", (outcome.reason or "") if outcome else ""]
        )  # fmt: skip
    return _csv(["sop", "version", *CRITERIA.values(), "notes", "outcome", "reason"], rows)


def _session_files(store: Store, snap: Snapshot, state: SessionState) -> dict[str, bytes]:
    h = state.header
    base = f"sessions/{validate_session_id(h.id)}"
    out = {
        f"{base}/session.json": _json({**h.to_json(), "log": [e.to_json() for e in state.entries]}),
        f"{base}/notula.md": _notula(state).encode(),
        f"{base}/kertas-kerja-evaluasi.csv": _worksheet(state),
    }
    for sop_id in state.proposals if h.status == "approved" else ():
        record = read_record(snap, validate_doc_id(sop_id))
        if record.versions[0].session == h.id:
            out[f"{base}/{sop_id}/sop-baru-v1.md"] = snap.repo.read_blob(record.version(1).blob)
    for sop_id, version in h.pinned.items():
        validate_doc_id(sop_id)
        original = store.sops.get(sop_id, version=version, snapshot=snap)
        out[f"{base}/{sop_id}/sop-awal-v{version}.md"] = original.text.encode()
        out[f"{base}/{sop_id}/sop-awal-v{version}.html"] = _sop_page(snap, original)
        info = read_record(snap, sop_id)
        revised = next((v for v in info.versions if v.session == h.id), None)
        if revised is None:
            continue
        new = store.sops.get(sop_id, version=revised.version, snapshot=snap)
        out[f"{base}/{sop_id}/sop-perbaikan-v{new.version}.md"] = new.text.encode()
        out[f"{base}/{sop_id}/sop-perbaikan-v{new.version}.html"] = _sop_page(snap, new)
        diff = structural(
            original.document, new.document, old_label=f"v{version} (SOP awal)", new_label=f"v{new.version}"
        )
        title = f"Redline {sop_id} v{version} -> v{new.version} ({h.id})"
        out[f"{base}/{sop_id}/redline.html"] = redline_page([diff], title=title).encode()
    return out


README = """\
SOP evidence pack (soplib)

Made from the store at commit {head}, for {on}{record}.
Every file's SHA-256 is in manifest.json and manifest.sha256. To check them:

    sha256sum -c manifest.sha256

and check that the store head above is still in the store's history:

    sop --store STORE audit verify --head {head}

report/      the audit report (html, md, json) and the SOP register (csv)
coverage/    internalisation coverage per SOP, per unit, and who is outstanding
briefings/   the attendance list (daftar hadir) of each briefing
sessions/    per review session: the record (session.json, notula.md), the
             evaluation worksheet (kertas-kerja-evaluasi.csv) and, per SOP, the
             original and revised SOP (md and SOP AP html) and the redline
"""


def pack_files(store: Store, *, as_of: date | None = None, today: date | None = None) -> dict[str, bytes]:
    """Every file of the pack, by path (manifest included), read from one snapshot."""
    report = audit_report(store, as_of=as_of, today=today)
    snap = store.snapshot(report.head) if report.head else store.snapshot()
    files: dict[str, bytes] = {
        "report/audit-report.html": render_report(report, "html").encode(),
        "report/audit-report.md": render_report(report, "md").encode(),
        "report/audit-report.json": render_report(report, "json").encode(),
        "report/register.csv": render_report(report, "csv").encode(),
        **_coverage_files(report),
        **_briefing_files(snap, report.on),
    }
    for state in read_sessions(snap):
        if state.header.status != "abandoned" and state.header.started_at.date() <= report.on:
            files.update(_session_files(store, snap, state))
    record = f" (the record as of the end of {report.as_of.date})" if report.as_of else ""
    files["README.txt"] = README.format(head=report.head, on=_day(report.on), record=record).encode()
    digests = {path: hashlib.sha256(data).hexdigest() for path, data in sorted(files.items())}
    files["manifest.json"] = _json(
        {
            "store_head": report.head,
            "on": _day(report.on),
            "as_of": report.as_of.to_json() if report.as_of else None,
            "files": [{"path": p, "sha256": d, "bytes": len(files[p])} for p, d in digests.items()],
        }
    )
    files["manifest.sha256"] = "".join(f"{d}  {p}\n" for p, d in digests.items()).encode()
    return files


def build_pack(store: Store, *, as_of: date | None = None, today: date | None = None) -> bytes:
    """The evidence pack as the bytes of a deterministic zip (sorted entries, fixed times)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for path, data in sorted(pack_files(store, as_of=as_of, today=today).items()):
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, data)
    return buf.getvalue()
