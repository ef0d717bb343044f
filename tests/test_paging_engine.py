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


def test_a_sev1_pages_rule_one_now_rule_two_after_its_delay_repeats_then_exhausts(
    alice_api, alice, bob, make_ctx, db, clock, settings
):
    policy = make_policy(make_ctx, user_rule(bob.id, delay=5), user_rule(alice.id, delay=10), repeat=1)
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]
    advance_and_run(db, clock, settings, minutes=4, seconds=59)
    assert len(pages(make_ctx, incident)) == 1
    advance_and_run(db, clock, settings, seconds=1)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"]), (at(5), ["Alice"])]
    advance_and_run(db, clock, settings, minutes=10)
    advance_and_run(db, clock, settings, minutes=5)
    assert pages(make_ctx, incident)[2:] == [(at(15), ["Bob"]), (at(20), ["Alice"])]
    assert escalation(make_ctx, incident).state == "active"
    advance_and_run(db, clock, settings, minutes=10)
    assert [(k, t) for k, t, _ in paging_events(make_ctx, incident, "paging.exhausted")] == [
        ("paging.exhausted", at(30))
    ]
    found = escalation(make_ctx, incident)
    assert (found.state, found.next_step_at) == ("exhausted", None)
    advance_and_run(db, clock, settings, minutes=30)
    assert len(pages(make_ctx, incident)) == 4


def test_the_timeline_says_who_was_paged_and_why(alice_api, alice, bob, make_ctx, db, clock, settings):
    policy = make_policy(make_ctx, user_rule(bob.id, alice.id), name="WMS escalation")
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    kinds = [(kind, data["summary"]) for kind, _at, data in paging_events(make_ctx, incident)]
    assert kinds == [
        ("paging.started", "Escalation started: 'WMS escalation' (high urgency), incident declared on WMS"),
        ("paging.notified", "Paged Bob, Alice (rule 1, loop 1)"),
    ]


def test_acknowledging_at_three_minutes_stops_before_rule_two(
    alice_api, bob_api, alice, bob, make_ctx, db, clock, settings
):
    policy = make_policy(make_ctx, user_rule(bob.id, delay=5), user_rule(alice.id))
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    clock.advance(minutes=3)
    assert bob_api.post(f"/api/v1/incidents/{incident}/acknowledge").status_code == 200
    run_jobs(db, clock, settings)
    advance_and_run(db, clock, settings, minutes=10)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]
    stopped = paging_events(make_ctx, incident, "paging.stopped")
    assert [(t, d["summary"]) for _k, t, d in stopped] == [(at(3), "Escalation stopped: acknowledged by Bob")]
    found = escalation(make_ctx, incident)
    assert (found.state, found.next_step_at) == ("acknowledged", None)


def test_resolving_stops_the_escalation(alice_api, alice, bob, make_ctx, db, clock, settings):
    policy = make_policy(make_ctx, user_rule(bob.id), user_rule(alice.id))
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    clock.advance(minutes=1)
    assert alice_api.post(f"/api/v1/incidents/{incident}/status", json={"status": "resolved"}).status_code == 200
    run_jobs(db, clock, settings)
    advance_and_run(db, clock, settings, minutes=30)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]
    assert escalation(make_ctx, incident).state == "resolved"


def test_an_incident_without_a_paged_service_opens_no_escalation(alice_api, make_ctx, db, clock, settings):
    from test_incidents_support import add_service

    add_service(make_ctx, "Quiet")
    incident = declare(alice_api, service="Quiet")
    run_jobs(db, clock, settings)
    assert paging_events(make_ctx, incident) == []
    assert alice_api.get(f"/api/v1/incidents/{incident}/escalation").json()["state"] == "none"


def test_the_most_critical_service_with_a_policy_decides(alice_api, alice, bob, make_ctx, db, clock, settings):
    bobs = make_policy(make_ctx, user_rule(bob.id), name="Bob first")
    alices = make_policy(make_ctx, user_rule(alice.id), name="Alice first")
    paged_service(make_ctx, bobs, name="Returns", tier=3)
    paged_service(make_ctx, alices, name="WMS", tier=1)
    body = {"title": "Both down", "severity": "SEV2", "services": ["Returns", "WMS"]}
    incident = alice_api.post("/api/v1/incidents", json=body).json()["id"]
    run_jobs(db, clock, settings)
    assert pages(make_ctx, incident) == [(at(0), ["Alice"])]


def test_reopening_a_resolved_incident_pages_again_from_rule_one(alice_api, alice, bob, make_ctx, db, clock, settings):
    policy = make_policy(make_ctx, user_rule(bob.id), user_rule(alice.id))
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    clock.advance(minutes=1)
    alice_api.post(f"/api/v1/incidents/{incident}/status", json={"status": "resolved"})
    run_jobs(db, clock, settings)
    clock.advance(minutes=9)
    assert alice_api.post(f"/api/v1/incidents/{incident}/status", json={"status": "investigating"}).status_code == 200
    run_jobs(db, clock, settings)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"]), (at(10), ["Bob"])]
    found = escalation(make_ctx, incident)
    assert (found.state, found.retrigger) == ("active", 1)
