"""The optional `declared` front-matter block: history an SOP had before soplib (docs/format.md)."""

from __future__ import annotations

from datetime import date

import pytest

from soplib import SopFormatError, parse
from soplib.documents.model import Declared, Ratifier


def doc(*front: str) -> str:
    return "\n".join(
        ["---", "id: KPU-01", "title: Judul", *front, "---", "# Prosedur", "", "1. Langkah.", ""]
    )


def error(text: str) -> SopFormatError:
    with pytest.raises(SopFormatError) as info:
        parse(text, source="x.md")
    return info.value


def test_full_block_is_read_into_dates_and_a_ratifier() -> None:
    d = parse(
        doc(
            "declared:",
            "  made: 2019-03-01",
            "  revised: [2021-05-10, 2023-01-15]",
            "  revision: 2",
            "  effective: 2023-02-01",
            "  ratified_by:",
            "    name: Drs. H. Lalu Ahmad, M.Si.",
            '    nip: "196805121994031007"',
            "    position: Sekretaris KPU Provinsi Nusa Tenggara Barat",
        )
    ).front.declared
    assert d == Declared(
        made=date(2019, 3, 1),
        revised=(date(2021, 5, 10), date(2023, 1, 15)),
        revision=2,
        effective=date(2023, 2, 1),
        ratified_by=Ratifier(
            name="Drs. H. Lalu Ahmad, M.Si.",
            nip="196805121994031007",
            position="Sekretaris KPU Provinsi Nusa Tenggara Barat",
        ),
    )
    assert d.revision_number == 2


def test_absent_block_is_none_and_every_key_is_optional() -> None:
    assert parse(doc()).front.declared is None
    d = parse(doc("declared: {}")).front.declared
    assert d == Declared() and d.revised == () and d.ratified_by is None


def test_a_single_revised_date_is_a_list_of_one_and_counts_as_the_revision() -> None:
    d = parse(doc("declared:", "  revised: 2023-01-15")).front.declared
    assert d is not None and d.revised == (date(2023, 1, 15),) and d.revision is None
    assert d.revision_number == 1


def test_an_unquoted_nip_stays_a_string_with_every_digit() -> None:
    d = parse(
        doc("declared:", "  ratified_by:", "    name: Ani", "    nip: 196805121994031007")
    ).front.declared
    assert d is not None and d.ratified_by is not None and d.ratified_by.nip == "196805121994031007"


def test_the_front_matter_json_has_declared_only_when_set() -> None:
    # the metadata stored beside every SOP without a declared history is unchanged
    assert "declared" not in parse(doc()).front.to_json()


def test_the_front_matter_json_carries_the_dates_as_iso_text() -> None:
    front = parse(doc("declared:", "  made: 2019-03-01", "  ratified_by: {name: Ani}")).front.to_json()
    assert front["declared"]["made"] == "2019-03-01"
    assert front["declared"]["ratified_by"] == {"name": "Ani", "nip": None, "position": None}


@pytest.mark.parametrize(
    ("lines", "line", "words"),
    [
        (
            ("declared:", "  mad: 2019-03-01"),
            5,
            "unknown front-matter key 'declared.mad' (did you mean 'made'?)",
        ),
        (("declared:", "  ratified_by:", "    nama: Ani"), 6, "did you mean 'name'?"),
        (
            ("declared:", "  revision: 1000"),
            5,
            "'declared.revision': Input should be less than or equal to 999",
        ),
        (("declared:", "  revision: -1"), 5, "greater than or equal to 0"),
        (
            ("declared:", "  made: 2019-13-01"),
            5,
            "not a real date, as YYYY-MM-DD (month value is outside expected range of 1-12)",
        ),
        (("declared:", "  effective: kemarin"), 5, "'declared.effective'"),
        (("declared:", "  ratified_by: {nip: '1'}"), 5, "'declared.ratified_by.name'"),
        (("declared: 2019-03-01",), 4, "'declared'"),
    ],
)
def test_a_bad_declared_value_is_one_message_with_the_line(
    lines: tuple[str, ...], line: int, words: str
) -> None:
    err = error(doc(*lines))
    assert words in str(err), str(err)
    assert err.line == line and str(err).startswith(f"x.md:{line}: ")
