"""Handoff notices: at each change of who is on call, the person coming on and the one going off get an email."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from warroom.jobs.models import Job
from warroom.jobs.worker import Worker
from warroom.notify.models import Delivery
from warroom.schedules import service as schedules
from warroom.schedules.handoffs import HANDOFF_JOB


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def mails(db) -> list[tuple[str, str, datetime]]:
    with db.transaction() as session:
        rows = session.scalars(select(Delivery).order_by(Delivery.id))
        return [(d.target, d.subject, d.created_at) for d in rows]


def test_it_emails_who_comes_on_and_who_goes_off_at_the_exact_handoff_instants(
    make_ctx, alice, bob, clock, db, settings
):
    clock.set(utc(2026, 3, 2, 8, 0))
    with make_ctx(actor=alice.user) as ctx:
        schedule = schedules.create_schedule(ctx, name="Primary", handoff_notices=True)
        schedules.add_layer(
            ctx,
            schedule,
            name="Daily",
            rotation_start=utc(2026, 3, 2, 9),
            turn_length=1,
            turn_unit="days",
            members=[alice.id, bob.id],
        )
    worker = Worker(db, clock, settings)
    clock.set(utc(2026, 3, 2, 8, 59, 59))
    worker.run_due()
    assert mails(db) == []
    clock.set(utc(2026, 3, 2, 9, 0))
    worker.run_due()
    assert mails(db) == [("alice@example.com", "You are now on call for Primary", utc(2026, 3, 2, 9))]
    clock.set(utc(2026, 3, 3, 9, 0))
    worker.run_due()
    assert mails(db)[1:] == [
        ("bob@example.com", "You are now on call for Primary", utc(2026, 3, 3, 9)),
        ("alice@example.com", "Your on-call shift for Primary has ended", utc(2026, 3, 3, 9)),
    ]
    with db.transaction() as session:
        pending = session.scalars(select(Job).where(Job.name == HANDOFF_JOB, Job.status == "pending")).all()
        assert [job.run_at for job in pending] == [utc(2026, 3, 4, 9)]


def test_a_schedule_without_notices_plans_no_job(make_ctx, alice, clock, db):
    clock.set(utc(2026, 3, 2, 8, 0))
    with make_ctx(actor=alice.user) as ctx:
        schedule = schedules.create_schedule(ctx, name="Quiet")
        schedules.add_layer(
            ctx,
            schedule,
            name="Daily",
            rotation_start=utc(2026, 3, 2, 9),
            turn_length=1,
            turn_unit="days",
            members=[alice.id],
        )
    with db.transaction() as session:
        assert session.scalars(select(Job).where(Job.name == HANDOFF_JOB)).all() == []


def test_a_notice_more_than_an_hour_late_is_skipped_and_the_next_one_planned(make_ctx, alice, bob, clock, db, settings):
    clock.set(utc(2026, 3, 2, 8, 0))
    with make_ctx(actor=alice.user) as ctx:
        schedule = schedules.create_schedule(ctx, name="Primary", handoff_notices=True)
        schedules.add_layer(
            ctx,
            schedule,
            name="Daily",
            rotation_start=utc(2026, 3, 2, 9),
            turn_length=1,
            turn_unit="days",
            members=[alice.id, bob.id],
        )
    clock.set(utc(2026, 3, 2, 10, 30))
    Worker(db, clock, settings).run_due()
    assert mails(db) == []
    with db.transaction() as session:
        pending = session.scalars(select(Job).where(Job.name == HANDOFF_JOB, Job.status == "pending")).all()
        assert [job.run_at for job in pending] == [utc(2026, 3, 3, 9)]
