"""Maintenance windows: scheduling, derived status, suppression lookups and the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.catalog import service as catalog
from warroom.errors import Conflict, Invalid, NotFound
from warroom.maintenance import service as maintenance

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def services(make_ctx, alice):
    with make_ctx(alice.user) as ctx:
        wms = catalog.create_service(ctx, name="wms", tier=1)
        labels = catalog.create_service(ctx, name="labels", tier=2)
        return wms.id, labels.id


def test_a_window_is_scheduled_then_in_progress_then_completed(make_ctx, clock, alice, services):
    wms, labels = services
    with make_ctx(alice.user) as ctx:
        window = maintenance.schedule(
            ctx,
            title="  DB   upgrade ",
            service_ids=[wms],
            starts_at=T0 + timedelta(hours=1),
            ends_at=T0 + timedelta(hours=2),
        )
        assert window.title == "DB upgrade"
        assert window.status_at(T0) == "scheduled"
        assert window.status_at(T0 + timedelta(hours=1)) == "in_progress"
        assert window.status_at(T0 + timedelta(hours=2)) == "completed"
        assert maintenance.suppressing_window(ctx.session, wms, T0) is None
        assert maintenance.suppressing_window(ctx.session, wms, T0 + timedelta(minutes=90)).id == window.id
        assert maintenance.suppressing_window(ctx.session, labels, T0 + timedelta(minutes=90)) is None
        assert maintenance.services_in_maintenance(ctx.session, T0 + timedelta(minutes=61)) == {wms}


def test_a_window_that_does_not_suppress_alerts_still_counts_as_maintenance(make_ctx, alice, services):
    wms, _ = services
    with make_ctx(alice.user) as ctx:
        maintenance.schedule(
            ctx,
            title="Rack move",
            service_ids=[wms],
            starts_at=T0,
            ends_at=T0 + timedelta(hours=1),
            suppress_alerts=False,
        )
        assert maintenance.suppressing_window(ctx.session, wms, T0 + timedelta(minutes=5)) is None
        assert maintenance.services_in_maintenance(ctx.session, T0 + timedelta(minutes=5)) == {wms}


def test_ending_early_and_cancelling(make_ctx, clock, alice, services):
    wms, _ = services
    with make_ctx(alice.user) as ctx:
        running = maintenance.schedule(
            ctx, title="Now", service_ids=[wms], starts_at=T0, ends_at=T0 + timedelta(hours=1)
        )
        later = maintenance.schedule(
            ctx,
            title="Later",
            service_ids=[wms],
            starts_at=T0 + timedelta(days=1),
            ends_at=T0 + timedelta(days=1, hours=1),
        )
    clock.advance(minutes=10)
    with make_ctx(alice.user) as ctx:
        maintenance.end_now(ctx, maintenance.get_window(ctx, running.id))
        maintenance.end_now(ctx, maintenance.get_window(ctx, later.id))
    with make_ctx(alice.user) as ctx:
        ended = maintenance.get_window(ctx, running.id)
        assert ended.status_at(clock.now()) == "completed"
        assert ended.effective_end == T0 + timedelta(minutes=10)
        assert maintenance.get_window(ctx, later.id).status_at(clock.now()) == "cancelled"
        assert maintenance.suppressing_window(ctx.session, wms, clock.now()) is None
        with pytest.raises(Conflict, match="already completed"):
            maintenance.end_now(ctx, ended)


def test_bad_windows_are_refused_with_the_reason(make_ctx, alice, services):
    wms, _ = services
    with make_ctx(alice.user) as ctx:
        with pytest.raises(Invalid, match="end after it starts"):
            maintenance.schedule(ctx, title="x", service_ids=[wms], starts_at=T0, ends_at=T0)
        with pytest.raises(Invalid, match="already ended"):
            maintenance.schedule(ctx, title="x", service_ids=[wms], starts_at=T0 - timedelta(hours=2), ends_at=T0)
        with pytest.raises(Invalid, match="at most 31 days"):
            maintenance.schedule(ctx, title="x", service_ids=[wms], starts_at=T0, ends_at=T0 + timedelta(days=40))
        with pytest.raises(NotFound, match="no service with id 999"):
            maintenance.schedule(ctx, title="x", service_ids=[999], starts_at=T0, ends_at=T0 + timedelta(hours=1))
        with pytest.raises(Invalid, match="needs a title"):
            maintenance.schedule(ctx, title="  ", service_ids=[wms], starts_at=T0, ends_at=T0 + timedelta(hours=1))


def test_the_api_schedules_lists_and_ends(alice_api, charlie_api, services):
    wms, labels = services
    body = {
        "title": "Inventory DB failover test",
        "service_ids": [wms, labels],
        "starts_at": "2026-03-01T14:00:00Z",
        "ends_at": "2026-03-01T15:00:00+00:00",
        "message": "Brief read-only mode.",
    }
    assert charlie_api.post("/api/v1/maintenance", json=body).status_code == 403
    created = alice_api.post("/api/v1/maintenance", json=body)
    assert created.status_code == 201, created.text
    window = created.json()
    assert window["status"] == "scheduled"
    assert window["starts_at"] == "2026-03-01T14:00:00+00:00"
    assert [s["name"] for s in window["services"]] == ["labels", "wms"]
    listed = alice_api.get("/api/v1/maintenance?status=scheduled").json()
    assert [w["id"] for w in listed["items"]] == [window["id"]]
    assert alice_api.get(f"/api/v1/maintenance?service_id={labels}").json()["total"] == 1
    patched = alice_api.patch(f"/api/v1/maintenance/{window['id']}", json={"ends_at": "2026-03-01T16:00:00Z"})
    assert patched.json()["ends_at"] == "2026-03-01T16:00:00+00:00"
    cancelled = alice_api.post(f"/api/v1/maintenance/{window['id']}/end")
    assert cancelled.json()["status"] == "cancelled"
    assert alice_api.post(f"/api/v1/maintenance/{window['id']}/end").status_code == 409
    assert alice_api.get("/api/v1/maintenance/424242").status_code == 404
    bad = alice_api.post("/api/v1/maintenance", json={**body, "service_ids": [0]})
    assert bad.status_code == 422
