"""Reminders run on the job queue a day before and a day after an action item's due date."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from test_review_support import T0, declare, run_jobs
from warroom.jobs.models import Job
from warroom.notify.models import Delivery

DUE = T0 + timedelta(days=7)


def _reminder_jobs(make_ctx):
    with make_ctx() as ctx:
        rows = ctx.session.scalars(select(Job).where(Job.name == "review.action_item_reminder").order_by(Job.run_at))
        return [(j.run_at, j.payload["when"], j.status) for j in rows]


def _emails(make_ctx):
    with make_ctx() as ctx:
        return [(d.target, d.subject) for d in ctx.session.scalars(select(Delivery).order_by(Delivery.id))]


def _create(api, bob, due=DUE):
    body = {"title": "Rotate keys", "type": "prevent", "owner_id": bob.id, "due_at": due.isoformat()}
    response = api.post(f"/api/v1/incidents/{declare(api)['id']}/action-items", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_reminders_are_queued_for_exact_instants(alice_api, bob, make_ctx):
    _create(alice_api, bob)
    assert _reminder_jobs(make_ctx) == [
        (T0 + timedelta(days=6), "before", "pending"),
        (T0 + timedelta(days=8), "after", "pending"),
    ]


def test_the_owner_is_reminded_before_and_after_the_due_date(alice_api, bob, make_ctx, db, clock, settings):
    item = _create(alice_api, bob)
    clock.set(T0 + timedelta(days=6) - timedelta(seconds=1))
    run_jobs(db, clock, settings)
    assert _emails(make_ctx) == []
    clock.set(T0 + timedelta(days=6))
    run_jobs(db, clock, settings)
    assert _emails(make_ctx) == [("bob@example.com", "Action item due 2026-03-08 12:00 UTC: Rotate keys")]
    clock.set(T0 + timedelta(days=8))
    run_jobs(db, clock, settings)
    assert _emails(make_ctx)[1] == ("bob@example.com", "Overdue: Rotate keys")
    body = alice_api.get(f"/api/v1/action-items/{item['id']}").json()
    assert (body["reminded_before_at"], body["reminded_after_at"]) == (
        "2026-03-07T12:00:00+00:00",
        "2026-03-09T12:00:00+00:00",
    )


def test_a_finished_item_is_not_reminded(alice_api, bob, make_ctx, db, clock, settings):
    item = _create(alice_api, bob)
    alice_api.patch(f"/api/v1/action-items/{item['id']}", json={"status": "done"})
    clock.set(T0 + timedelta(days=9))
    run_jobs(db, clock, settings)
    assert _emails(make_ctx) == []


def test_moving_the_due_date_moves_the_reminders(alice_api, bob, make_ctx, db, clock, settings):
    item = _create(alice_api, bob)
    moved = alice_api.patch(f"/api/v1/action-items/{item['id']}", json={"due_at": "2026-03-20T12:00:00Z"})
    assert moved.status_code == 200
    pending = [(at, when) for at, when, status in _reminder_jobs(make_ctx) if status == "pending"]
    assert pending == [(T0 + timedelta(days=18), "before"), (T0 + timedelta(days=20), "after")]
    clock.set(T0 + timedelta(days=8))
    run_jobs(db, clock, settings)
    assert _emails(make_ctx) == []


def test_an_item_due_within_a_day_gets_only_the_after_reminder(alice_api, bob, make_ctx):
    _create(alice_api, bob, due=T0 + timedelta(hours=5))
    assert _reminder_jobs(make_ctx) == [(T0 + timedelta(hours=29), "after", "pending")]
