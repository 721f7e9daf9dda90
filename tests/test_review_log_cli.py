"""`sop review log` as a table: entries without an action (an addition) show an empty action cell."""

from __future__ import annotations

from conftest import ACTOR, CliRun

from soplib import Store


def test_an_added_step_has_an_empty_action_cell_not_the_catalogue_header(
    demo_store: Store, cli: CliRun
) -> None:
    # gettext("") returns a catalogue's header ("Project-Id-Version: ..."): the log once printed it.
    session = demo_store.reviews.start(["KPU-NTB-SOP-04"], team={ACTOR: "chair"}, ref="BA 1/2026", by=ACTOR)
    session.outcome("KPU-NTB-SOP-04", "revise", by=ACTOR)
    session.add(
        "KPU-NTB-SOP-04", after="prosedur/4", text="Peminjam mengembalikan barang.", reason="x", by=ACTOR
    )
    for lang, added in (("en", "add"), ("id", "penambahan")):  # the entry's type, translated
        result = cli("--lang", lang, "review", "log", session.id)
        assert result.exit_code == 0, result.output
        rows = [line.split("\t") for line in result.output.splitlines()]
        assert "Project-Id-Version" not in result.output
        add = next(row for row in rows if row[3] == added)
        assert add[5:] == ["prosedur/4", "", "x"], add
