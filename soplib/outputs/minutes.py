"""A review session's minutes (*notula*) and evaluation worksheet (*kertas kerja evaluasi*).

The minutes (A4 portrait, the log as a landscape annex): the session, its
reference (the plenary's *berita acara* or a decree), the team with names,
positions and roles, the outcome of every SOP with its reason, who decided
and when, the approval, signatures; then every decision in the order it was
recorded, with the item's text before and after and the reason.

The worksheet (A4 landscape): one row per SOP, the seven criteria
(:data:`soplib.criteria.CRITERIA`) answered *Ya* / *Tidak*, the action taken
(the outcome) and the notes; the team signs below.

    >>> pdf = render_minutes(session_evidence(store, "R-20260310-0A1B"), "pdf")
    >>> html = render_worksheet(evidence, "html")
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime

from soplib.criteria import CRITERIA
from soplib.i18n import _, use_language
from soplib.labels import LABELS, label
from soplib.outputs.evidence_data import LogLine, Person, SessionEvidence, SopLine
from soplib.outputs.html import esc
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


def role_label(role: str) -> str:
    """A team role as people read it (``chair`` -> *ketua*); other roles as the session wrote them.

    >>> role_label('notulis')
    'notulis'
    """
    return label("team_role", role) if role in LABELS["team_role"] else role


def nip_of(p: Person) -> str:
    """The NIP of ``p`` when their staff id is one (digits only), else ``""``.

    >>> nip_of(Person('ani.pratiwi', 'Ani'))
    ''
    """
    return p.id if p.id.isdigit() else ""


def who(p: Person | None, frame: Frame, at: datetime | None = None) -> str:
    """Name (position) and, with ``at``, the day and time: HTML.

    >>> who(None, frame)
    '-'
    """
    if p is None:
        return "-"
    text = esc(p.label)
    if p.position:
        text += f'<br><span class="small">{esc(p.position)}</span>'
    if at is not None:
        text += f'<br><span class="small">{esc(day(at, frame))} {esc(clock_time(at, frame))}</span>'
    return text


def compact_keys(keys: Sequence[str]) -> str:
    """Item keys with runs of numbers joined: ``legal_basis/1-3, prosedur/1, prosedur/3-8``.

    >>> compact_keys(["title", "prosedur/1", "prosedur/3", "prosedur/4", "prosedur/5"])
    'title, prosedur/1, prosedur/3-5'
    """
    out: list[str] = []
    run: tuple[str, int, int] | None = None
    for key in keys:
        prefix, _sep, number = key.rpartition("/")
        if prefix and number.isdigit():
            n = int(number)
            if run is not None and run[0] == prefix and run[2] + 1 == n:
                run = (prefix, run[1], n)
                continue
            if run is not None:
                out.append(_run(run))
            run = (prefix, n, n)
            continue
        if run is not None:
            out.append(_run(run))
            run = None
        out.append(key)
    if run is not None:
        out.append(_run(run))
    return ", ".join(out)


def _run(run: tuple[str, int, int]) -> str:
    prefix, first, last = run
    return f"{prefix}/{first}" if first == last else f"{prefix}/{first}-{last}"


def _sop_cell(line: SopLine) -> str:
    version = _("{id} version {version}", id=line.id, version=line.version) if line.version else line.id
    if line.version is None:
        version += " · " + _("new SOP")
    return f'{esc(line.title)}<br><span class="small">{esc(version)}</span>'


def _outcome_cell(line: SopLine) -> str:
    if line.version is None:
        text = label("decision", "proposal")
    elif line.outcome is None:
        text = _("not decided")
    else:
        text = label("outcome", line.outcome)
    if line.new_version is not None and line.outcome != "withdraw":
        text += " · " + _("version {version} written", version=line.new_version)
    return esc(text)


def _items_cell(line: SopLine) -> str:
    c = line.counts
    if not any(c.values()):
        return "-"
    text = _(
        "kept {kept}, removed {removed}, replaced {replaced}, added {added}",
        kept=c.get("kept", 0), removed=c.get("removed", 0), replaced=c.get("replaced", 0),
        added=c.get("added", 0),
    )  # fmt: skip
    if line.kept:
        kept = _("kept as they are: {keys}", keys=compact_keys(line.kept))
        text = f'{esc(text)}<br><span class="small">{esc(kept)}</span>'
        return text
    return esc(text)


def _approval(ev: SessionEvidence) -> str:
    f = ev.frame
    closer = ev.closed_by.label if ev.closed_by else "-"
    if ev.status == "approved":
        text = _(
            "Approved by {name} on {date}; what it decided takes effect on {effective}.",
            name=closer, date=day(ev.closed_at, f), effective=day(ev.effective, f),
        )  # fmt: skip
    elif ev.status == "abandoned":
        text = _("Abandoned by {name} on {date}: {reason}", name=closer, date=day(ev.closed_at, f),
                 reason=ev.abandon_reason or "-")  # fmt: skip
    else:
        text = _("The session is still open: its decisions are not approved yet.")
    return note(text)


def _team(ev: SessionEvidence) -> str:
    columns = [
        Column(_("No."), 6, "n"), Column(_("Name"), 32), Column(_("NIP / ID"), 24), Column(_("Position"), 24),
        Column(_("Role"), 14),
    ]  # fmt: skip
    rows = [
        [
            str(n),
            esc(s.person.label),
            esc(s.person.id),
            esc(s.person.position or "-"),
            esc(role_label(s.role)),
        ]
        for n, s in enumerate(ev.team, 1)
    ]
    return grid(columns, rows, empty=_("no team recorded"))


def _outcomes(ev: SessionEvidence) -> str:
    columns = [
        Column(_("No."), 5, "n"), Column(_("SOP"), 27), Column(_("Outcome"), 14), Column(_("Reason"), 20),
        Column(_("Decided by"), 16), Column(_("Items"), 18),
    ]  # fmt: skip
    rows = [
        [str(n), _sop_cell(s), _outcome_cell(s), esc(s.reason or "-"),
         who(s.decided_by, ev.frame, s.decided_at), _items_cell(s)]
        for n, s in enumerate(ev.sops, 1)
    ]  # fmt: skip
    return grid(columns, rows, empty=_("no SOP in this session"))


def _decision_label(line: LogLine) -> str:
    if line.action == "outcome":
        return _("outcome: {outcome}", outcome=label("outcome", line.value))
    return label("decision", line.action)


def _later(line: LogLine) -> str:
    if line.later is None:
        return ""
    if line.action in ("add", "proposal"):
        text = _("taken back by #{seq}", seq=line.later)
    else:
        text = _("superseded by #{seq}", seq=line.later)
    return f'<br><span class="small">{esc(text)}</span>'


def listed(log: tuple[LogLine, ...]) -> list[LogLine]:
    """The log lines the minutes list one by one: all but plain *keep* decisions (those are counted per
    SOP), unless the item was decided more than once.

    >>> [x.action for x in listed(evidence.log)][:2]
    ['outcome', 'replace']
    """
    decided = Counter((x.sop, x.key) for x in log if x.action in ("keep", "remove", "replace"))
    return [x for x in log if x.action != "keep" or decided[(x.sop, x.key)] > 1]


def _log(ev: SessionEvidence) -> str:
    columns = [
        Column(_("#"), 4, "n"), Column(_("SOP"), 11), Column(_("Item"), 9), Column(_("Decision"), 10),
        Column(_("Text in the version reviewed"), 19), Column(_("New text"), 19), Column(_("Reason"), 14),
        Column(_("By"), 14),
    ]  # fmt: skip
    rows = [
        [str(x.seq), esc(x.sop), esc(x.key or "-"), esc(_decision_label(x)) + _later(x), esc(x.before or "-"),
         esc(x.after or "-"), esc(x.reason or "-"), who(x.by, ev.frame, x.at)]
        for x in listed(ev.log)
    ]  # fmt: skip
    return grid(columns, rows, empty=_("nothing was decided in this session yet"))


def _signers(ev: SessionEvidence, *, chair_only: bool = False) -> list[Signer]:
    out = []
    chair = ev.chair
    if chair is not None:
        out.append(Signer(_("Chair of the review team"), chair.person.label, chair.person.position,
                          nip_of(chair.person)))  # fmt: skip
    if not chair_only and ev.status == "approved" and ev.closed_by is not None:
        c = ev.closed_by
        out.insert(0, Signer(_("Approved by"), c.label, c.position, nip_of(c)))
    return out


def _header(ev: SessionEvidence, title: str) -> str:
    f = ev.frame
    started = _("{date} by {name}", date=day(ev.started_at, f), name=ev.started_by.label)
    rows = [
        (_("Session"), ev.id),
        (_("Title"), ev.title or "-"),
        (_("Reference (berita acara / decree)"), ev.ref),
        (_("Started"), started),
        (_("Status"), label("session_status", ev.status)),
    ]
    if ev.closed_at is not None and ev.closed_by is not None:
        rows.append((_("Closed"), _("{date} by {name}", date=day(ev.closed_at, f), name=ev.closed_by.label)))
    if ev.effective is not None:
        rows.append((_("Effective date"), day(ev.effective, f)))
    if f.office.time_zone:
        rows.append((_("Time zone"), f.office.time_zone))
    return heading(f) + title_block(title, ev.title) + info(rows)


def _created(ev: SessionEvidence) -> date:
    moment = ev.closed_at or ev.started_at
    return moment.astimezone(ev.frame.zone).date()


def minutes_html(ev: SessionEvidence) -> str:
    """The minutes of the session as one self-contained HTML page (A4 print CSS).

    >>> '<h1>Notula Rapat Evaluasi SOP</h1>' in minutes_html(evidence)
    True
    """
    with use_language(ev.frame.language):
        title = _("Minutes of the SOP review session")
        evaluated = sum(1 for s in ev.sops if s.evaluation is not None)
        worksheet = _(
            "The evaluation worksheet was filled in for {n} of {total} SOPs (kertas kerja evaluasi).",
            n=evaluated, total=len(ev.sops),
        )  # fmt: skip
        dated = day(ev.closed_at, ev.frame) if ev.closed_at else ""
        first = (
            _header(ev, title)
            + h2(_("Review team"))
            + _team(ev)
            + h2(_("Outcome per SOP"))
            + _outcomes(ev)
            + note(worksheet)
            + _approval(ev)
            + signatures(_signers(ev), place_date=dated)
        )
        annex_title = _("Annex: every decision in the order it was recorded")
        explained = _(
            "Items kept as they are are counted per SOP above; # is the entry in the session's log."
        )
        annex = h2(annex_title) + small(explained) + _log(ev)
        footer = _("Minutes of review session {id}", id=ev.id)
        return document(
            ev.frame, title=f"{title} {ev.id}", footer=footer,
            sheets=[Sheet(first), Sheet(annex, "landscape")],
        )  # fmt: skip


def _answer(line: SopLine, criterion: str) -> str:
    if line.evaluation is None or criterion not in line.evaluation.answers:
        return "-"
    return esc(_("Yes") if line.evaluation.answers[criterion] else _("No"))


def _notes(line: SopLine, frame: Frame) -> str:
    parts = []
    ev = line.evaluation
    if ev is not None:
        for key, note in ev.notes.items():
            name = label("criterion", key) if key in CRITERIA else ""
            parts.append(esc(f"{name}: {note}" if name else note))
    if line.reason:
        parts.append(esc(_("Reason for the outcome: {reason}", reason=line.reason)))
    if ev is not None:
        by = _("assessed by {name}, {date}", name=ev.by.label, date=day(ev.at, frame))
        parts.append(f'<span class="small">{esc(by)}</span>')
    return "<br>".join(parts) or "-"


def worksheet_html(ev: SessionEvidence) -> str:
    """The evaluation worksheet of the session as one self-contained HTML page (A4 landscape).

    >>> 'Penilaian terhadap Aspek' in worksheet_html(evidence)
    True
    """
    with use_language(ev.frame.language):
        title = _("SOP evaluation worksheet")
        columns = [
            Column(_("No."), 3, "n"), Column(_("SOP"), 15),
            *(Column(f"{n}. {label('criterion', c)}", 8, "c") for n, c in enumerate(CRITERIA, 1)),
            Column(_("Action taken"), 8, "c"), Column(_("Notes"), 18),
        ]  # fmt: skip
        # The SOPs reviewed, and a new SOP only if it was assessed too.
        assessed = [s for s in ev.sops if s.version is not None or s.evaluation is not None]
        rows = [
            [str(n), _sop_cell(s), *(_answer(s, c) for c in CRITERIA), _outcome_cell(s), _notes(s, ev.frame)]
            for n, s in enumerate(assessed, 1)
        ]
        groups = [("", 2), (_("Assessment of the SOP"), len(CRITERIA)), ("", 2)]
        legend = _("Yes: the SOP meets the criterion; No: it does not; -: not assessed.")
        team = grid(
            [Column(_("No."), 5, "n"), Column(_("Name"), 30), Column(_("Position"), 28),
             Column(_("Role"), 15), Column(_("Signature"), 22, "sign")],
            [[str(n), esc(s.person.label), esc(s.person.position or "-"), esc(role_label(s.role)),
              f'<span class="{"even" if n % 2 == 0 else "odd"}">{n}.</span>']
             for n, s in enumerate(ev.team, 1)],
        )  # fmt: skip
        body = (
            _header(ev, title)
            + grid(columns, rows, groups=groups, empty=_("no SOP in this session"), dense=True)
            + small(legend)
            + h2(_("Review team"))
            + team
        )
        footer = _("Evaluation worksheet of review session {id}", id=ev.id)
        return document(ev.frame, title=f"{title} {ev.id}", footer=footer, sheets=[Sheet(body, "landscape")])


def render_minutes(ev: SessionEvidence, fmt: DocFormat = "pdf") -> bytes:
    """The minutes as PDF (dated the day the session closed, else started) or HTML bytes.

    >>> render_minutes(evidence)[:5]
    b'%PDF-'
    """
    return render(minutes_html(ev), fmt, created=_created(ev))


def render_worksheet(ev: SessionEvidence, fmt: DocFormat = "pdf") -> bytes:
    """The evaluation worksheet as PDF or HTML bytes.

    >>> render_worksheet(evidence, 'html')[:15]
    b'<!DOCTYPE html>'
    """
    return render(worksheet_html(ev), fmt, created=_created(ev))
