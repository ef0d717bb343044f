"""Bad schedule input gets a 422 that says what to fix."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


@pytest.fixture
def schedule_id(alice_api, clock):
    clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    return alice_api.post("/api/v1/schedules", json={"name": "Primary", "time_zone": "Europe/Berlin"}).json()["id"]


def layer(**changes):
    body = {"name": "L", "rotation_start": "2026-03-02T09:00:00+01:00", "turn_length": 1, "turn_unit": "days"}
    return {**body, **changes}


def test_an_unknown_time_zone_is_a_422_naming_the_fix(alice_api):
    response = alice_api.post("/api/v1/schedules", json={"name": "X", "time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    assert response.json()["error"] == "unknown time zone 'Mars/Olympus'; use an IANA name such as Europe/Berlin"


def test_a_duplicate_name_in_any_case_is_a_409(alice_api, schedule_id):
    assert alice_api.post("/api/v1/schedules", json={"name": "PRIMARY"}).status_code == 409


@pytest.mark.parametrize("length", [0, -3])
def test_a_zero_or_negative_turn_is_a_422(alice_api, schedule_id, length):
    response = alice_api.post(f"/api/v1/schedules/{schedule_id}/layers", json=layer(turn_length=length))
    assert response.status_code == 422
    assert response.json()["error"].startswith("turn_length must be a positive whole number")


def test_a_layer_time_zone_must_exist_too(alice_api, schedule_id):
    response = alice_api.post(f"/api/v1/schedules/{schedule_id}/layers", json=layer(time_zone="Europe/Atlantis"))
    assert response.status_code == 422
    assert "unknown time zone 'Europe/Atlantis'" in response.json()["error"]


def test_a_restriction_that_ends_when_it_starts_is_a_422(alice_api, schedule_id):
    bad = layer(restrictions=[{"days": [0, 1], "start": "09:00", "end": "09:00"}])
    response = alice_api.post(f"/api/v1/schedules/{schedule_id}/layers", json=bad)
    assert response.status_code == 422
    assert response.json()["error"] == ("restriction 0: end equals start (09:00); give a window such as 09:00-17:00")


def test_a_restriction_hour_out_of_range_and_a_naive_rotation_start_are_422s(alice_api, schedule_id):
    bad = layer(restrictions=[{"days": [0], "start": "25:00", "end": "09:00"}])
    assert alice_api.post(f"/api/v1/schedules/{schedule_id}/layers", json=bad).status_code == 422
    naive = layer(rotation_start="2026-03-02T09:00:00")
    assert alice_api.post(f"/api/v1/schedules/{schedule_id}/layers", json=naive).status_code == 422


def test_unknown_members_are_a_422_but_an_empty_layer_is_allowed_and_shows_as_a_gap(alice_api, schedule_id, clock):
    unknown = alice_api.post(f"/api/v1/schedules/{schedule_id}/layers", json=layer(members=[4242]))
    assert unknown.status_code == 422
    assert unknown.json()["error"].startswith("unknown user ids [4242]")
    assert alice_api.post(f"/api/v1/schedules/{schedule_id}/layers", json=layer(members=[])).status_code == 201
    shifts = alice_api.get(
        f"/api/v1/schedules/{schedule_id}/shifts",
        params={"since": "2026-03-01T00:00:00Z", "until": "2026-03-02T00:00:00Z"},
    ).json()
    assert shifts["shifts"] == []
    assert shifts["gaps"] == [{"start": "2026-03-01T00:00:00Z", "end": "2026-03-02T00:00:00Z"}]


def test_overlapping_overrides_for_the_same_schedule_are_a_422(bob_api, bob, schedule_id):
    url = f"/api/v1/schedules/{schedule_id}/overrides"
    first = bob_api.post(url, json={"user_id": bob.id, "start": "2026-03-03T10:00:00Z", "end": "2026-03-03T14:00:00Z"})
    assert first.status_code == 201
    clash = bob_api.post(url, json={"user_id": bob.id, "start": "2026-03-03T13:00:00Z", "end": "2026-03-03T15:00:00Z"})
    assert clash.status_code == 422
    assert clash.json()["error"].startswith(f"this override overlaps override {first.json()['id']}")
    touching = bob_api.post(
        url, json={"user_id": bob.id, "start": "2026-03-03T14:00:00Z", "end": "2026-03-03T15:00:00Z"}
    )
    assert touching.status_code == 201


def test_an_override_that_ends_before_it_starts_is_a_422(bob_api, bob, schedule_id):
    body = {"user_id": bob.id, "start": "2026-03-03T10:00:00Z", "end": "2026-03-03T09:00:00Z"}
    response = bob_api.post(f"/api/v1/schedules/{schedule_id}/overrides", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "an override must end after it starts"


def test_a_shifts_request_longer_than_93_days_or_backwards_is_a_422(alice_api, schedule_id):
    url = f"/api/v1/schedules/{schedule_id}/shifts"
    long = alice_api.get(url, params={"since": "2026-01-01T00:00:00Z", "until": "2026-06-01T00:00:00Z"})
    assert long.status_code == 422
    backwards = alice_api.get(url, params={"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"})
    assert backwards.json()["error"] == "until must be after since"


def test_a_missing_schedule_is_a_404(alice_api):
    assert alice_api.get("/api/v1/schedules/999/oncall").status_code == 404


def test_instants_in_far_off_years_are_a_422_not_an_overflow(alice_api, schedule_id):
    response = alice_api.get(f"/api/v1/schedules/{schedule_id}/oncall", params={"at": "9999-12-31T23:00:00-05:00"})
    assert response.status_code == 422
    assert response.json()["error"] == "at must be between the years 1971 and 2200"
    report = alice_api.get("/api/v1/oncall/report", params={"since": "0001-01-01T00:00:00+05:00"})
    assert report.status_code == 422
