"""Every acknowledge path stops the escalation: the API, the CLI, and the escalation's own action."""

from __future__ import annotations

import io
import json

from test_paging_support import (
    advance_and_run,
    at,
    declare,
    escalation,
    make_policy,
    paged_service,
    pages,
    run_jobs,
    user_rule,
)
from warroom.cli import CliApp, main


def _cli(settings, clock, *argv):
    out = io.StringIO()
    app = CliApp(settings=settings, clock=clock, out=out)
    try:
        code = main(list(argv), app=app)
    finally:
        app.close()
    return code, out.getvalue()


def _paging(alice_api, alice, bob, make_ctx, db, clock, settings):
    policy = make_policy(make_ctx, user_rule(bob.id), user_rule(alice.id))
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    return incident


def test_the_api_acknowledgement_stops_the_escalation_and_a_second_call_is_harmless(
    alice_api, bob_api, alice, bob, make_ctx, db, clock, settings
):
    incident = _paging(alice_api, alice, bob, make_ctx, db, clock, settings)
    clock.advance(minutes=2)
    assert bob_api.post(f"/api/v1/incidents/{incident}/acknowledge").status_code == 200
    assert bob_api.post(f"/api/v1/incidents/{incident}/acknowledge").status_code == 200
    run_jobs(db, clock, settings)
    advance_and_run(db, clock, settings, minutes=20)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]
    body = alice_api.get(f"/api/v1/incidents/{incident}/escalation").json()
    assert (body["state"], body["next_step_at"], body["history"][-1]["summary"]) == (
        "acknowledged",
        None,
        "Escalation stopped: acknowledged by Bob",
    )


def test_the_cli_acknowledgement_stops_the_escalation(alice_api, alice, bob, make_ctx, db, clock, settings):
    incident = _paging(alice_api, alice, bob, make_ctx, db, clock, settings)
    clock.advance(minutes=1)
    code, _out = _cli(settings, clock, "incident", "ack", str(incident), "--as", "bob@example.com")
    assert code == 0
    run_jobs(db, clock, settings)
    advance_and_run(db, clock, settings, minutes=20)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]
    assert escalation(make_ctx, incident).state == "acknowledged"


def test_the_cli_shows_and_steers_an_escalation(alice_api, alice, bob, make_ctx, db, clock, settings):
    incident = _paging(alice_api, alice, bob, make_ctx, db, clock, settings)
    code, out = _cli(settings, clock, "escalation", "show", str(incident))
    assert code == 0
    assert out.splitlines()[0] == (
        f"incident #{incident}: active, policy 'Primary', high urgency; next: rule 2 (loop 1) at "
        "2026-03-01T12:05:00+00:00 → Alice"
    )
    code, out = _cli(settings, clock, "escalation", "escalate", str(incident), "--as", "bob@example.com", "--json")
    assert (code, json.loads(out)["state"], json.loads(out)["rule"]) == (0, "active", 1)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"]), (at(0), ["Alice"])]
    code, out = _cli(settings, clock, "policy", "list")
    assert out == "   1  Primary  (2 rule(s), repeats 0; WMS)\n"
