"""A running escalation keeps the policy it started with; later edits apply to new incidents only."""

from __future__ import annotations

from test_paging_support import (
    advance_and_run,
    at,
    declare,
    make_policy,
    paged_service,
    pages,
    run_jobs,
    user_rule,
)


def test_editing_the_policy_after_the_incident_opened_does_not_change_its_escalation(
    alice_api, alice, bob, charlie, make_ctx, db, clock, settings
):
    policy = make_policy(make_ctx, user_rule(bob.id), user_rule(alice.id))
    paged_service(make_ctx, policy)
    first = declare(alice_api)
    run_jobs(db, clock, settings)
    clock.advance(minutes=1)
    body = {"name": "Primary", "repeat_count": 0, "rules": [user_rule(charlie.id, delay=2)]}
    assert alice_api.put(f"/api/v1/escalation-policies/{policy}", json=body).status_code == 200
    second = declare(alice_api, title="Again")
    run_jobs(db, clock, settings)
    advance_and_run(db, clock, settings, minutes=4)
    assert pages(make_ctx, first) == [(at(0), ["Bob"]), (at(5), ["Alice"])]
    assert pages(make_ctx, second) == [(at(1), ["Charlie"])]
