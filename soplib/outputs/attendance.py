"""A briefing's attendance list (*daftar hadir*) and SOP versions' acknowledgement lists, on A4 paper.

The attendance list is ready to print and sign: No, name, NIP, position,
unit and a signature column numbered left and right in turn, as the forms
offices use are; under it, what the store recorded (who was present, when,
by whom). A briefing with nobody recorded yet prints the people expected, a
blank list to be signed on the day.

The acknowledgement list of an SOP version names everyone whose record
counts for it, how (at a briefing, or individually) and when, then who in its
audience has not acknowledged it yet.

    >>> pdf = render_attendance(briefing_evidence(store, "B-20260203-0A1B"), "pdf")
    >>> pdf = render_ack_lists(ack_lists(store, ["KPU-NTB-SOP-01"]), "pdf")
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from soplib.i18n import _, ngettext, use_language
from soplib.outputs.html import esc
from soplib.outputs.minutes import nip_of
from soplib.outputs.people_data import AckLine, AckList, AckLists, BriefingEvidence
from soplib.outputs.sheet import (
    Column,
    DocFormat,
    Frame,
    Sheet,
    Signer,
    clock_time,
    day,
    document,
    grid,
    h2,
    heading,
    info,
    note,
    render,
    signatures,
    small,
    title_block,
)


def weekday_date(value: date, frame: Frame) -> str:
    """``Selasa, 3 Februari 2026``: the day as an attendance list names it.

    >>> weekday_date(date(2026, 12, 3), frame)
    'Kamis, 3 Desember 2026'
    """
    from babel.dates import format_date

    return format_date(value, format="EEEE, d MMMM y", locale=frame.language)


def _signature(n: int) -> str:
    # Numbered left and right in turn, so neighbours do not sign over each other.
    return f'<span class="{"even" if n % 2 == 0 else "odd"}">{n}.</span>'


def _recorded(ev: BriefingEvidence) -> str:
    if ev.expected:
        return note(
            _(
                "Nobody's attendance is recorded yet: the people expected (everyone an SOP presented applies "
                "to) are listed, to sign on the day."
            )
        )
    batches = Counter(
        (day(p.recorded_at, ev.frame), p.recorded_by.label if p.recorded_by else "-")
        for p in ev.people
        if p.recorded_at is not None
    )
    lines = [
        ngettext(
            "Recorded in the store: {n} person present, recorded on {date} by {name}.",
            "Recorded in the store: {n} people present, recorded on {date} by {name}.",
            count,
            date=when,
            name=by,
        )
        for (when, by), count in sorted(batches.items())
    ]
    lines.append(
        _(
            "Each person present acknowledged the SOPs presented that apply to them; which ones is in the "
            "attendance list's CSV."
        )
    )
    return "".join(note(line) for line in lines)


def attendance_html(ev: BriefingEvidence) -> str:
    """The attendance list as one self-contained HTML page (A4 portrait).

    >>> '<th>Tanda tangan</th>' in attendance_html(briefing_evidence(store, 'B-20260203-0A1B'))
    True
    """
    with use_language(ev.frame.language):
        title = _("Attendance list")
        presented = "; ".join(
            _("{id} version {version}: {title}", id=s.id, version=s.version, title=s.title) for s in ev.sops
        )
        rows = [
            (_("Day, date"), weekday_date(ev.day, ev.frame)),
            (_("Briefing"), ev.id),
            (_("SOPs presented"), presented),
            (_("Organised by"), ev.organiser.label),
        ]
        columns = [
            Column(_("No."), 5, "n"), Column(_("Name"), 22), Column(_("NIP / ID"), 21),
            Column(_("Position"), 16), Column(_("Unit"), 17), Column(_("Signature"), 19, "sign"),
        ]  # fmt: skip
        table = grid(
            columns,
            [
                [
                    str(n),
                    esc(p.person.label),
                    esc(p.person.id),
                    esc(p.person.position or "-"),
                    esc(p.person.unit or "-"),
                    _signature(n),
                ]
                for n, p in enumerate(ev.people, 1)
            ],
            empty=_("nobody to list: no active staff member is in the audience of the SOPs presented"),
        )
        o = ev.organiser
        body = (
            heading(ev.frame)
            + title_block(title, ev.title)
            + info(rows)
            + table
            + _recorded(ev)
            + signatures(
                [Signer(_("Organiser"), o.label, o.position, nip_of(o))], place_date=day(ev.day, ev.frame)
            )
        )
        footer = _("Attendance list of briefing {id}", id=ev.id)
        return document(ev.frame, title=f"{title} {ev.id}", footer=footer, sheets=[Sheet(body)])


def render_attendance(ev: BriefingEvidence, fmt: DocFormat = "pdf") -> bytes:
    """The attendance list as PDF (dated the briefing's day) or HTML bytes.

    >>> render_attendance(briefing_evidence(store, 'B-20260203-0A1B'))[:5]
    b'%PDF-'
    """
    return render(attendance_html(ev), fmt, created=ev.day)


# -- acknowledgement lists -----------------------------------------------------------------------


def _how(line: AckLine) -> str:
    if line.how.startswith("B-"):
        text = esc(_("briefing {id}", id=line.how))
        if line.briefing:
            text += f'<br><span class="small">{esc(line.briefing)}</span>'
        return text
    return esc(_("individually"))


def _who(line: AckLine, version: int) -> str:
    text = esc(line.person.label)
    notes = []
    if line.version != version:
        notes.append(_("record of version {version}, carried over", version=line.version))
    if not line.active:
        notes.append(_("no longer active"))
    if notes:
        text += f'<br><span class="small">{esc("; ".join(notes))}</span>'
    return text


def _lines_table(lines: tuple[AckLine, ...], version: int, frame: Frame, empty: str) -> str:
    columns = [
        Column(_("No."), 5, "n"), Column(_("Name"), 24), Column(_("NIP / ID"), 21), Column(_("Unit"), 19),
        Column(_("How"), 17), Column(_("When"), 14),
    ]  # fmt: skip
    rows = [
        [str(n), _who(x, version), esc(x.person.id), esc(x.person.unit or "-"), _how(x),
         esc(day(x.at, frame)) + f'<br><span class="small">{esc(clock_time(x.at, frame))}</span>']
        for n, x in enumerate(lines, 1)
    ]  # fmt: skip
    return grid(columns, rows, empty=empty)


def _briefing_summary(ack: AckList) -> str:
    counts = Counter((x.how, x.briefing) for x in ack.lines if x.how.startswith("B-"))
    if not counts:
        return ""
    columns = [Column(_("Briefing"), 22), Column(_("Title and day"), 50), Column(_("People"), 28, "c")]
    rows = [[esc(b), esc(name or "-"), str(n)] for (b, name), n in sorted(counts.items())]
    explained = _("Through briefings: the people are named on each briefing's attendance list.")
    return small(explained) + grid(columns, rows)


def _section(ack: AckList, frame: Frame, *, briefing_summary: bool, outstanding: bool) -> str:
    head = h2(_("{id} version {version}: {title}", id=ack.sop, version=ack.version, title=ack.title))
    facts = [(_("Effective date"), day(ack.effective, frame))]
    if ack.chain:
        carried = "; ".join(
            _("version {source} counts for version {target} ({reason})", source=c.source, target=c.target,
              reason=c.reason)
            for c in ack.chain
        )  # fmt: skip
        facts.append((_("Records carried over"), carried))
    if ack.audience is not None:
        share = (
            f"{100 * (ack.audience - len(ack.outstanding or ())) / ack.audience:.1f}%"
            if ack.audience
            else "-"
        )
        facts.append(
            (_("Acknowledged"), _("{done} of {audience} people in its audience ({share})",
                                  done=ack.audience - len(ack.outstanding or ()), audience=ack.audience,
                                  share=share))
        )  # fmt: skip
    shown = ack.individual if briefing_summary else ack.lines
    parts = [head, info(facts)]
    if briefing_summary:
        parts.append(_briefing_summary(ack))
        parts.append(small(_("Acknowledged individually:")))
    parts.append(_lines_table(shown, ack.version, frame, _("nobody yet")))
    if ack.outstanding and outstanding:
        parts.append(small(_("Not acknowledged yet ({n}):", n=len(ack.outstanding))))
        columns = [Column(_("No."), 5, "n"), Column(_("Name"), 32), Column(_("NIP / ID"), 23),
                   Column(_("Unit"), 22), Column(_("Position"), 18)]  # fmt: skip
        parts.append(
            grid(columns, [[str(n), esc(p.label), esc(p.id), esc(p.unit or "-"), esc(p.position or "-")]
                           for n, p in enumerate(ack.outstanding, 1)])
        )  # fmt: skip
    return "".join(parts)


def ack_lists_html(lists: AckLists, *, briefing_summary: bool = False, outstanding: bool = True) -> str:
    """The lists as one self-contained HTML page (A4 portrait).

    ``briefing_summary``: acknowledgements made at a briefing are counted per
    briefing (its attendance list names the people), individual ones named;
    otherwise everyone is named. ``outstanding``: name who has not acknowledged
    the version in force yet (the evidence pack leaves that to the audit report,
    which lists it once per person).

    >>> 'perorangan' in ack_lists_html(ack_lists(store, ['KPU-NTB-SOP-01']))
    True
    """
    frame = lists.frame
    with use_language(frame.language):
        title = _("Acknowledgements of SOPs")
        if len(lists.lists) == 1:
            a = lists.lists[0]
            subtitle = _("{id} version {version}: {title}", id=a.sop, version=a.version, title=a.title)
        else:
            subtitle = ngettext("{n} SOP version", "{n} SOP versions", len(lists.lists))
        statement = _("Each person listed has stated: I have read and understood this SOP.")
        body = heading(frame) + title_block(title, subtitle) + note(statement)
        if lists.on is not None:
            body += note(_("As recorded at the end of {date}.", date=day(lists.on, frame)))
        if not lists.lists:
            body += note(_("no SOP in force"))
        body += "".join(
            _section(a, frame, briefing_summary=briefing_summary, outstanding=outstanding)
            for a in lists.lists
        )
        if len(lists.lists) == 1:
            a = lists.lists[0]
            footer = _("Acknowledgements of {id} version {version}", id=a.sop, version=a.version)
        else:
            footer = title
        return document(frame, title=title, footer=footer, sheets=[Sheet(body)])


def render_ack_lists(lists: AckLists, fmt: DocFormat = "pdf", *, briefing_summary: bool = False) -> bytes:
    """The acknowledgement lists as PDF or HTML bytes (the PDF dated the last record, or ``lists.on``).

    >>> render_ack_lists(ack_lists(store, ['KPU-NTB-SOP-01']), 'html')[:15]
    b'<!DOCTYPE html>'
    """
    last = max((x.at for a in lists.lists for x in a.lines), default=None)
    created = lists.on or (last.astimezone(lists.frame.zone).date() if last else None)
    return render(ack_lists_html(lists, briefing_summary=briefing_summary), fmt, created=created)


ACK_CSV_COLUMNS = (
    "sop", "version", "record_version", "id", "name", "unit", "position", "how", "briefing", "date", "seq",
)  # fmt: skip


def ack_csv(lists: AckLists) -> bytes:
    """Every acknowledgement of the lists, one row each (:data:`ACK_CSV_COLUMNS`; ``how``: briefing or
    individual; ``date``: the office's day), formula-safe.

    >>> ack_csv(ack_lists(store, ['KPU-NTB-SOP-01'])).splitlines()[0][:20]
    b'sop,version,record_v'
    """
    from soplib.files import csv_bytes

    zone = lists.frame.zone
    rows = [
        [a.sop, a.version, x.version, x.person.id, x.person.name, x.person.unit, x.person.position,
         "briefing" if x.how.startswith("B-") else "individual", x.how if x.how.startswith("B-") else "",
         x.at.astimezone(zone).date().isoformat(), x.seq]
        for a in lists.lists
        for x in a.lines
    ]  # fmt: skip
    return csv_bytes(ACK_CSV_COLUMNS, rows)
