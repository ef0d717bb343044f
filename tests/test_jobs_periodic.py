"""Periodic jobs: one row per (name, slot), the next tick chained at claim time, tested on fake time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from warroom.errors import Invalid
from warroom.jobs import service
from warroom.jobs.models import Job
from warroom.jobs.periodic import next_slot_after
from warroom.jobs.registry import job
from warroom.jobs.worker import Worker

TICKS: list[str] = []
FAIL = {"on": False}


@job("test.periodic.tick")
def tick(ctx: Any, payload: dict[str, Any]) -> None:
    TICKS.append(payload["_periodic"]["slot"])
    if FAIL["on"]:
        raise RuntimeError("tick failed")


@pytest.fixture(autouse=True)
def _reset() -> None:
    TICKS.clear()
    FAIL["on"] = False


def pending_ticks(db) -> list[tuple[str | None, datetime]]:
    with db.transaction() as session:
        rows = session.execute(
            select(Job.idempotency_key, Job.run_at)
            .where(Job.name == "test.periodic.tick", Job.status == "pending")
            .order_by(Job.run_at)
        )
        return [(key, run_at) for key, run_at in rows]


def test_slots_are_aligned_to_the_epoch():
    at = datetime(2026, 3, 1, 12, 0, 30, tzinfo=UTC)
    minute = timedelta(minutes=1)
    assert next_slot_after(at, minute, inclusive=True) == datetime(2026, 3, 1, 12, 1, tzinfo=UTC)
    on_boundary = datetime(2026, 3, 1, 12, 1, tzinfo=UTC)
    assert next_slot_after(on_boundary, minute, inclusive=True) == on_boundary
    assert next_slot_after(on_boundary, minute, inclusive=False) == datetime(2026, 3, 1, 12, 2, tzinfo=UTC)
    assert next_slot_after(at, timedelta(hours=6), inclusive=True) == datetime(2026, 3, 1, 18, 0, tzinfo=UTC)


def test_a_periodic_job_runs_once_per_slot_and_schedules_the_next(make_ctx, db, clock, settings):
    clock.set(datetime(2026, 3, 1, 12, 0, 30, tzinfo=UTC))
    with make_ctx() as ctx:
        first = service.schedule_periodic(ctx, "test.periodic.tick", every=timedelta(minutes=1))
        assert first.run_at == datetime(2026, 3, 1, 12, 1, tzinfo=UTC)
        assert first.idempotency_key == "test.periodic.tick:2026-03-01T12:01:00+00:00"
        # Calling it again (every start-up does) returns the pending tick.
        assert service.schedule_periodic(ctx, "test.periodic.tick", every=timedelta(minutes=1)).id == first.id

    worker_a = Worker(db, clock, settings, name="a")
    worker_b = Worker(db, clock, settings, name="b")
    clock.set(datetime(2026, 3, 1, 12, 0, 59, tzinfo=UTC))
    assert worker_a.run_due() == 0
    clock.set(datetime(2026, 3, 1, 12, 1, tzinfo=UTC))
    assert worker_a.run_due() == 1
    assert worker_b.run_due() == 0
    assert TICKS == ["2026-03-01T12:01:00+00:00"]
    assert pending_ticks(db) == [
        ("test.periodic.tick:2026-03-01T12:02:00+00:00", datetime(2026, 3, 1, 12, 2, tzinfo=UTC))
    ]

    clock.set(datetime(2026, 3, 1, 12, 2, tzinfo=UTC))
    assert worker_b.run_due() == 1
    assert TICKS == ["2026-03-01T12:01:00+00:00", "2026-03-01T12:02:00+00:00"]


def test_two_workers_enqueueing_the_same_tick_make_one_row(make_ctx, db, clock):
    slot = datetime(2026, 3, 1, 12, 5, tzinfo=UTC)
    with make_ctx() as ctx:
        one = service.enqueue(ctx, "test.periodic.tick", {}, run_at=slot, key=f"test.periodic.tick:{slot.isoformat()}")
    with make_ctx() as ctx:
        two = service.enqueue(ctx, "test.periodic.tick", {}, run_at=slot, key=f"test.periodic.tick:{slot.isoformat()}")
    assert one.id == two.id


def test_a_failing_tick_does_not_stop_the_chain(make_ctx, db, clock, settings):
    clock.set(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    with make_ctx() as ctx:
        service.schedule_periodic(ctx, "test.periodic.tick", every=timedelta(minutes=1))
    FAIL["on"] = True
    assert Worker(db, clock, settings).run_due() == 1
    assert pending_ticks(db) == [
        ("test.periodic.tick:2026-03-01T12:00:00+00:00", datetime(2026, 3, 1, 12, 0, 10, tzinfo=UTC)),
        ("test.periodic.tick:2026-03-01T12:01:00+00:00", datetime(2026, 3, 1, 12, 1, tzinfo=UTC)),
    ]


def test_missed_ticks_are_not_replayed_after_downtime(make_ctx, db, clock, settings):
    clock.set(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    with make_ctx() as ctx:
        service.schedule_periodic(ctx, "test.periodic.tick", every=timedelta(minutes=1))
    clock.set(datetime(2026, 3, 1, 12, 10, 30, tzinfo=UTC))
    assert Worker(db, clock, settings).run_due() == 1
    assert TICKS == ["2026-03-01T12:00:00+00:00"]
    assert pending_ticks(db) == [
        ("test.periodic.tick:2026-03-01T12:11:00+00:00", datetime(2026, 3, 1, 12, 11, tzinfo=UTC))
    ]


def test_a_period_under_a_second_is_refused(make_ctx):
    with make_ctx() as ctx, pytest.raises(Invalid, match="at most once a second"):
        service.schedule_periodic(ctx, "test.periodic.tick", every=timedelta(milliseconds=500))
