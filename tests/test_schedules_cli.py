"""`warroom schedule who|list|shifts` and `warroom oncall report`: text, JSON and one-line errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from warroom.cli import CliApp, main
from warroom.schedules import service as schedules


@pytest.fixture
def cli(settings, clock, db, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args), app=CliApp(settings=settings, clock=clock, _db=db))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def primary(make_ctx, alice, bob, clock):
    clock.set(datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    with make_ctx(actor=alice.user) as ctx:
        schedule = schedules.create_schedule(ctx, name="WMS primary", time_zone="Europe/Berlin")
        schedules.add_layer(
            ctx,
            schedule,
            name="Weekly",
            rotation_start=datetime(2026, 3, 2, 8, tzinfo=UTC),
            turn_length=1,
            turn_unit="weeks",
            members=[alice.id, bob.id],
        )
        return schedule.id


def test_schedule_who_names_the_person_on_call_now_and_next(cli, primary):
    code, out, err = cli("schedule", "who", "wms primary")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "WMS primary: Alice <alice@example.com> is on call (until 2026-03-09 09:00 CET)",
        "next: Bob from 2026-03-09 09:00 CET",
    ]


def test_schedule_who_at_an_instant_prints_json(cli, primary):
    code, out, _err = cli("schedule", "who", str(primary), "--at", "2026-03-10T00:00:00+00:00", "--json")
    assert code == 0
    body = json.loads(out)
    assert [u["email"] for u in body["users"]] == ["bob@example.com"]
    assert body["until"] == "2026-03-16T08:00:00Z"


def test_schedule_who_reports_a_gap_and_errors_are_one_line(cli, primary):
    assert cli("schedule", "who", "WMS primary", "--at", "2026-03-01T00:00:00Z")[1].startswith(
        "WMS primary: nobody is on call at 2026-03-01 01:00 CET (a gap)"
    )
    code, out, err = cli("schedule", "who", "nope")
    assert (code, out) == (1, "")
    assert err == "warroom: error: there is no schedule 'nope'; `warroom schedule list` shows them\n"
    assert cli("schedule", "who", "WMS primary", "--at", "yesterday")[2] == (
        "warroom: error: --at 'yesterday' is not an ISO 8601 instant, e.g. 2026-03-29T03:00:00+02:00\n"
    )


def test_schedule_list_and_shifts(cli, primary):
    assert cli("schedule", "list")[1].split() == [
        str(primary),
        "WMS",
        "primary",
        "Europe/Berlin",
        "on",
        "call:",
        "Alice",
    ]
    code, out, _err = cli(
        "schedule", "shifts", "WMS primary", "--since", "2026-03-08T00:00:00Z", "--until", "2026-03-10T00:00:00Z"
    )
    assert code == 0
    assert out.splitlines() == [
        "2026-03-08 01:00 CET → 2026-03-09 09:00 CET  Alice  (Weekly)",
        "2026-03-09 09:00 CET → 2026-03-10 01:00 CET  Bob  (Weekly)",
    ]


def test_oncall_report_prints_people_and_rotations_and_json(cli, primary):
    code, out, err = cli("oncall", "report", "--since", "7d")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "on-call health 2026-02-25 12:00 UTC → 2026-03-04 12:00 UTC"
    assert "rotation WMS primary / Weekly: pages 0/0.0/0, night 0/0.0/0 (min/median/max)" in lines
    body = json.loads(cli("oncall", "report", "--json")[1])
    assert sorted(p["name"] for p in body["people"]) == ["Alice", "Bob"]
    assert cli("oncall", "report", "--since", "soon")[0] == 1
