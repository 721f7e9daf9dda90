"""`sop audit history --as-of`: the record as it stood on a date, and the version in force."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import ACTOR, ANI, BUDI, HEAD, HEAD_ROW, CliRun, Clock, write_sop

from soplib import NotFoundError, Store
from soplib.audit.history import in_force

SOP = "KPU-01"
STAFF_HEADER = "id,name,unit,position\n"


@pytest.fixture
def versions(tmp_path: Path, store_path: Path, clock: Clock) -> Store:
    """KPU-01: v1 on 2026-01-05; v2 recorded 2026-03-01 effective 2026-03-15; v3 on 2026-06-30 at 23:00.

    KPU-02 (v1 on 2026-01-05) is withdrawn by a review session approved on 2026-08-01 by
    HEAD (registered on 2026-07-20), effective that day.
    """
    clock.at("2026-01-01")
    store = Store.init(store_path)
    clock.at("2026-01-05")
    store.sops.add([write_sop(tmp_path, SOP), write_sop(tmp_path, "KPU-02")], by=ACTOR)
    clock.at("2026-03-01")
    text = store.sops.text(SOP).decode()
    store.sops.update(
        text.replace("pertama", "awal"), by="budi", message="v2", base=1, effective=date(2026, 3, 15)
    )
    clock.at("2026-06-30", hour=23)
    text = store.sops.text(SOP).decode()
    store.sops.update(text.replace("kedua", "berikutnya"), by=ACTOR, message="v3", base=2)
    clock.at("2026-07-20")
    store.staff.import_csv((STAFF_HEADER + HEAD_ROW).encode(), by=ACTOR)
    clock.at("2026-08-01")
    session = store.reviews.start(["KPU-02"], team={ACTOR: "chair"}, ref="BA 8/2026", by=ACTOR)
    session.outcome("KPU-02", "withdraw", by=ACTOR, reason="digabung ke KPU-01")
    session.approve(by=HEAD, effective=date(2026, 8, 1))
    return store


def test_as_of_is_the_last_commit_of_that_day(versions: Store) -> None:
    audit = versions.audit
    assert audit.as_of(date(2025, 12, 31)).commit is None
    first = audit.as_of(date(2026, 1, 1))
    assert first.commit is not None and first.commit_time == datetime(2026, 1, 1, 9, tzinfo=UTC)
    assert audit.as_of(date(2026, 1, 4)).commit == first.commit
    assert audit.as_of(date(2026, 6, 30)).commit_time == datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert audit.as_of(date(2030, 1, 1)).commit == versions.head()


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
    hist = versions.audit.history(SOP, as_of=date.fromisoformat(day))
    assert [v.version for v in hist.versions] == recorded
    assert hist.in_force == current
    assert [v.status for v in hist.versions] == statuses
    assert hist.as_of is not None and hist.as_of.date == date.fromisoformat(day)


def test_history_fields(versions: Store) -> None:
    hist = versions.audit.history(SOP, today=date(2026, 7, 1))
    v2 = hist.versions[1]
    assert (v2.by, v2.action, v2.message, v2.effective_date, v2.created) == (
        "budi",
        "update",
        "v2",
        date(2026, 3, 15),
        datetime(2026, 3, 1, 9, tzinfo=UTC),
    )
    assert v2.commit == versions.sops.commit_of(SOP, 2) and v2.commit is not None
    assert v2.content_sha256 == versions.sops.record(SOP).version(2).content_sha256
    assert v2.approver is None and v2.session is None and v2.decisions is None


def test_withdrawn_sop_is_in_force_until_its_withdrawal(versions: Store) -> None:
    before = versions.audit.history("KPU-02", as_of=date(2026, 7, 31))
    assert before.in_force == 1 and before.withdrawn is None
    after = versions.audit.history("KPU-02", as_of=date(2026, 8, 1))
    assert after.in_force is None and after.versions[0].status == "withdrawn"
    assert after.withdrawn is not None and after.withdrawn["by"] == HEAD
    assert after.withdrawn["reason"] == "digabung ke KPU-01"
    # in_force on the current record: a back-dated question still sees the withdrawal date.
    record = versions.sops.record("KPU-02")
    assert in_force(record, date(2026, 7, 31)) is not None and in_force(record, date(2026, 8, 1)) is None


def test_in_force_uses_effective_dates_of_todays_record(versions: Store) -> None:
    record = versions.sops.record(SOP)
    assert in_force(record, date(2026, 1, 4)) is None
    days = [date(2026, 1, 5), date(2026, 3, 14), date(2026, 3, 15), date(2026, 7, 1)]
    found = [in_force(record, d) for d in days]
    assert [v.version if v else None for v in found] == [1, 1, 2, 3]


def test_history_json_has_every_field_once(versions: Store) -> None:
    """Dates as YYYY-MM-DD, times as UTC ...Z, the per-version acknowledgement count beside the rest."""
    data = versions.audit.history(SOP, as_of=date(2026, 7, 1)).to_json()
    assert (data["on"], data["as_of"]["date"], data["in_force"]) == ("2026-07-01", "2026-07-01", 3)
    assert data["as_of"]["commit_time"] == "2026-06-30T23:00:00Z"
    v2 = data["versions"][1]
    assert set(v2) == {
        "version", "status", "created", "by", "action", "message", "effective_date", "approver",
        "session", "decisions", "editorial", "commit", "content_sha256", "acknowledgements",
    }  # fmt: skip
    assert (v2["created"], v2["effective_date"], v2["acknowledgements"]) == (
        "2026-03-01T09:00:00Z",
        "2026-03-15",
        0,
    )


def test_cli_history(versions: Store, cli: CliRun) -> None:
    r = cli("audit", "history", SOP, "--as-of", "2026-03-20", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["as_of"]["date"] == "2026-03-20" and data["in_force"] == 2
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert set(data["versions"][0]) >= {"decisions", "session", "approver", "effective_date", "status"}
    r = cli("audit", "history", SOP)
    assert r.exit_code == 0 and "in force" in r.output and "budi" in r.output  # the label, not "in_force"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([SOP, "--as-of", "2025-12-01"], "the store did not exist yet at the end of 2025-12-01"),
        ([SOP, "--as-of", "2026-01-02"], "SOP KPU-01 was not in the store yet at the end of 2026-01-02"),
        (["NOPE-1"], "no SOP NOPE-1"),
        (["../x"], "invalid SOP id"),
    ],
)
def test_cli_history_errors(versions: Store, cli: CliRun, args: list[str], message: str) -> None:
    r = cli("audit", "history", *args)
    assert r.exit_code == 1 and message in r.output and r.output.count("\n") == 1, r.output


def test_cli_history_malformed_date_is_a_usage_error(versions: Store, cli: CliRun) -> None:
    r = cli("audit", "history", SOP, "--as-of", "2026-02-30")
    assert r.exit_code == 2 and "'2026-02-30' is not a date: use YYYY-MM-DD" in r.output


def test_unknown_sop_as_of(versions: Store) -> None:
    with pytest.raises(NotFoundError, match="no SOP NOPE-1"):
        versions.audit.history("NOPE-1")


def test_today_is_the_offices_day(versions: Store, clock: Clock) -> None:
    # 23:00 UTC on 1 August: still 1 August in UTC (no time zone set), already 2 August in WITA (UTC+8).
    clock.at("2026-08-01", hour=23)
    assert versions.audit.history(SOP).on == date(2026, 8, 1)
    versions.office.set(time_zone="Asia/Makassar", by=ACTOR)
    assert versions.audit.history(SOP).on == date(2026, 8, 2)


def test_acknowledgement_counts_per_version_as_of(versions: Store, clock: Clock, cli: CliRun) -> None:
    clock.at("2026-08-10")
    staff = f"{STAFF_HEADER}{ANI},Ani,Sekretariat,Kepala\n{BUDI},Budi,Sekretariat,Staf\n"
    versions.staff.import_csv(staff.encode(), by=ACTOR)
    versions.acks.record(ANI, SOP, by=ACTOR)
    clock.at("2026-08-20")
    versions.acks.record(BUDI, SOP, by=ACTOR)
    counts = [v.acknowledgements for v in versions.audit.history(SOP).versions]
    assert counts == [0, 0, 2]
    then = versions.audit.history(SOP, as_of=date(2026, 8, 15))
    assert [v.acknowledgements for v in then.versions] == [0, 0, 1]
    r = cli("audit", "history", SOP, "--as-of", "2026-08-15", "--json")
    assert [v["acknowledgements"] for v in json.loads(r.output)["versions"]] == [0, 0, 1]
