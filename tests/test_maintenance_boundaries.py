"""Maintenance start and end are announced on topics at the exact instants, once, and not after a cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from warroom.catalog import service as catalog
from warroom.jobs.registry import SUBSCRIBERS, job, subscribe
from warroom.jobs.worker import Worker
from warroom.maintenance import service as maintenance

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HEARD: list[tuple[str, int, datetime]] = []


@job("test.maintenance.listener")
def listener(ctx: Any, payload: dict[str, Any]) -> None:
    HEARD.append((payload["topic"], payload["maintenance_id"], ctx.now()))


@pytest.fixture(autouse=True)
def listening() -> Any:
    HEARD.clear()
    topics = (maintenance.STARTED_TOPIC, maintenance.ENDED_TOPIC, maintenance.SCHEDULED_TOPIC)
    for topic in topics:
        subscribe(topic, "test.maintenance.listener")
    yield
    for topic in topics:
        SUBSCRIBERS[topic].remove("test.maintenance.listener")


def run(db: Any, clock: Any, settings: Any) -> None:
    Worker(db, clock, settings).run_due()


def test_started_and_ended_fire_at_the_window_edges(make_ctx, db, clock, settings, alice):
    with make_ctx(alice.user) as ctx:
        wms = catalog.create_service(ctx, name="wms", tier=1)
        window = maintenance.schedule(
            ctx,
            title="Upgrade",
            service_ids=[wms.id],
            starts_at=T0 + timedelta(minutes=30),
            ends_at=T0 + timedelta(hours=1),
        )
    run(db, clock, settings)
    assert [("maintenance.scheduled", window.id, T0)] == HEARD
    clock.advance(minutes=29, seconds=59)
    run(db, clock, settings)
    assert len(HEARD) == 1
    clock.advance(seconds=1)
    run(db, clock, settings)
    assert HEARD[-1] == ("maintenance.started", window.id, T0 + timedelta(minutes=30))
    clock.advance(minutes=30)
    run(db, clock, settings)
    run(db, clock, settings)
    assert HEARD[-1] == ("maintenance.ended", window.id, T0 + timedelta(hours=1))
    assert len(HEARD) == 3


def test_a_cancelled_window_never_starts(make_ctx, db, clock, settings, alice):
    with make_ctx(alice.user) as ctx:
        wms = catalog.create_service(ctx, name="wms", tier=1)
        window = maintenance.schedule(
            ctx,
            title="Upgrade",
            service_ids=[wms.id],
            starts_at=T0 + timedelta(minutes=30),
            ends_at=T0 + timedelta(hours=1),
        )
    with make_ctx(alice.user) as ctx:
        maintenance.end_now(ctx, maintenance.get_window(ctx, window.id))
    clock.advance(hours=2)
    run(db, clock, settings)
    assert [topic for topic, _id, _at in HEARD] == ["maintenance.scheduled"]


def test_a_moved_window_starts_at_its_new_time_only(make_ctx, db, clock, settings, alice):
    with make_ctx(alice.user) as ctx:
        wms = catalog.create_service(ctx, name="wms", tier=1)
        window = maintenance.schedule(
            ctx,
            title="Upgrade",
            service_ids=[wms.id],
            starts_at=T0 + timedelta(minutes=30),
            ends_at=T0 + timedelta(hours=2),
        )
    with make_ctx(alice.user) as ctx:
        maintenance.update(ctx, maintenance.get_window(ctx, window.id), starts_at=T0 + timedelta(hours=1))
    clock.advance(minutes=30)
    run(db, clock, settings)
    assert "maintenance.started" not in [topic for topic, _id, _at in HEARD]
    clock.advance(minutes=30)
    run(db, clock, settings)
    assert HEARD[-1] == ("maintenance.started", window.id, T0 + timedelta(hours=1))
