"""On-call health: numbers from fixed data, then the report built from the database, API and flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from warroom.catalog import service as catalog
from warroom.incidents import service as incidents
from warroom.schedules import health
from warroom.schedules import service as schedules
from warroom.schedules.health import LongIncident, Person, RoleSpan, Spread


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@dataclass(frozen=True)
class Page:
    user_id: int
    at: datetime
    incident_id: int | None = None


ALICE, BOB = 1, 2
PAGES = [
    Page(ALICE, utc(2026, 3, 2, 21, 30)),  # 22:30 Berlin: night
    Page(ALICE, utc(2026, 3, 3, 5, 0)),  # 06:00 Berlin: night
    Page(ALICE, utc(2026, 3, 3, 12, 0)),  # day
    Page(ALICE, utc(2026, 3, 4, 23, 0)),  # 00:00 Berlin: night
    Page(ALICE, utc(2026, 3, 5, 2, 0)),  # 03:00 Berlin: night
    Page(BOB, utc(2026, 3, 3, 3, 0)),  # 22:00 New York: night
    Page(BOB, utc(2026, 3, 3, 12, 0)),  # 07:00 New York: day
    Page(BOB, utc(2026, 3, 20, 3, 0)),  # outside the period
]


def test_it_counts_pages_night_pages_hours_and_commands_from_fixed_data():
    rows = health.compute(
        people=[Person(ALICE, "Alice", "Europe/Berlin"), Person(BOB, "Bob", "America/New_York")],
        pages=PAGES,
        roles=[
            RoleSpan(ALICE, 1, "incident_commander", utc(2026, 3, 2, 10), utc(2026, 3, 2, 16)),
            RoleSpan(ALICE, 1, "scribe", utc(2026, 3, 2, 14), utc(2026, 3, 2, 18)),  # overlaps: counted once
            RoleSpan(BOB, 2, "technical_lead", utc(2026, 3, 4, 0), utc(2026, 3, 4, 1, 30)),
        ],
        long_incidents=[
            LongIncident(1, "Pick outage", utc(2026, 3, 2, 10), utc(2026, 3, 2, 18)),
            LongIncident(2, "Short blip", utc(2026, 3, 4, 0), utc(2026, 3, 4, 1, 30)),
        ],
        since=utc(2026, 3, 1),
        until=utc(2026, 3, 8),
    )
    alice, bob = rows
    assert (alice.name, alice.pages, alice.night_pages, alice.incident_hours, alice.incidents_commanded) == (
        "Alice",
        5,
        4,
        8.0,
        1,
    )
    assert alice.flags == ["4 night pages within 7 days (more than 3): rebalance the rotation"]
    assert alice.time_off_suggested == ["held a role in SEV1 #1 (Pick outage), which lasted 8.0 h"]
    assert (bob.pages, bob.night_pages, bob.incident_hours, bob.incidents_commanded) == (2, 1, 1.5, 0)
    assert bob.flags == [] and bob.time_off_suggested == []


def test_the_flag_threshold_and_window_are_configurable():
    rows = health.compute(
        people=[Person(ALICE, "Alice", "Europe/Berlin")],
        pages=PAGES,
        roles=[],
        long_incidents=[],
        since=utc(2026, 3, 1),
        until=utc(2026, 3, 8),
        thresholds=health.Thresholds(night_pages=1, window=timedelta(hours=12)),
    )
    assert rows[0].flags == ["2 night pages within 0 days (more than 1): rebalance the rotation"]


def test_fairness_is_the_spread_across_a_rotations_members():
    people = {
        1: health.PersonHealth(1, "A", "UTC", pages=5, night_pages=4),
        2: health.PersonHealth(2, "B", "UTC", pages=2),
    }
    result = health.fairness([health.Rotation(7, "Primary", "Weekly", (1, 2, 3))], people, {1: "A", 2: "B", 3: "C"})
    assert result[0].members == ["A", "B", "C"]
    assert result[0].pages == Spread(0, 2.0, 5)
    assert result[0].night_pages == Spread(0, 0.0, 4)


def test_the_report_reads_roles_incidents_teams_and_rotations_from_the_database(make_ctx, alice, bob, clock):
    clock.set(utc(2026, 3, 2, 10))
    with make_ctx(actor=alice.user) as ctx:
        team = catalog.create_team(ctx, name="Warehouse", member_ids=[alice.id, bob.id])
        schedule = schedules.create_schedule(ctx, name="Primary", team_id=team.id)
        schedules.add_layer(
            ctx,
            schedule,
            name="Weekly",
            rotation_start=utc(2026, 3, 2),
            turn_length=1,
            turn_unit="weeks",
            members=[alice.id, bob.id],
        )
        incident = incidents.declare_incident(ctx, title="Pick outage", severity="SEV1", commander_id=alice.id)
        incident_id = incident.id
    clock.set(utc(2026, 3, 2, 15, 30))
    with make_ctx(actor=alice.user) as ctx:
        incidents.change_status(ctx, incidents.get_incident(ctx, incident_id), status="resolved")
    clock.set(utc(2026, 3, 8))
    fake = [Page(alice.id, utc(2026, 3, 2, 21, 30), incident_id), Page(bob.id, utc(2026, 3, 3, 12, 0))]
    with make_ctx(actor=alice.user) as ctx:
        report = schedules.build_report(ctx, team_id=team.id, pages_source=lambda *_args: fake)
    assert (report.since, report.until) == (utc(2026, 3, 1), utc(2026, 3, 8))
    by_name = {p.name: p for p in report.people}
    assert (by_name["Alice"].pages, by_name["Alice"].night_pages, by_name["Alice"].incident_hours) == (1, 1, 5.5)
    assert by_name["Alice"].incidents_commanded == 1
    assert by_name["Alice"].time_off_suggested == [
        f"held a role in SEV1 #{incident_id} (Pick outage), which lasted 5.5 h"
    ]
    assert (by_name["Bob"].pages, by_name["Bob"].night_pages, by_name["Bob"].incident_hours) == (1, 0, 0.0)
    assert [(t.name, t.people, t.pages, t.night_pages, t.incidents_commanded) for t in report.teams] == [
        ("Warehouse", 2, 2, 1, 1)
    ]
    assert [(f.schedule, f.layer, f.pages, f.night_pages) for f in report.fairness] == [
        ("Primary", "Weekly", Spread(1, 1.0, 1), Spread(0, 0.5, 1))
    ]


def test_the_api_report_defaults_to_the_last_seven_days_and_refuses_a_backwards_period(
    alice_api, charlie_api, clock, monkeypatch
):
    clock.set(utc(2026, 3, 8))
    monkeypatch.setattr(health, "contacts_pages", lambda *_args: [])
    body = charlie_api.get("/api/v1/oncall/report").json()
    assert (body["since"], body["until"]) == ("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z")
    assert body["thresholds"] == {"night_pages": 3, "window_days": 7, "sev1_hours": 4.0}
    backwards = alice_api.get(
        "/api/v1/oncall/report", params={"since": "2026-03-08T00:00:00Z", "until": "2026-03-01T00:00:00Z"}
    )
    assert backwards.status_code == 422
    assert alice_api.get("/api/v1/oncall/report", params={"team_id": 999}).status_code == 404
