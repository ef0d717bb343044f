"""Step jobs are idempotent, empty rules are skipped at once, and the auditor repairs lost steps."""

from __future__ import annotations

from sqlalchemy import delete, select

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
    schedule_rule,
    user_rule,
)
from warroom.jobs.models import Job
from warroom.paging import engine
from warroom.paging.models import EscalationPolicy
from warroom.schedules import service as schedules


def _step_jobs(make_ctx):
    with make_ctx() as ctx:
        rows = ctx.session.scalars(select(Job).where(Job.name == engine.STEP_JOB).order_by(Job.id))
        return [(j.idempotency_key, j.status, dict(j.payload)) for j in rows]


def test_a_duplicate_step_job_does_nothing(alice_api, alice, bob, make_ctx, db, clock, settings):
    policy = make_policy(make_ctx, user_rule(bob.id), user_rule(alice.id))
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    # Rule 1 ran inline when paging started; the only step job is rule 2's, due after rule 1's delay.
    steps = _step_jobs(make_ctx)
    assert [key for key, _status, _payload in steps] == [f"paging:{escalation(make_ctx, incident).id}:0:1:0"]
    rule_1 = {**steps[0][2], "rule": 0, "version": 1}  # the payload rule 1's job would have had
    with make_ctx() as ctx:  # rule 1's step delivered again (a retried claim), under a fresh key
        ctx.session.add(
            Job(name=engine.STEP_JOB, payload=rule_1, status="pending", run_at=clock.now(), created_at=clock.now())
        )
    run_jobs(db, clock, settings)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]
    assert escalation(make_ctx, incident).rule_index == 1


def test_a_stale_step_job_after_an_acknowledgement_does_nothing(
    alice_api, bob_api, alice, bob, make_ctx, db, clock, settings
):
    policy = make_policy(make_ctx, user_rule(bob.id), user_rule(alice.id))
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    pending = _step_jobs(make_ctx)[-1]
    bob_api.post(f"/api/v1/incidents/{incident}/acknowledge")
    run_jobs(db, clock, settings)
    with make_ctx() as ctx:  # resurrect the rule-2 job the acknowledgement cancelled
        job = ctx.session.scalar(select(Job).where(Job.idempotency_key == pending[0]))
        assert job.status == "cancelled"
        job.status = "pending"
    advance_and_run(db, clock, settings, minutes=5)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"])]


def test_a_rule_that_resolves_to_nobody_is_skipped_at_once_and_flagged(
    alice_api, alice, bob, make_ctx, db, clock, settings
):
    with make_ctx() as ctx:
        empty = schedules.create_schedule(ctx, name="Nobody yet").id
    policy = make_policy(make_ctx, schedule_rule(empty, delay=10), user_rule(bob.id))
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    events = [(kind, t, data["summary"]) for kind, t, data in paging_events(make_ctx, incident)][1:]
    assert events == [
        ("paging.rule_skipped", at(0), 'Rule 1 skipped: schedule "Nobody yet" resolved to nobody'),
        ("paging.notified", at(0), "Paged Bob (rule 2, loop 1)"),
    ]
    with make_ctx() as ctx:
        flags = ctx.session.get(EscalationPolicy, policy).empty_rule_flags
    assert flags == {"0": {"at": at(0).isoformat(), "incident_id": incident}}
    assert alice_api.get(f"/api/v1/escalation-policies/{policy}").json()["rules"][0]["empty_last_time"] is True


def test_an_escalation_whose_every_rule_is_empty_is_exhausted_at_once(alice_api, make_ctx, db, clock, settings):
    with make_ctx() as ctx:
        empty = schedules.create_schedule(ctx, name="Nobody yet").id
    policy = make_policy(make_ctx, schedule_rule(empty), repeat=3)
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    kinds = [(kind, t) for kind, t, _data in paging_events(make_ctx, incident)]
    assert kinds == [("paging.started", at(0)), ("paging.rule_skipped", at(0)), ("paging.exhausted", at(0))]
    assert escalation(make_ctx, incident).state == "exhausted"


def test_the_auditor_re_enqueues_a_deleted_step_job(alice_api, alice, bob, make_ctx, db, clock, settings):
    policy = make_policy(make_ctx, user_rule(bob.id), user_rule(alice.id))
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    with make_ctx() as ctx:
        ctx.session.execute(delete(Job).where(Job.name == engine.STEP_JOB, Job.status == "pending"))
    advance_and_run(db, clock, settings, minutes=1)  # the auditor's tick at 12:01
    repaired = paging_events(make_ctx, incident, "paging.repaired")
    assert [(t, d["summary"]) for _k, t, d in repaired] == [
        (at(1), "Auditor found no pending step for this escalation and re-scheduled it at 12:05 UTC")
    ]
    advance_and_run(db, clock, settings, minutes=4)
    assert pages(make_ctx, incident) == [(at(0), ["Bob"]), (at(5), ["Alice"])]
    advance_and_run(db, clock, settings, minutes=1)
    assert len(paging_events(make_ctx, incident, "paging.repaired")) == 1


def test_the_auditor_starts_an_escalation_the_declare_event_missed(alice_api, bob, make_ctx, db, clock, settings):
    policy = make_policy(make_ctx, user_rule(bob.id))
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    with make_ctx() as ctx:
        ctx.session.execute(delete(Job).where(Job.name == "paging.on_declared"))
    run_jobs(db, clock, settings)
    assert pages(make_ctx, incident) == []
    advance_and_run(db, clock, settings, minutes=1)
    started = paging_events(make_ctx, incident, "paging.started")
    assert [d["summary"] for _k, _t, d in started] == [
        "Escalation started: 'Primary' (high urgency), started by the auditor on WMS"
    ]
    assert pages(make_ctx, incident) == [(at(1), ["Bob"])]
