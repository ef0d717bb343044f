"""/api/v1/escalation-policies: admins write, everyone signed in reads; bad input is a 422 that says what to fix."""

from __future__ import annotations

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from test_paging_support import schedule_rule, user_rule
from warroom.schedules import service as schedules
from warroom.schedules.models import Schedule


def _body(*rules, name="Primary", repeat=0):
    return {"name": name, "description": "WMS first line", "repeat_count": repeat, "rules": list(rules)}


def test_an_admin_creates_reads_and_lists_a_policy(alice_api, charlie_api, bob, alice, make_ctx):
    with make_ctx() as ctx:
        schedule_id = schedules.create_schedule(ctx, name="WMS primary").id
    body = _body(schedule_rule(schedule_id, delay=5), user_rule(alice.id, delay=15), repeat=2)
    created = alice_api.post("/api/v1/escalation-policies", json=body)
    assert created.status_code == 201, created.text
    policy = created.json()
    assert policy["rules"] == [
        {
            "delay_minutes": 5,
            "targets": [{"type": "schedule", "id": schedule_id, "name": "WMS primary"}],
            "empty_last_time": False,
        },
        {"delay_minutes": 15, "targets": [{"type": "user", "id": alice.id, "name": "Alice"}], "empty_last_time": False},
    ]
    assert (policy["name"], policy["repeat_count"], policy["services"]) == ("Primary", 2, [])
    listing = charlie_api.get("/api/v1/escalation-policies").json()
    assert (listing["total"], [p["id"] for p in listing["items"]]) == (1, [policy["id"]])
    assert charlie_api.get(f"/api/v1/escalation-policies/{policy['id']}").json() == policy


def test_a_responder_cannot_create_or_edit_a_policy(bob_api, bob):
    response = bob_api.post("/api/v1/escalation-policies", json=_body(user_rule(bob.id)))
    assert response.status_code == 403


def test_bad_policies_get_a_422_that_says_what_to_fix(alice_api, bob):
    cases = [
        (_body(), "a policy needs at least one rule: who to page first"),
        (
            _body(user_rule(bob.id, delay=0), repeat=3),
            "rule 1: delay_minutes must be 1 to 1440 minutes before the next rule"
            " (with repeats, a zero delay would loop without pause)",
        ),
        (_body(user_rule(bob.id), repeat=11), "repeat_count must be between 0 and 10"),
        (_body(user_rule(bob.id), repeat=-1), "repeat_count must be between 0 and 10"),
        (_body(user_rule(4242)), "rules.0.targets: user 4242 does not exist or is deactivated"),
        (_body(schedule_rule(77)), "rules.0.targets: schedule 77 does not exist; create it under /schedules first"),
        (
            _body({"delay_minutes": 5, "targets": []}),
            "rules.0.targets needs at least one target (a user or a schedule)",
        ),
        (_body(user_rule(bob.id), name="  "), "the escalation policy name must not be empty"),
    ]
    for body, message in cases:
        response = alice_api.post("/api/v1/escalation-policies", json=body)
        assert (response.status_code, response.json()["error"]) == (422, message)
    unknown_field = alice_api.post("/api/v1/escalation-policies", json={**_body(user_rule(bob.id)), "loops": 2})
    assert unknown_field.status_code == 422


def test_a_policy_name_is_unique(alice_api, bob):
    assert alice_api.post("/api/v1/escalation-policies", json=_body(user_rule(bob.id))).status_code == 201
    again = alice_api.post("/api/v1/escalation-policies", json=_body(user_rule(bob.id), name="primary"))
    assert again.status_code == 409


def test_replacing_a_policy_changes_its_rules(alice_api, alice, bob):
    policy = alice_api.post("/api/v1/escalation-policies", json=_body(user_rule(bob.id))).json()
    response = alice_api.put(
        f"/api/v1/escalation-policies/{policy['id']}", json=_body(user_rule(alice.id, delay=9), name="Renamed")
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["rules"][0]["delay_minutes"]) == ("Renamed", 9)
    assert alice_api.put("/api/v1/escalation-policies/999", json=_body(user_rule(bob.id))).status_code == 404


def test_a_policy_in_use_cannot_be_deleted_until_its_services_move(alice_api, bob, make_ctx):
    from test_incidents_support import add_service

    service_id = add_service(make_ctx, "WMS")
    policy = alice_api.post("/api/v1/escalation-policies", json=_body(user_rule(bob.id))).json()
    alice_api.put(f"/api/v1/services/{service_id}/paging", json={"policy_id": policy["id"]})
    refused = alice_api.delete(f"/api/v1/escalation-policies/{policy['id']}")
    assert (refused.status_code, refused.json()["error"]) == (
        409,
        "escalation policy 'Primary' is used by WMS; point those services at another policy first",
    )
    assert alice_api.delete(f"/api/v1/services/{service_id}/paging").status_code == 204
    assert alice_api.delete(f"/api/v1/escalation-policies/{policy['id']}").status_code == 204
    assert alice_api.get(f"/api/v1/escalation-policies/{policy['id']}").status_code == 404


def test_a_schedule_a_policy_targets_cannot_be_deleted(alice_api, make_ctx):
    with make_ctx() as ctx:
        schedule_id = schedules.create_schedule(ctx, name="WMS primary").id
    policy = alice_api.post("/api/v1/escalation-policies", json=_body(schedule_rule(schedule_id))).json()
    with pytest.raises(IntegrityError), make_ctx() as ctx:
        ctx.session.execute(delete(Schedule).where(Schedule.id == schedule_id))
    alice_api.delete(f"/api/v1/escalation-policies/{policy['id']}")
    with make_ctx() as ctx:  # once no policy targets it, it can go
        ctx.session.execute(delete(Schedule).where(Schedule.id == schedule_id))
