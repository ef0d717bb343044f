"""Uptime: exact seconds per state per UTC day from status history, maintenance excluded, no data kept apart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from status_helpers import add_service
from warroom.jobs.worker import Worker
from warroom.maintenance import service as maintenance
from warroom.status import service
from warroom.status.models import DailyUptime
from warroom.status.uptime import compute_days, overall_uptime

DAY1 = date(2026, 3, 1)


def _at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_seconds_per_state_maintenance_and_no_data_are_exact(make_ctx, alice, clock):
    clock.set(_at(6))
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        service.set_component_statuses(ctx, {api.id: "operational"})  # 06:00, before that: no data
        maintenance.schedule(ctx, title="Patch", service_ids=[api.id], starts_at=_at(8), ends_at=_at(9))
    clock.set(_at(10))
    with make_ctx(actor=alice.user) as ctx:
        service.set_component_statuses(ctx, {api.id: "major_outage"})
    clock.set(_at(10, 30))
    with make_ctx(actor=alice.user) as ctx:
        service.set_component_statuses(ctx, {api.id: "partial_outage"})
    clock.set(_at(12))
    with make_ctx(actor=alice.user) as ctx:
        service.set_component_statuses(ctx, {api.id: "operational"})
    clock.set(_at(6, day=2))

    with make_ctx() as ctx:
        (day,) = compute_days(ctx.session, api.id, DAY1, DAY1, ctx.now())

    assert day.seconds == {
        "operational": 3 * 3600 + 12 * 3600,  # 06-08, 09-10, and 12-24
        "degraded_performance": 0,
        "partial_outage": 5400,
        "major_outage": 1800,
        "maintenance": 3600,
        "no_data": 6 * 3600,
    }
    assert day.measured == 17 * 3600
    assert day.uptime == 1 - (1800 + 0.3 * 5400) / (17 * 3600)
    assert day.worst == "major_outage"


def test_the_daily_job_stores_totals_that_the_bars_then_use(make_ctx, alice, clock):
    clock.set(_at(0))
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        service.set_component_statuses(ctx, {api.id: "degraded_performance"})
    clock.set(_at(0, day=2) + timedelta(minutes=5))

    with make_ctx() as ctx:
        assert service.record_day(ctx, DAY1) == 1
    with make_ctx() as ctx:
        row = ctx.session.scalar(select(DailyUptime).where(DailyUptime.service_id == api.id))
        assert (row.day, row.degraded_performance, row.operational, row.no_data) == (DAY1, 86_400, 0, 0)
        days = compute_days(ctx.session, api.id, DAY1, date(2026, 3, 2), ctx.now())
    assert [d.seconds["no_data"] for d in days] == [0, 86_400 - 300]
    assert overall_uptime(days) == 1.0


def test_a_day_entirely_in_maintenance_is_shown_as_maintenance_not_up(make_ctx, alice, clock):
    clock.set(_at(0))
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        service.set_component_statuses(ctx, {api.id: "operational"})
        maintenance.schedule(ctx, title="Move", service_ids=[api.id], starts_at=_at(0), ends_at=_at(0, day=2))
    clock.set(_at(0, day=3))

    with make_ctx() as ctx:
        (day,) = compute_days(ctx.session, api.id, DAY1, DAY1, ctx.now())

    assert day.seconds["maintenance"] == 86_400
    assert day.seconds["operational"] == 0
    assert day.uptime is None
    assert day.worst == "maintenance"


def test_the_nightly_job_keeps_yesterdays_totals(make_ctx, alice, clock, db, settings):
    clock.set(_at(6))
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        service.set_component_statuses(ctx, {api.id: "operational"})
    worker = Worker(db, clock, settings)

    clock.set(_at(0, day=2) + timedelta(seconds=1))
    worker.run_due()

    with make_ctx() as ctx:
        rows = ctx.session.scalars(select(DailyUptime)).all()
    assert [(r.day, r.operational, r.no_data) for r in rows] == [(DAY1, 18 * 3600, 6 * 3600)]
