"""The evidence pack: one zip with the documents assessors ask for, and a manifest to check it by.

Every document is a PDF (and where useful its HTML page) beside the
machine-readable files (JSON, CSV); ``<S>`` is a review session, ``<ID>`` an
SOP, ``<B>`` a briefing::

    index.html                                 what every file is, with links (translated)
    README.txt                                 the same in short, and how to check the pack
    manifest.json, manifest.sha256             store commit, day, SHA-256 and size of every other file
    report/audit-report.pdf|.html|.md|.json    the audit report
    report/register.csv                        the SOP register, one row per SOP
    coverage/per-sop.csv|per-unit.csv|outstanding.csv
    acknowledgements/tanda-terima.pdf          per SOP version in force: briefings counted, individuals named
    acknowledgements/tanda-terima.csv          every acknowledgement that counts, one row each
    briefings/<B>/daftar-hadir.pdf|.csv        the attendance list, to sign, and who the store recorded
    sessions/<S>/notula.pdf|.html              the minutes
    sessions/<S>/kertas-kerja-evaluasi.pdf|.csv  the evaluation worksheet (seven criteria, Ya / Tidak)
    sessions/<S>/session.json                  the session's header and full log
    sessions/<S>/<ID>/sop-awal-v<N>.pdf|.html|.md       the SOP as evaluated (SOP AP print)
    sessions/<S>/<ID>/sop-perbaikan-v<M>.pdf|.html|.md  the revised SOP the approval wrote
    sessions/<S>/<ID>/redline.html                      what changed between the two
    sessions/<S>/<ID>/sop-baru-v1.pdf|.html|.md         a new SOP the approved session created
    sessions/<S>/<ID>/sop-usulan.pdf|.html|.md          a new SOP proposed in a session still open

Everything is read from one snapshot (the store as it stood at the end of
``as_of``, or now). The zip is deterministic: entries sorted, every time
1980-01-01 00:00, fixed permissions, PDFs dated by what they show; so the
same store and day give the same bytes.

    >>> data = build_pack(store, as_of=date(2026, 12, 31), language="id")
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sop_store import Snapshot, validate_doc_id
from soplib.audit.report import AuditReport, audit_report
from soplib.clock import office_zone
from soplib.criteria import CRITERIA
from soplib.documents.records import read_record
from soplib.files import csv_bytes
from soplib.i18n import _, format_date, ngettext, use_language
from soplib.labels import label
from soplib.outputs.batch import render_pdfs
from soplib.outputs.evidence_data import SessionEvidence, evidence_of
from soplib.outputs.pack_index import Entry, index_html, readme
from soplib.people.briefings import read_briefings, validate_briefing_id
from soplib.review.log import SessionState, validate_session_id
from soplib.review.records import read_sessions

if TYPE_CHECKING:
    from soplib.outputs.model import PrintInput
    from soplib.store import Store

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()


@dataclass
class Pack:
    """The files as they are gathered: ready bytes, HTML pages still to typeset, the index's entries."""

    files: dict[str, bytes] = field(default_factory=dict)
    pdfs: dict[str, tuple[str, date | None]] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)

    def add(self, path: str, data: bytes | str) -> None:
        self.files[path] = data.encode() if isinstance(data, str) else data

    def pdf(self, path: str, html: str, created: date | None, *, keep_html: bool = False) -> None:
        """A document as PDF (typeset later, all together) and, with ``keep_html``, as its HTML page."""
        self.pdfs[path + ".pdf"] = (html, created)
        if keep_html:
            self.add(path + ".html", html)


def _coverage(pack: Pack, report: AuditReport) -> None:
    def percent(value: float | None) -> str:
        return "" if value is None else f"{value:.1f}"

    cov = report.coverage
    pack.add("coverage/per-sop.csv", csv_bytes(
        ["sop", "title", "version", "audience", "acknowledged", "carried_over", "outstanding", "percent"],
        [[s.id, s.title, s.version, s.audience_size, s.acknowledged, s.carried_over, len(s.outstanding),
          percent(s.percent)] for s in cov.sops],
    ))  # fmt: skip
    pack.add("coverage/per-unit.csv", csv_bytes(
        ["unit", "staff", "required", "acknowledged", "percent"],
        [[u.unit, u.staff, u.required, u.acknowledged, percent(u.percent)] for u in cov.units],
    ))  # fmt: skip
    pack.add("coverage/outstanding.csv", csv_bytes(
        ["sop", "version", "id", "name", "unit", "position"],
        [[o["sop"], o["version"], o["id"], o["name"], o["unit"], o["position"]]
         for o in report.outstanding()],
    ))  # fmt: skip
    group = ""
    pack.entries += [
        Entry("internalisation", group, _("Coverage per SOP"), "coverage/per-sop"),
        Entry("internalisation", group, _("Coverage per unit"), "coverage/per-unit"),
        Entry(
            "internalisation", group, _("Who has not acknowledged which SOP version"), "coverage/outstanding"
        ),
    ]


def _acknowledgements(pack: Pack, store: Store, snap: Snapshot, report: AuditReport, language: str) -> None:
    from soplib.outputs.attendance import ack_csv, ack_lists_html
    from soplib.outputs.people_data import ack_lists

    coverage = {s.id: s for s in report.coverage.sops}
    lists = ack_lists(
        store, [(s.id, s.version) for s in report.coverage.sops], language=language, snapshot=snap,
        coverage=coverage, on=report.on,
    )  # fmt: skip
    # Who has not acknowledged is in the report, once per person; here only who has, and how.
    html = ack_lists_html(lists, briefing_summary=True, outstanding=False)
    pack.pdf("acknowledgements/tanda-terima", html, report.on)
    pack.add("acknowledgements/tanda-terima.csv", ack_csv(lists))
    group = ""
    pack.entries.append(
        Entry("internalisation", group, _("Who acknowledged each SOP in force, and how"),
              "acknowledgements/tanda-terima")
    )  # fmt: skip


def _briefings(pack: Pack, store: Store, snap: Snapshot, day: date, language: str) -> None:
    from soplib.outputs.attendance import attendance_html
    from soplib.outputs.people_data import briefing_evidence_of

    for b in read_briefings(snap):
        if b.date > day:
            continue
        base = f"briefings/{validate_briefing_id(b.id)}/daftar-hadir"
        ev = briefing_evidence_of(store, snap, b, language)
        pack.pdf(base, attendance_html(ev), b.date)
        presented = "; ".join(f"{s.id} v{s.version}" for s in b.sops)
        pack.add(base + ".csv", csv_bytes(
            ["no", "name", "nip_or_id", "position", "unit", "date", "briefing", "sops_presented",
             "sops_acknowledged", "recorded_at"],
            [[n, a.name, a.id, a.position, a.unit, b.date.isoformat(), b.title, presented, "; ".join(a.sops),
              a.recorded_at.astimezone(ev.frame.zone).date().isoformat()]
             for n, a in enumerate(b.attendees, 1)],
        ))  # fmt: skip
        group = _("{id}: {title}, {date}", id=b.id, title=b.title, date=format_date(b.date, language))
        what = ngettext("Attendance list ({n} person recorded)", "Attendance list ({n} people recorded)",
                        len(b.attendees))  # fmt: skip
        pack.entries.append(Entry("briefings", group, what, base))


def _worksheet_csv(state: SessionState) -> bytes:
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
    return csv_bytes(["sop", "version", *CRITERIA.values(), "notes", "outcome", "reason"], rows)


class _Printer:
    """SOP prints of one snapshot, sharing what every print needs (the last evaluation of every SOP)."""

    def __init__(self, store: Store, snap: Snapshot, language: str) -> None:
        from soplib.review.records import last_evaluated

        self.store, self.snap, self.language = store, snap, language
        self.evaluated = last_evaluated(snap)

    def version(self, pack: Pack, path: str, sop_id: str, version: int) -> None:
        from soplib.outputs.from_store import print_input_from_store

        data = print_input_from_store(
            self.store, sop_id, version=version, language=self.language, snapshot=self.snap,
            evaluated=self.evaluated,
        )  # fmt: skip
        self.add(pack, path, data, self.store.sops.text(sop_id, version=version, snapshot=self.snap))

    def proposal(self, pack: Pack, path: str, text: str) -> None:
        from soplib.documents.parse import parse
        from soplib.outputs.from_store import office_profile
        from soplib.outputs.model import Fingerprint, PrintInput

        doc = parse(text, source=path)
        office = office_profile(self.store, snapshot=self.snap)
        data = PrintInput(doc, 1, Fingerprint(doc.content_fingerprint), office=office, language=self.language)
        self.add(pack, path, data, text.encode())

    @staticmethod
    def add(pack: Pack, path: str, data: PrintInput, text: bytes) -> None:
        from soplib.outputs.sop_html import render_sop_html

        pack.add(path + ".md", text)
        pack.pdf(path, render_sop_html(data), data.effective or data.made, keep_html=True)


def _session(pack: Pack, printer: _Printer, state: SessionState, ev: SessionEvidence) -> None:
    from soplib.documents.diff import structural
    from soplib.outputs.minutes import minutes_html, worksheet_html
    from soplib.outputs.redline import redline_html

    snap, store = printer.snap, printer.store
    h = state.header
    base = f"sessions/{validate_session_id(h.id)}"
    day = (h.closed_at or h.started_at).astimezone(ev.frame.zone).date()
    pack.add(f"{base}/session.json", _json({**h.to_json(), "log": [e.to_json() for e in state.entries]}))
    pack.pdf(f"{base}/notula", minutes_html(ev), day, keep_html=True)
    pack.pdf(f"{base}/kertas-kerja-evaluasi", worksheet_html(ev), day)
    pack.add(f"{base}/kertas-kerja-evaluasi.csv", _worksheet_csv(state))
    group = _(
        "{id}: {title} ({status})", id=h.id, title=h.title or "-", status=label("session_status", h.status)
    )
    pack.entries += [
        Entry("sessions", group, _("Minutes (notula)"), f"{base}/notula"),
        Entry("sessions", group, _("Evaluation worksheet (kertas kerja evaluasi)"),
              f"{base}/kertas-kerja-evaluasi"),
        Entry("sessions", group, _("The session's record: team, reference, every log entry"),
              f"{base}/session"),
    ]  # fmt: skip
    for sop_id, version in h.pinned.items():
        folder = f"{base}/{validate_doc_id(sop_id)}"
        title = ev_title(ev, sop_id)
        printer.version(pack, f"{folder}/sop-awal-v{version}", sop_id, version)
        what = _(
            "{id} version {version} as evaluated (SOP awal): {title}", id=sop_id, version=version, title=title
        )
        pack.entries.append(Entry("sessions", group, what, f"{folder}/sop-awal-v{version}"))
        revised = next((v for v in read_record(snap, sop_id).versions if v.session == h.id), None)
        if revised is None:
            continue
        printer.version(pack, f"{folder}/sop-perbaikan-v{revised.version}", sop_id, revised.version)
        old = store.sops.get(sop_id, version=version, snapshot=snap)
        new = store.sops.get(sop_id, version=revised.version, snapshot=snap)
        labels = {"old_label": f"v{version} (SOP awal)", "new_label": f"v{new.version}"}
        diff = structural(old.document, new.document, **labels)
        title = f"Redline {sop_id} v{version} -> v{new.version} ({h.id})"
        pack.add(f"{folder}/redline.html", redline_html([diff], title=title))
        pack.entries += [
            Entry("sessions", group, _("{id} version {version} as revised (SOP perbaikan)", id=sop_id,
                                       version=new.version), f"{folder}/sop-perbaikan-v{new.version}"),
            Entry("sessions", group, _("{id}: what changed from version {old} to {new}", id=sop_id,
                                       old=version, new=new.version), f"{folder}/redline"),
        ]  # fmt: skip
    for sop_id, proposal in state.proposals.items():
        folder = f"{base}/{validate_doc_id(sop_id)}"
        created = snap.exists(f"sops/{sop_id}.json") and read_record(snap, sop_id).versions[0].session == h.id
        title = ev_title(ev, sop_id)
        if h.status == "approved" and created:
            printer.version(pack, f"{folder}/sop-baru-v1", sop_id, 1)
            what = _("{id}: the new SOP this session created (SOP baru): {title}", id=sop_id, title=title)
            pack.entries.append(Entry("sessions", group, what, f"{folder}/sop-baru-v1"))
        elif h.status == "open":
            printer.proposal(pack, f"{folder}/sop-usulan", proposal.text)
            what = _("{id}: a new SOP proposed in this session (usulan): {title}", id=sop_id, title=title)
            pack.entries.append(Entry("sessions", group, what, f"{folder}/sop-usulan"))


def ev_title(ev: SessionEvidence, sop_id: str) -> str:
    """The title of ``sop_id`` as the session shows it.

    >>> ev_title(evidence, 'KPU-NTB-SOP-01')
    'Pelayanan Permohonan Informasi Publik'
    """
    return next((s.title for s in ev.sops if s.id == sop_id), "")


def pack_files(
    store: Store, *, as_of: date | None = None, today: date | None = None, language: str | None = None
) -> dict[str, bytes]:
    """Every file of the pack, by path (manifest included), read from one snapshot.

    ``language`` (default: the office profile's, else ``id``) is the language of
    every document; JSON and CSV files keep English identifiers.

    >>> 'index.html' in pack_files(store, as_of=date(2026, 4, 10))
    True
    """
    from soplib.outputs.from_store import document_language, office_profile
    from soplib.outputs.report_html import render_html
    from soplib.outputs.report_render import render_report

    report = audit_report(store, as_of=as_of, today=today)
    snap = store.snapshot(report.head) if report.head else store.snapshot()
    lang = document_language(snap, language)
    pack = Pack()
    office = office_profile(store, snapshot=snap)
    with use_language(lang):
        html = render_html(report, language=lang, office=office)
        pack.pdf("report/audit-report", html, report.on, keep_html=True)
        pack.add("report/audit-report.md", render_report(report, "md", language=lang))
        pack.add("report/audit-report.json", render_report(report, "json"))
        pack.add("report/register.csv", render_report(report, "csv"))
        report_group = ""
        pack.entries += [
            Entry("report", report_group, _("The audit report: register, sessions, grade, coverage"),
                  "report/audit-report"),
            Entry("report", report_group, _("The SOP register, one row per SOP"), "report/register"),
        ]  # fmt: skip
        _coverage(pack, report)
        _acknowledgements(pack, store, snap, report, lang)
        _briefings(pack, store, snap, report.on, lang)
        printer = _Printer(store, snap, lang)
        zone = office_zone(report.time_zone)
        for state in read_sessions(snap):
            started = state.header.started_at.astimezone(zone).date()
            if state.header.status != "abandoned" and started <= report.on:
                _session(pack, printer, state, evidence_of(store, snap, state, lang))
        for path, data in zip(pack.pdfs, render_pdfs(list(pack.pdfs.values())), strict=True):
            pack.files[path] = data
        pack.add("index.html", index_html(pack.entries, report, office, lang, set(pack.files)))
        pack.add("README.txt", readme(report, lang))
    files = pack.files
    digests = {path: hashlib.sha256(data).hexdigest() for path, data in sorted(files.items())}
    files["manifest.json"] = _json(
        {
            "store_head": report.head,
            "on": report.on.isoformat(),
            "as_of": report.as_of.to_json() if report.as_of else None,
            "language": lang,
            "files": [{"path": p, "sha256": d, "bytes": len(files[p])} for p, d in digests.items()],
        }
    )
    files["manifest.sha256"] = "".join(f"{d}  {p}\n" for p, d in digests.items()).encode()
    return files


def build_pack(
    store: Store, *, as_of: date | None = None, today: date | None = None, language: str | None = None
) -> bytes:
    """The evidence pack as the bytes of a deterministic zip (sorted entries, fixed times).

    >>> build_pack(store, as_of=date(2026, 4, 10))[:2]
    b'PK'
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for path, data in sorted(pack_files(store, as_of=as_of, today=today, language=language).items()):
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, data)
    return buf.getvalue()
