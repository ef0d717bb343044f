"""SEV1/SEV2 page now; SEV3/SEV4 wait for support hours or notify without paging, per service."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

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
from warroom.jobs.models import Job

WEEKDAYS_BERLIN = {
    "timezone": "Europe/Berlin",
    "windows": [{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}],
}
MONDAY_0900_BERLIN = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # CET is UTC+1 in March before the switch


def test_a_low_urgency_incident_waits_for_support_hours_to_the_exact_instant(
    alice_api, bob, make_ctx, db, clock, settings
):
    policy = make_policy(make_ctx, user_rule(bob.id))
    paged_service(make_ctx, policy, support_hours=WEEKDAYS_BERLIN)
    incident = declare(alice_api, severity="SEV3")  # Sunday 12:00 UTC
    run_jobs(db, clock, settings)
    waiting = paging_events(make_ctx, incident, "paging.waiting")
    assert [(t, d["until"]) for _k, t, d in waiting] == [(at(0), MONDAY_0900_BERLIN.isoformat())]
    assert escalation(make_ctx, incident).next_step_at == MONDAY_0900_BERLIN
    clock.set(MONDAY_0900_BERLIN)
    clock.advance(seconds=-1)
    run_jobs(db, clock, settings)
    assert pages(make_ctx, incident) == []
    advance_and_run(db, clock, settings, seconds=1)
    assert pages(make_ctx, incident) == [(MONDAY_0900_BERLIN, ["Bob"])]


def test_a_low_urgency_incident_within_support_hours_pages_now(alice_api, bob, make_ctx, db, clock, settings):
    every_day = {"timezone": "UTC", "windows": [{"days": [0, 1, 2, 3, 4, 5, 6], "start": "08:00", "end": "20:00"}]}
    policy = make_policy(make_ctx, user_rule(bob.id))
    paged_service(make_ctx, policy, support_hours=every_day)
    incident = declare(alice_api, severity="SEV4")
    run_jobs(db, clock, settings)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]
    assert escalation(make_ctx, incident).urgency == "low"


def test_a_sev2_pages_now_even_outside_support_hours(alice_api, bob, make_ctx, db, clock, settings):
    policy = make_policy(make_ctx, user_rule(bob.id))
    paged_service(make_ctx, policy, support_hours=WEEKDAYS_BERLIN)
    incident = declare(alice_api, severity="SEV2")
    run_jobs(db, clock, settings)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]


def test_notify_without_paging_tells_rule_one_once_and_never_escalates(
    alice_api, alice, bob, make_ctx, db, clock, settings
):
    policy = make_policy(make_ctx, user_rule(bob.id), user_rule(alice.id), repeat=2)
    paged_service(make_ctx, policy, support_hours=WEEKDAYS_BERLIN, low_urgency="notify_without_paging")
    incident = declare(alice_api, severity="SEV3")
    run_jobs(db, clock, settings)
    advance_and_run(db, clock, settings, minutes=30)
    notified = paging_events(make_ctx, incident, "paging.notified")
    assert [(t, d["summary"]) for _k, t, d in notified] == [
        (at(0), "Low urgency outside support hours: notified Bob without paging")
    ]
    assert escalation(make_ctx, incident).state == "notified"
    with make_ctx() as ctx:
        assert ctx.session.scalars(select(Job).where(Job.name == "paging.step")).all() == []


def test_raising_a_waiting_incident_to_sev1_pages_at_once(alice_api, bob, make_ctx, db, clock, settings):
    policy = make_policy(make_ctx, user_rule(bob.id))
    paged_service(make_ctx, policy, support_hours=WEEKDAYS_BERLIN)
    incident = declare(alice_api, severity="SEV3")
    run_jobs(db, clock, settings)
    clock.advance(minutes=7)
    response = alice_api.post(f"/api/v1/incidents/{incident}/severity", json={"severity": "SEV1"})
    assert response.status_code == 200, response.text
    run_jobs(db, clock, settings)
    assert pages(make_ctx, incident) == [(at(7), ["Bob"])]
    assert escalation(make_ctx, incident).urgency == "high"
