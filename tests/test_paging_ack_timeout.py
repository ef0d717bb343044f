"""An acknowledgement timeout re-triggers paging from rule 1 if the incident is still unresolved."""

from __future__ import annotations

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


def _acked_at_three_minutes(alice_api, bob_api, alice, bob, make_ctx, db, clock, settings):
    policy = make_policy(make_ctx, user_rule(bob.id), user_rule(alice.id))
    paged_service(make_ctx, policy, ack_timeout_minutes=30)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    clock.advance(minutes=3)
    bob_api.post(f"/api/v1/incidents/{incident}/acknowledge")
    run_jobs(db, clock, settings)
    return incident


def test_an_unresolved_incident_is_paged_again_from_rule_one_after_the_ack_timeout(
    alice_api, bob_api, alice, bob, make_ctx, db, clock, settings
):
    incident = _acked_at_three_minutes(alice_api, bob_api, alice, bob, make_ctx, db, clock, settings)
    advance_and_run(db, clock, settings, minutes=29, seconds=59)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]
    advance_and_run(db, clock, settings, seconds=1)
    retriggered = paging_events(make_ctx, incident, "paging.retriggered")
    assert [(t, d["summary"], d["retrigger"]) for _k, t, d in retriggered] == [
        (at(33), "Still unresolved 30 min after the acknowledgement: paging again", 1)
    ]
    advance_and_run(db, clock, settings, minutes=5)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"]), (at(33), ["Bob"]), (at(38), ["Alice"])]
    found = escalation(make_ctx, incident)
    assert (found.state, found.retrigger) == ("active", 1)


def test_acknowledging_a_re_triggered_escalation_stops_it_again(
    alice_api, bob_api, alice, bob, make_ctx, db, clock, settings
):
    incident = _acked_at_three_minutes(alice_api, bob_api, alice, bob, make_ctx, db, clock, settings)
    advance_and_run(db, clock, settings, minutes=30)
    clock.advance(minutes=1)
    response = bob_api.post(f"/api/v1/incidents/{incident}/escalation/acknowledge")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["next_step_at"]) == ("acknowledged", None)
    advance_and_run(db, clock, settings, minutes=10)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"]), (at(33), ["Bob"])]


def test_a_resolved_incident_is_not_re_triggered(alice_api, bob_api, alice, bob, make_ctx, db, clock, settings):
    incident = _acked_at_three_minutes(alice_api, bob_api, alice, bob, make_ctx, db, clock, settings)
    clock.advance(minutes=10)
    alice_api.post(f"/api/v1/incidents/{incident}/status", json={"status": "resolved"})
    run_jobs(db, clock, settings)
    advance_and_run(db, clock, settings, minutes=40)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]
    assert paging_events(make_ctx, incident, "paging.retriggered") == []
    assert escalation(make_ctx, incident).state == "resolved"


def test_without_an_ack_timeout_an_acknowledged_escalation_stays_stopped(
    alice_api, bob_api, alice, bob, make_ctx, db, clock, settings
):
    policy = make_policy(make_ctx, user_rule(bob.id))
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    bob_api.post(f"/api/v1/incidents/{incident}/acknowledge")
    run_jobs(db, clock, settings)
    advance_and_run(db, clock, settings, hours=3)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]
