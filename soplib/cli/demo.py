"""``sop demo``: a realistic store built from the SOPs that ship with soplib.

It walks through every capability soplib has, on the data of a provincial
election commission (KPU Provinsi NTB, in WITA), printing what it does as it
goes. Each part is one function below; a new capability adds its part to
``STEPS``.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import click

from soplib.cli.demo_audit import step_audit, step_evidence
from soplib.cli.demo_sync import step_sync
from soplib.cli.demo_word import step_word
from soplib.cli.main import SopCommand
from soplib.cli.output import console, table
from soplib.i18n import N_, _
from soplib.labels import label

# The office's people (demo_data/staff.csv): who does what in the demo.
SECRETARY = "197605142002121003"  # Mars Ansori Wijaya, Sekretaris: admin and approver
CHAIR = "198107232008011004"  # Baiq Rahmawati, Analis Kebijakan: document controller, chairs the review
MEMBER = "198202112007011006"  # Hj. Rosmiati, Kepala Subbagian: review team
DRIVER = "198812052014031003"  # Ahmad Fauzi, Pengadministrasi Umum: holds no role
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
    '<circle cx="32" cy="32" r="30" fill="#b91c1c"/><text x="32" y="40" font-size="20" text-anchor="middle" '
    'fill="#fff" font-family="sans-serif">KPU</text></svg>'
)


def _heading(text: str) -> None:
    console().rule(f"[bold]{text}")


def step_foundation(store_path: Path) -> None:
    from soplib import Store, load
    from soplib.demo_data import sop_files, staff_csv

    _heading(_("1. The office, its people and their roles; SOPs as versioned Markdown in git"))
    store = Store.init(
        store_path, language="id", time_zone="Asia/Makassar",
        office_name="Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat",
    )  # fmt: skip
    with store:
        store.staff.import_csv(staff_csv(), by=SECRETARY)
        store.grants.grant("admin", SECRETARY, by=SECRETARY)
        store.grants.grant("approver", SECRETARY, by=SECRETARY)
        store.grants.grant("controller", CHAIR, by=SECRETARY)
        store.office.set(
            address="Jl. Langko No. 74, Mataram, Nusa Tenggara Barat", logo=LOGO.encode(), by=SECRETARY
        )
        profile = store.office.get()
        click.echo(
            _(
                "office: {name}; time zone {zone} ({label}); documents in {lang}",
                name=profile.name,
                zone=profile.time_zone,
                label=profile.zone_label,
                lang=profile.language,
            )
        )
        table(
            _("Roles"),
            [_("role"), _("who"), _("units")],
            [
                [g.role, store.staff.get(g.staff).name, ", ".join(g.units) or _("all")]
                for g in store.grants.list()
            ],
        )
        added = store.sops.add([load(p) for p in sop_files()], by=CHAIR, message="SOP awal KPU Provinsi NTB")
        click.echo(_("added {n} SOPs in one commit to {path}", n=len(added), path=store_path))
        rows = store.sops.list()
        table(
            _("SOP register"),
            [_("id"), _("title"), _("version"), _("effective")],
            [[r.id, r.title, r.version, r.effective.isoformat()] for r in rows],
        )
        v1 = store.sops.get("KPU-NTB-SOP-04")
        first = v1.document.body_items[0]
        click.echo(
            _(
                "KPU-NTB-SOP-04 has {n} reviewable items; the first step is {key}: {text}",
                n=len(v1.document.items),
                key=first.key,
                text=first.text,
            )
        )
        text = v1.text.replace(
            "2. Pengelola BMN memeriksa ketersediaan barang.",
            "2. Pengelola BMN memeriksa ketersediaan dan kondisi barang.",
        )
        try:
            store.sops.update(text, base=v1.version, by=DRIVER, message="tanpa peran")
        except Exception as exc:
            click.echo(_("refused: {reason}", reason=exc))
        v2 = store.sops.update(
            text, base=v1.version, by=CHAIR, message="Pemeriksaan kondisi barang ditambahkan"
        )
        click.echo(
            _(
                "saved {id} v{version} directly (the controller's role); its history:",
                id=v2.id,
                version=v2.version,
            )
        )
        from soplib.clock import office_zone

        zone = office_zone(profile.time_zone)  # stored in UTC, shown in the office's time (WITA)
        for v in store.sops.history("KPU-NTB-SOP-04"):
            action = label("action", v.action)
            when = f"{v.created.astimezone(zone):%Y-%m-%d %H:%M} {profile.zone_label}"
            click.echo(f"  v{v.version}  {when}  {v.by}  {action}  {v.message}")
        try:
            store.sops.update(text, base=1, by=CHAIR, message="dari versi lama")
        except Exception as exc:
            click.echo(_("an edit of the old text is refused: {reason}", reason=exc))


def step_review(store_path: Path) -> None:
    from soplib import CRITERIA, Store, parse, redline_text

    _heading(_("2. A review session: keep, remove, replace, add; evaluate; a refused and a valid approval"))
    with Store.open(store_path) as store:
        session = store.reviews.start(
            ["KPU-NTB-SOP-01", "KPU-NTB-SOP-02", "KPU-NTB-SOP-03"],
            team={CHAIR: "chair", MEMBER: "member"},
            ref="Berita Acara Pleno Nomor 45/PL.01-BA/18/2026",
            title="Evaluasi SOP semester II 2026",
            by=CHAIR,
        )
        click.echo(_("started {id} over {sops}", id=session.id, sops=", ".join(session.header().pinned)))
        sop = "KPU-NTB-SOP-01"
        session.outcome(sop, "revise", by=CHAIR, reason="langkah disposisi tidak lagi diperlukan")
        session.remove(sop, "prosedur/4", by=MEMBER, reason="disposisi dilakukan melalui e-PPID")
        session.replace(
            sop, "prosedur/2", by=MEMBER, reason="formulir juga harus diperiksa",
            text="Petugas meja layanan memeriksa kelengkapan identitas pemohon dan formulir permohonan.",
        )  # fmt: skip
        session.add(
            sop, after="prosedur/8", by=CHAIR, reason="belum ada langkah pengarsipan",
            text="Petugas mengarsipkan berkas permohonan dan jawaban dalam arsip layanan informasi.",
        )  # fmt: skip
        session.replace(
            sop,
            "equipment/3",
            text="Register permohonan elektronik",
            by=MEMBER,
            reason="buku register diganti aplikasi",
        )
        session.keep_rest(sop, by=CHAIR)
        # A table row by its cells: the manual agenda book gave way to SRIKANDI.
        session.outcome("KPU-NTB-SOP-02", "revise", by=CHAIR)
        session.replace(
            "KPU-NTB-SOP-02", "prosedur/2", by=MEMBER, reason="buku agenda manual tidak dipakai lagi",
            cells={"Kegiatan": "Mencatat surat dalam agenda SRIKANDI", "Output": "Agenda SRIKANDI"},
        )  # fmt: skip
        session.keep_rest("KPU-NTB-SOP-02", by=MEMBER)
        session.outcome("KPU-NTB-SOP-03", "keep", by=MEMBER, reason="masih layak")
        answers = dict.fromkeys(CRITERIA, True) | {"easy_to_carry_out": False}
        session.evaluate(
            sop, answers=answers, notes={"easy_to_carry_out": "disposisi manual memperlambat"}, by=CHAIR
        )
        session.propose(
            parse(
                "---\nid: KPU-NTB-SOP-05\ntitle: Pengelolaan Arsip Inaktif\n"
                "unit: Subbagian Keuangan, Umum dan Logistik\n---\n# Prosedur\n\n"
                "1. Arsiparis menerima arsip inaktif dari unit kerja beserta daftar arsip.\n"
                "2. Arsiparis memeriksa daftar arsip dan menyimpan arsip di ruang arsip.\n"
            ),
            by=MEMBER,
            reason="belum ada SOP pengelolaan arsip inaktif",
        )
        rows = session.status()
        table(
            _("Status of {id}", id=session.id),
            [_("sop"), _("outcome"), _("decided"), _("undecided")],
            [[r.sop, r.outcome or ("new" if r.proposed else "-"), r.decided, len(r.undecided)] for r in rows],
        )
        click.echo(redline_text([*session.diff(sop), *session.diff("KPU-NTB-SOP-02")]), nl=False)
        try:
            session.approve(by=DRIVER, effective=date(2026, 12, 1))
        except Exception as exc:
            click.echo(_("approval by {who} refused: {reason}", who=DRIVER, reason=exc))
        result = session.approve(by=SECRETARY, effective=date(2026, 12, 1))
        click.echo(
            _("approved in one commit {commit}: new versions {versions}; kept {kept}",
              commit=(result.commit or "")[:10],
              versions=", ".join(f"{k} v{v}" for k, v in result.versions.items()),
              kept=", ".join(result.kept) or "-")
        )  # fmt: skip
        approver = store.sops.get(sop).approver
        if approver is not None:
            click.echo(
                _(
                    "frozen in the record: disahkan oleh {position}, {name}, NIP {nip}",
                    position=approver.position,
                    name=approver.name,
                    nip=approver.id,
                )
            )


def step_internalisation(store_path: Path) -> None:
    from soplib import Store
    from soplib.cli.ack import print_coverage
    from soplib.demo_data import attendance_csv, staff_csv
    from soplib.people.staff import parse_staff_csv

    _heading(_("3. Internalisation: briefings, acknowledgements, coverage"))
    with Store.open(store_path) as store:
        briefing = store.briefings.create(
            title="Sosialisasi SOP pelayanan informasi, persuratan dan data pemilih",
            day=date(2026, 12, 3),
            sops=["KPU-NTB-SOP-01", "KPU-NTB-SOP-02", "KPU-NTB-SOP-03"],
            by=CHAIR,
        )
        present = [p.id for p in parse_staff_csv(staff_csv()) if "Lombok Barat" not in p.unit][:14]
        attended = store.briefings.attend(briefing.id, present, by=CHAIR)
        click.echo(
            _("briefing {id}: {n} attended, {acks} acknowledgements in one commit, {skipped} skipped "
              "(SOP not for them)",
              id=briefing.id, n=len(attended.new_attendees), acks=len(attended.records),
              skipped=sum(1 for s in attended.skipped if s.reason == "outside audience"))
        )  # fmt: skip
        table(
            _("Attendance list {id} (first 5 of {n})", id=briefing.id, n=len(attended.briefing.attendees)),
            [_("name"), _("NIP / id"), _("position"), _("SOPs")],
            [[a.name, a.id, a.position, ", ".join(a.sops)] for a in attended.briefing.attendees[:5]],
        )
        second = store.briefings.create(
            title="Sosialisasi SOP BMN", day=date(2026, 12, 4), sops=["KPU-NTB-SOP-04"], by=CHAIR
        )
        store.briefings.attend(second.id, attendance_csv(), by=CHAIR)
        outcome = store.acks.record("199609142023211001", "KPU-NTB-SOP-03", by=CHAIR)
        click.echo(
            _(
                "{name} acknowledged KPU-NTB-SOP-03 v{version} after reading it",
                name=outcome.staff.name,
                version=outcome.version,
            )
        )
        current = store.sops.get("KPU-NTB-SOP-03")
        text = current.text.replace("di laman KPU.", "di laman resmi KPU.")
        v = store.sops.update(
            text, base=current.version, by=CHAIR, message="Perbaikan redaksi", editorial="perbaikan penulisan"
        )
        click.echo(
            _(
                "KPU-NTB-SOP-03 v{version} is an editorial change: acknowledgements of v1 carry over",
                version=v.version,
            )
        )
        print_coverage(store.acks.coverage(), every_name=False)
        report = store.acks.pending("199012302017031011")
        click.echo(
            _(
                "{name} still has to acknowledge: {sops}",
                name=report.staff.name,
                sops=", ".join(p.id for p in report.pending),
            )
        )


def _acknowledge_until_killed(store_path: Path, log_fd: int, seed: int) -> None:
    """A forked writer: acknowledges, one flushed line per success, until it is killed."""
    import random

    from soplib import Store
    from soplib.demo_data import staff_csv
    from soplib.people.staff import parse_staff_csv

    pairs = [(p.id, s) for p in parse_staff_csv(staff_csv()) for s in ("KPU-NTB-SOP-01", "KPU-NTB-SOP-04")]
    random.Random(seed).shuffle(pairs)  # noqa: S311 (an order, not a secret)
    with Store.open(store_path) as store:
        for staff, sop_id in pairs:
            outcome = store.acks.record(staff, sop_id, by=CHAIR)
            if outcome.created:
                os.write(log_fd, f"{outcome.record.seq} {outcome.record.hash}\n".encode())
    time.sleep(60)  # nothing left to do: wait for the kill


def step_reliability(store_path: Path) -> None:
    """kill -9 a writer at random moments: what it reported is kept, and nothing is left behind."""
    import random

    from soplib import Store
    from soplib.audit.ackchain import verify_chain

    _heading(_("4. Reliability: a writer killed with kill -9, ten times"))
    rng = random.Random(6)  # noqa: S311 (kill delays, not a secret)
    read_end, write_end = os.pipe()
    for n in range(10):
        pid = os.fork()
        if pid == 0:  # the child never returns into the demo
            try:
                os.close(read_end)
                _acknowledge_until_killed(store_path, write_end, n)
            finally:
                os._exit(1)
        time.sleep(rng.uniform(0.02, 0.08))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(write_end)
    with os.fdopen(read_end) as reported_lines:
        reported = [line.split() for line in reported_lines]
    with Store.open(store_path) as store:  # opening clears what a killed writer left
        kept = {(str(r.seq), r.hash) for r in store.acks.iter()}
        lost = [r for r in reported if tuple(r) not in kept]
        left = [*store.path.glob("objects/*/tmp_obj_*"), *store.path.glob("refs/**/*.lock")]
        chain = verify_chain(store.snapshot())
        click.echo(
            _("{n} acknowledgements reported by the killed writers: {lost} lost; {stray} stray files; "
              "hash chain intact: {ok} (docs/reliability.md)",
              n=len(reported), lost=len(lost), stray=len(left), ok=chain.is_intact)
        )  # fmt: skip


# step_sync runs the store through two clones and back; step_audit stays last: it anchors
# and verifies everything the steps before it wrote.
STEPS: list[Callable[[Path], None]] = [
    step_foundation,
    step_review,
    step_internalisation,
    step_word,
    step_reliability,
    step_sync,
    step_evidence,
    step_audit,
]


@click.command(cls=SopCommand)
@click.option(
    "--dir", "directory", type=click.Path(path_type=Path, file_okay=False),
    help=N_("Where to build the demo store (a new folder). Default: a new temporary folder."),
)  # fmt: skip
def demo(directory: Path | None) -> None:
    """Build a demo store from realistic Indonesian SOPs and show what soplib does."""
    from soplib.errors import InvalidInputError

    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="sop-demo-")) / "sop-store"
    elif directory.exists() and any(directory.iterdir()):
        raise InvalidInputError("{path} is not empty; give a new folder to --dir", path=directory)
    for step in STEPS:
        step(directory)
    console().rule()
    click.echo(_("The demo store is at {path}; explore it with:", path=directory))
    click.echo(f"  sop --store {directory} list")
    click.echo(f"  git -C {directory} log --oneline")


COMMANDS = [demo]
