"""`sop audit history --as-of`: the record as it stood on a date, and the version in force."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import ACTOR, CliRun, Clock, write_sop

import sop_store
import sop_store.store
from soplib import Store
from soplib.audit import HISTORY_EXTRAS, as_of, audit_history, in_force

SOP = "KPU-01"


@pytest.fixture
def versions(tmp_path: Path, store_path: Path, clock: Clock) -> Store:
    """KPU-01: v1 on 2026-01-05; v2 recorded 2026-03-01 effective 2026-03-15; v3 on 2026-06-30 at 23:30."""
    clock.at("2026-01-01")
    store = Store.init(store_path)
    clock.at("2026-01-05")
    store.add([write_sop(tmp_path, SOP), write_sop(tmp_path, "KPU-02")], by=ACTOR)
    clock.at("2026-03-01")
    text = store.text(SOP).decode()
    store.update(text.replace("pertama", "awal"), by="budi", message="v2", effective_date="2026-03-15")
    clock.at("2026-06-30", hour=23)
    store.update(text.replace("kedua", "berikutnya"), by=ACTOR, message="v3")
    clock.at("2026-08-01")
    with store.transaction(by=ACTOR, subject="Withdraw KPU-02") as tx:
        sop_store.withdraw(tx, "KPU-02")
    return store


def test_as_of_is_the_last_commit_of_that_day(versions: Store) -> None:
    assert as_of(versions, "2025-12-31").commit is None
    first = as_of(versions, "2026-01-01")
    assert first.commit is not None and first.commit_date == "2026-01-01T09:00:00Z"
    assert as_of(versions, "2026-01-04").commit == first.commit
    assert as_of(versions, "2026-06-30").commit_date == "2026-06-30T23:00:00Z"
    assert as_of(versions, "2030-01-01").commit == versions.head()


@pytest.mark.parametrize(
    ("day", "recorded", "current", "statuses"),
    [
        ("2026-01-05", [1], 1, ["in_force"]),
        ("2026-03-01", [1, 2], 1, ["in_force", "scheduled"]),
        ("2026-03-14", [1, 2], 1, ["in_force", "scheduled"]),
        ("2026-03-15", [1, 2], 2, ["superseded", "in_force"]),
        ("2026-06-29", [1, 2], 2, ["superseded", "in_force"]),
        ("2026-06-30", [1, 2, 3], 3, ["superseded", "superseded", "in_force"]),
    ],
)
def test_history_as_of(
    versions: Store, day: str, recorded: list[int], current: int, statuses: list[str]
) -> None:
    hist = audit_history(versions, SOP, on=day)
    assert [v.version for v in hist.versions] == recorded
    assert hist.in_force == current
    assert [v.status for v in hist.versions] == statuses
    assert hist.as_of is not None and hist.as_of.date == day


def test_history_fields(versions: Store) -> None:
    hist = audit_history(versions, SOP, today=date(2026, 7, 1))
    v2 = hist.versions[1]
    assert (v2.by, v2.action, v2.message, v2.effective_date, v2.date) == (
        "budi",
        "update",
        "v2",
        "2026-03-15",
        "2026-03-01T09:00:00Z",
    )
    assert v2.commit == versions.tag_commit(SOP, 2)
    assert v2.content_sha256 == versions.info(SOP).version(2).meta["content_sha256"]
    assert v2.approved_by is None and v2.session is None and v2.decisions is None


def test_withdrawn_sop_is_in_force_until_its_withdrawal(versions: Store) -> None:
    before = audit_history(versions, "KPU-02", on="2026-07-31")
    assert before.in_force == 1 and before.withdrawn is None
    after = audit_history(versions, "KPU-02", on="2026-08-01")
    assert after.in_force is None and after.versions[0].status == "withdrawn"
    assert after.withdrawn is not None and after.withdrawn["by"] == ACTOR
    # in_force on the current record: a back-dated question still sees the withdrawal date.
    info = versions.info("KPU-02")
    assert in_force(info, "2026-07-31") is not None and in_force(info, "2026-08-01") is None


def test_in_force_uses_effective_dates_of_todays_record(versions: Store) -> None:
    info = versions.info(SOP)
    assert in_force(info, "2026-01-04") is None
    assert [in_force(info, d).version for d in ("2026-01-05", "2026-03-14", "2026-03-15", "2026-07-01")] == [
        1,
        1,
        2,
        3,
    ]


def test_history_extension_point_is_additive(versions: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = audit_history(versions, SOP).to_json()
    monkeypatch.setattr(
        "soplib.audit.HISTORY_EXTRAS", [*HISTORY_EXTRAS, lambda snap, sop_id, v: {"acks": v.version * 10}]
    )
    extended = audit_history(versions, SOP).to_json()
    assert [v.pop("acks") for v in extended["versions"]] == [10, 20, 30]
    assert extended == plain


def test_cli_history(versions: Store, cli: CliRun) -> None:
    r = cli("audit", "history", SOP, "--as-of", "2026-03-20", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["as_of"]["date"] == "2026-03-20" and data["in_force"] == 2
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert set(data["versions"][0]) >= {"decisions", "session", "approved_by", "effective_date", "status"}
    r = cli("audit", "history", SOP)
    assert r.exit_code == 0 and "in_force" in r.output and "budi" in r.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", "history", SOP, "--as-of", "2026-02-30"], "invalid --as-of date '2026-02-30'"),
        (["audit", "history", SOP, "--as-of", "2025-12-01"], "was not in the store yet on 2025-12-01"),
        (["audit", "history", "NOPE-1"], "no SOP NOPE-1"),
        (["audit", "history", "../x"], "invalid SOP id"),
    ],
)
def test_cli_history_errors(versions: Store, cli: CliRun, args: list[str], message: str) -> None:
    r = cli(*args)
    assert r.exit_code == 1 and message in r.output and r.output.count("\n") == 1


def test_today_default_is_utc(versions: Store) -> None:
    assert audit_history(versions, SOP).on == datetime.now(UTC).date().isoformat()


def test_acknowledgement_counts_per_version_as_of(versions: Store, clock: Clock, cli: CliRun) -> None:
    from soplib import acknowledge, import_staff

    clock.at("2026-07-01")
    staff = "id,name,unit,position\nS1,Ani,Sekretariat,Kepala\nS2,Budi,Sekretariat,Staf\n"
    import_staff(versions, staff.encode(), by=ACTOR)
    acknowledge(versions, "S1", SOP, by=ACTOR)
    clock.at("2026-07-10")
    acknowledge(versions, "S2", SOP, by=ACTOR)
    counts = [v.extra["acknowledgements"] for v in audit_history(versions, SOP).versions]
    assert counts == [0, 0, 2]
    then = audit_history(versions, SOP, on="2026-07-05")
    assert [v.extra["acknowledgements"] for v in then.versions] == [0, 0, 1]
    r = cli("audit", "history", SOP, "--as-of", "2026-07-05", "--json")
    assert [v["acknowledgements"] for v in json.loads(r.output)["versions"]] == [0, 0, 1]
