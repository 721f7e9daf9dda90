"""The staff registry: CSV import (all or nothing), listing, deactivation."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import ACTOR, ANI, BUDI, CITRA, DEDI, STAFF_CSV, CliRun
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soplib import InvalidInputError, NotAllowedError, RefusedError, Store


def _write(tmp_path: Path, data: bytes | str, name: str = "staff.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_import_and_list_through_the_cli(cli: CliRun, store: Store, tmp_path: Path) -> None:
    r = cli("staff", "import", str(_write(tmp_path, STAFF_CSV)), "--by", ACTOR)
    assert r.exit_code == 0, r.output
    assert "4 added, 0 updated" in r.output
    people = json.loads(cli("staff", "list", "--json").output)
    assert [p["id"] for p in people] == [ANI, BUDI, CITRA, DEDI]  # by unit, then name
    assert people[1] == {
        "id": BUDI,
        "name": "Budi Santoso",
        "unit": "Subbagian Keuangan, Umum dan Logistik",
        "position": "Pengadministrasi Umum",
        "active": True,
    }
    only = json.loads(cli("staff", "list", "--unit", "Sekretariat", "--json").output)
    assert [p["id"] for p in only] == [ANI]
    plain = cli("staff", "list").output.splitlines()
    assert plain[0] == "id\tname\tunit\tposition\tactive" and len(plain) == 5


def test_reimport_updates_and_reports(store: Store) -> None:
    store.staff.import_csv(STAFF_CSV.encode(), by=ACTOR)
    changed = STAFF_CSV.replace("Ani Pratiwi,Sekretariat", "Ani Pratiwi Putri,Sekretariat")
    result = store.staff.import_csv(changed.encode(), by=ACTOR)
    assert result.updated == (ANI,) and len(result.unchanged) == 3 and result.added == ()
    assert [p.name for p in store.staff.list(unit="Sekretariat")] == ["Ani Pratiwi Putri"]
    head = store.head()
    assert store.staff.import_csv(changed.encode(), by=ACTOR).updated == ()
    assert store.head() == head  # nothing changed: no commit


def test_bom_is_tolerated(store: Store) -> None:
    result = store.staff.import_csv(b"\xef\xbb\xbf" + STAFF_CSV.encode(), by=ACTOR)
    assert len(result.added) == 4


BAD_FILES = {
    "duplicate id": (STAFF_CSV + f"{ANI},Ani Lagi,Sekretariat,Staf\n", "row 6, column id", "also on row 2"),
    "empty name": ("id,name,unit,position\n1980,,Sekretariat,Staf\n", "row 2, column name", "empty"),
    "unknown column": ("id,name,unit,position,email\n1980,A,B,C,a@b\n", "row 1", "unknown column 'email'"),
    "missing column": ("id,name,unit\n1980,A,B\n", "row 1", "missing column 'position'"),
    "bad id": ("id,name,unit,position\n1980,A,B,C\n-rf,A,B,C\n", "row 3, column id", "invalid staff id"),
    "cell count": ("id,name,unit,position\n1980,A,B,C,D\n", "row 2", "5 cells"),
    "no rows": ("id,name,unit,position\n", "staff.csv", "no rows"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_one_bad_row_imports_nothing(case: str, cli: CliRun, store: Store, tmp_path: Path) -> None:
    text, where, what = BAD_FILES[case]
    head = store.head()
    r = cli("staff", "import", str(_write(tmp_path, text)), "--by", ACTOR)
    assert r.exit_code == 1
    assert r.output.startswith("error: ") and r.output.count("\n") == 1
    assert where in r.output and what in r.output, r.output
    assert store.head() == head and store.staff.list() == []


def test_bad_encoding_names_the_row(store: Store, tmp_path: Path) -> None:
    data = (
        STAFF_CSV.encode()
        + "1990,Ni Luh Ayu Sekarini,Sekretariat,Staf\n".encode("cp1252")
        + b"1991,\xe9,X,Y\n"
    )
    with pytest.raises(InvalidInputError, match=r"row 7: not UTF-8"):
        store.staff.import_csv(_write(tmp_path, data), by=ACTOR)
    assert store.staff.list() == []


def test_deactivate_keeps_history(cli: CliRun, staffed_store: Store) -> None:
    r = cli("staff", "deactivate", BUDI, "--by", ACTOR)
    assert r.exit_code == 0 and "Budi Santoso" in r.output
    assert BUDI not in [p.id for p in staffed_store.staff.list()]
    everyone = json.loads(cli("staff", "list", "--all", "--json").output)
    assert {p["id"]: p["active"] for p in everyone}[BUDI] is False
    again = cli("staff", "deactivate", BUDI, "--by", ACTOR)
    assert again.exit_code == 1 and "already inactive" in again.output
    unknown = cli("staff", "deactivate", "1999", "--by", ACTOR)
    assert unknown.exit_code == 1 and "no staff 1999" in unknown.output
    # Importing a person who left brings them back.
    assert staffed_store.staff.import_csv(STAFF_CSV.encode(), by=ACTOR).reactivated == (BUDI,)


def test_deactivate_refuses_inactive_via_api(staffed_store: Store) -> None:
    staffed_store.staff.deactivate(ANI, by=ACTOR)
    with pytest.raises(RefusedError):
        staffed_store.staff.deactivate(ANI, by=ACTOR)


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85"),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() == s and s.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_text, _text, _text), min_size=1, max_size=5))
def test_any_names_round_trip(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]]
) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "name", "unit", "position"])
    for i, (name, unit, position) in enumerate(rows):
        writer.writerow([f"19800101200501{i:04d}", name, unit, position])
    with Store.init(tmp_path_factory.mktemp("s") / "store") as store:
        store.staff.import_csv(out.getvalue().encode(), by=ACTOR)
        got = {(p.name, p.unit, p.position) for p in store.staff.list()}
    assert got == set(rows)


def test_once_roles_exist_the_registry_is_the_admins(staffed_store: Store) -> None:
    staffed_store.grants.grant("admin", ANI, by=ANI)  # the first grant makes someone admin
    head = staffed_store.head()
    with pytest.raises(NotAllowedError, match=f"{BUDI} may not change the staff registry: it needs"):
        staffed_store.staff.deactivate(CITRA, by=BUDI)
    with pytest.raises(NotAllowedError, match="not an active member of the staff registry"):
        staffed_store.staff.import_csv(STAFF_CSV.encode(), by=ACTOR)  # not registered at all
    # A person holding a role cannot be deactivated until the role is revoked.
    with pytest.raises(RefusedError, match=f"staff {ANI} still holds a role; revoke it first"):
        staffed_store.staff.deactivate(ANI, by=ANI)
    assert staffed_store.head() == head
    assert staffed_store.staff.deactivate(CITRA, by=ANI).active is False
    assert staffed_store.audit.verify().ok
