"""The schedules API: create schedules, layers and overrides; ask who is on call and for the shifts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

MONDAY = "2026-03-02T09:00:00+01:00"  # a Monday in Berlin


@pytest.fixture
def weekly(alice_api, alice, bob, clock):
    clock.set(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    created = alice_api.post("/api/v1/schedules", json={"name": "WMS primary", "time_zone": "Europe/Berlin"})
    assert created.status_code == 201, created.text
    schedule_id = created.json()["id"]
    layer = alice_api.post(
        f"/api/v1/schedules/{schedule_id}/layers",
        json={
            "name": "Weekly",
            "rotation_start": MONDAY,
            "turn_length": 1,
            "turn_unit": "weeks",
            "members": [alice.id, bob.id],
        },
    )
    assert layer.status_code == 201, layer.text
    return schedule_id


def test_it_creates_a_schedule_with_a_layer_whose_handoff_defaults_to_the_start_time(alice_api, weekly):
    detail = alice_api.get(f"/api/v1/schedules/{weekly}").json()
    assert detail["name"] == "WMS primary"
    assert [(layer["name"], layer["handoff_time"], layer["position"]) for layer in detail["layers"]] == [
        ("Weekly", "09:00", 1)
    ]
    assert detail["overrides"] == []


def test_it_answers_who_is_on_call_at_an_instant_with_the_end_and_the_next_person(alice_api, weekly, alice, bob):
    body = alice_api.get(f"/api/v1/schedules/{weekly}/oncall", params={"at": "2026-03-03T00:00:00Z"}).json()
    assert [u["email"] for u in body["users"]] == ["alice@example.com"]
    assert body["until"] == "2026-03-09T08:00:00Z"
    assert body["next"]["email"] == "bob@example.com"
    assert body["next_start"] == "2026-03-09T08:00:00Z"


def test_it_reports_nobody_before_the_rotation_starts(alice_api, weekly):
    body = alice_api.get(f"/api/v1/schedules/{weekly}/oncall", params={"at": "2026-03-02T07:59:00Z"}).json()
    assert body["users"] == []
    assert body["next_start"] == "2026-03-02T08:00:00Z"


def test_an_override_wins_over_the_layer_and_shows_in_the_shifts(bob_api, alice_api, weekly, bob):
    made = bob_api.post(
        f"/api/v1/schedules/{weekly}/overrides",
        json={"user_id": bob.id, "start": "2026-03-03T10:00:00Z", "end": "2026-03-03T12:00:00Z", "reason": "swap"},
    )
    assert made.status_code == 201, made.text
    shifts = alice_api.get(
        f"/api/v1/schedules/{weekly}/shifts",
        params={"since": "2026-03-03T00:00:00Z", "until": "2026-03-04T00:00:00Z"},
    ).json()
    assert [(s["start"], s["end"], s["user_name"], s["source"]) for s in shifts["shifts"]] == [
        ("2026-03-03T00:00:00Z", "2026-03-03T10:00:00Z", "Alice", "Weekly"),
        ("2026-03-03T10:00:00Z", "2026-03-03T12:00:00Z", "Bob", "override"),
        ("2026-03-03T12:00:00Z", "2026-03-04T00:00:00Z", "Alice", "Weekly"),
    ]
    assert shifts["gaps"] == []


def test_future_gaps_are_reported_and_past_ones_are_not(alice_api, weekly, clock):
    clock.set(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    shifts = alice_api.get(
        f"/api/v1/schedules/{weekly}/shifts",
        params={"since": "2026-03-02T00:00:00Z", "until": "2026-03-02T12:00:00Z"},
    ).json()
    assert shifts["gaps"] == [{"start": "2026-03-02T06:00:00Z", "end": "2026-03-02T08:00:00Z"}]
    assert [(s["start"], s["user_name"]) for s in shifts["shifts"]] == [("2026-03-02T08:00:00Z", "Alice")]


def test_a_viewer_reads_but_cannot_edit_and_a_responder_cannot_change_layers(charlie_api, bob_api, weekly):
    assert charlie_api.get(f"/api/v1/schedules/{weekly}").status_code == 200
    assert charlie_api.get("/api/v1/schedules").json()["total"] == 1
    refused = charlie_api.post(
        f"/api/v1/schedules/{weekly}/overrides",
        json={"user_id": 1, "start": "2026-03-03T10:00:00Z", "end": "2026-03-03T12:00:00Z"},
    )
    assert refused.status_code == 403
    assert bob_api.patch(f"/api/v1/schedules/{weekly}", json={"name": "x"}).status_code == 403
    assert bob_api.delete(f"/api/v1/schedules/{weekly}").status_code == 403


def test_it_updates_and_deletes_a_schedule_and_its_layers(alice_api, weekly):
    layer_id = alice_api.get(f"/api/v1/schedules/{weekly}").json()["layers"][0]["id"]
    changed = alice_api.patch(f"/api/v1/schedules/{weekly}/layers/{layer_id}", json={"handoff_time": "10:30"})
    assert changed.json()["handoff_time"] == "10:30"
    renamed = alice_api.patch(f"/api/v1/schedules/{weekly}", json={"name": "WMS first line"})
    assert renamed.json()["name"] == "WMS first line"
    assert alice_api.delete(f"/api/v1/schedules/{weekly}/layers/{layer_id}").status_code == 204
    assert alice_api.get(f"/api/v1/schedules/{weekly}").json()["layers"] == []
    assert alice_api.delete(f"/api/v1/schedules/{weekly}").status_code == 204
    assert alice_api.get(f"/api/v1/schedules/{weekly}").status_code == 404
