"""Escalate now, reassign, page a role and add a responder: by hand, on the timeline with who."""

from __future__ import annotations

from datetime import timedelta

from test_paging_support import (
    advance_and_run,
    at,
    declare,
    escalation,
    make_policy,
    paged_service,
    pages,
    paging_events,
    run_jobs,
    user_rule,
)
from warroom.schedules import service as schedules


def _running(alice_api, make_ctx, db, clock, settings, *rules, repeat=0):
    policy = make_policy(make_ctx, *rules, repeat=repeat)
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    return incident


def test_escalate_now_pages_the_next_rule_at_once_and_keeps_its_delay(
    alice_api, bob_api, alice, bob, charlie, make_ctx, db, clock, settings
):
    rules = (user_rule(bob.id, delay=15), user_rule(alice.id, delay=10), user_rule(charlie.id))
    incident = _running(alice_api, make_ctx, db, clock, settings, *rules)
    clock.advance(minutes=2)
    response = bob_api.post(f"/api/v1/incidents/{incident}/escalation/escalate-now")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["state"], body["rule"], body["next_step_at"]) == ("active", 3, "2026-03-01T12:12:00Z")
    advance_and_run(db, clock, settings, minutes=9)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"]), (at(2), ["Alice"])]
    escalated = paging_events(make_ctx, incident, "paging.escalated")
    assert [d["summary"] for _k, _t, d in escalated] == ["Bob escalated now to rule 2"]
    advance_and_run(db, clock, settings, minutes=1)
    advance_and_run(db, clock, settings, minutes=3)  # the replaced rule-2 job was due at 12:15: it must not fire
    assert pages(make_ctx, incident) == [(at(0), ["Bob"]), (at(2), ["Alice"]), (at(12), ["Charlie"])]


def test_escalate_now_without_a_running_escalation_is_a_conflict(alice_api, make_ctx):
    from test_incidents_support import add_service

    add_service(make_ctx, "Quiet")
    incident = declare(alice_api, service="Quiet")
    response = alice_api.post(f"/api/v1/incidents/{incident}/escalation/escalate-now")
    assert response.status_code == 409
    assert "no running escalation" in response.json()["error"]


def test_reassigning_to_a_user_replaces_the_escalation_and_pages_them_now(
    alice_api, bob_api, alice, bob, charlie, make_ctx, db, clock, settings
):
    incident = _running(alice_api, make_ctx, db, clock, settings, user_rule(bob.id), user_rule(alice.id))
    clock.advance(minutes=1)
    response = bob_api.post(f"/api/v1/incidents/{incident}/escalation/reassign", json={"user_id": charlie.id})
    assert response.status_code == 200, response.text
    run_jobs(db, clock, settings)
    advance_and_run(db, clock, settings, minutes=4)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"]), (at(1), ["Charlie"])]
    summaries = [d["summary"] for k, _t, d in paging_events(make_ctx, incident) if k != "paging.notified"]
    assert summaries[1:] == [
        "Escalation replaced: Bob reassigned",
        "Bob reassigned the incident to Charlie",
        "Escalation started: 'Reassigned to Charlie' (high urgency), reassigned by Bob",
    ]
    assert escalation(make_ctx, incident).retrigger == 1


def test_reassigning_to_another_policy_takes_a_fresh_snapshot(
    alice_api, bob_api, alice, bob, charlie, make_ctx, db, clock, settings
):
    incident = _running(alice_api, make_ctx, db, clock, settings, user_rule(bob.id))
    other = make_policy(make_ctx, user_rule(alice.id, delay=3), user_rule(charlie.id), name="Database team")
    response = bob_api.post(f"/api/v1/incidents/{incident}/escalation/reassign", json={"policy_id": other})
    assert response.json()["policy_name"] == "Database team"
    run_jobs(db, clock, settings)
    advance_and_run(db, clock, settings, minutes=3)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"]), (at(0), ["Alice"]), (at(3), ["Charlie"])]


def test_reassign_needs_exactly_one_target(alice_api, bob, make_ctx, db, clock, settings):
    incident = _running(alice_api, make_ctx, db, clock, settings, user_rule(bob.id))
    url = f"/api/v1/incidents/{incident}/escalation/reassign"
    assert alice_api.post(url, json={}).status_code == 422
    assert alice_api.post(url, json={"user_id": 9999}).json()["error"] == "user 9999 does not exist or is deactivated"
    assert alice_api.post(url, json={"policy_id": 9999}).status_code == 422


def test_paging_the_incident_commander_pages_the_holder(alice_api, bob_api, alice, bob, make_ctx, db, clock, settings):
    incident = _running(alice_api, make_ctx, db, clock, settings, user_rule(bob.id))
    url = f"/api/v1/incidents/{incident}/escalation/page-role"
    nobody = bob_api.post(url, json={"role": "incident_commander"})
    assert nobody.status_code == 409
    assert nobody.json()["error"].startswith("nobody holds the Incident Commander role")
    alice_api.post(f"/api/v1/incidents/{incident}/roles", json={"role": "incident_commander", "user_id": alice.id})
    response = bob_api.post(url, json={"role": "incident_commander"})
    assert response.json() == {"users": [{"id": alice.id, "name": "Alice"}]}
    event = paging_events(make_ctx, incident, "paging.role_paged")[0]
    assert (
        event[2]["summary"] == "Bob paged Alice (Incident Commander) as Incident Commander (holding Incident Commander)"
    )


def test_paging_a_schedules_on_call_for_a_role(alice_api, bob_api, alice, bob, make_ctx, db, clock, settings):
    incident = _running(alice_api, make_ctx, db, clock, settings, user_rule(bob.id))
    with make_ctx() as ctx:
        schedule = schedules.create_schedule(ctx, name="IC rotation")
        schedules.add_layer(
            ctx,
            schedule,
            name="Weekly",
            rotation_start=at(0) - timedelta(days=1),
            turn_length=1,
            turn_unit="weeks",
            members=[alice.id],
        )
        schedule_id = schedule.id
    body = {"role": "incident_commander", "schedule_id": schedule_id}
    response = bob_api.post(f"/api/v1/incidents/{incident}/escalation/page-role", json=body)
    assert response.json() == {"users": [{"id": alice.id, "name": "Alice"}]}


def test_adding_a_responder_pages_them_once_outside_the_policy(
    alice_api, bob_api, alice, bob, charlie, make_ctx, db, clock, settings
):
    incident = _running(alice_api, make_ctx, db, clock, settings, user_rule(bob.id))
    response = bob_api.post(f"/api/v1/incidents/{incident}/escalation/responders", json={"user_id": charlie.id})
    assert response.json() == {"users": [{"id": charlie.id, "name": "Charlie"}]}
    added = paging_events(make_ctx, incident, "paging.responder_added")
    assert [(t, d["summary"]) for _k, t, d in added] == [(at(0), "Bob added Charlie as responder")]
    found = escalation(make_ctx, incident)  # the policy carries on untouched: next is the end of loop 1
    assert (found.state, found.loop, found.rule_index, found.steps_run) == ("active", 1, 0, 1)


def test_a_viewer_cannot_page_anyone(alice_api, charlie_api, bob, make_ctx, db, clock, settings):
    incident = _running(alice_api, make_ctx, db, clock, settings, user_rule(bob.id))
    for path, body in (("escalate-now", None), ("responders", {"user_id": bob.id}), ("reassign", {"user_id": bob.id})):
        response = charlie_api.post(f"/api/v1/incidents/{incident}/escalation/{path}", json=body)
        assert response.status_code == 403
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]


def test_a_resolved_incident_cannot_be_paged(alice_api, bob, make_ctx, db, clock, settings):
    incident = _running(alice_api, make_ctx, db, clock, settings, user_rule(bob.id))
    alice_api.post(f"/api/v1/incidents/{incident}/status", json={"status": "resolved"})
    response = alice_api.post(f"/api/v1/incidents/{incident}/escalation/responders", json={"user_id": bob.id})
    assert response.status_code == 409
    assert response.json()["error"] == f"incident {incident} is resolved; reopen it before paging anyone"
