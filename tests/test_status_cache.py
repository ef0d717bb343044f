"""The render cache: one render per generation, dropped on publish and on maintenance start/end."""

from __future__ import annotations

from datetime import timedelta

from status_helpers import add_service, declare
from warroom.jobs.worker import Worker
from warroom.maintenance import service as maintenance
from warroom.status import service


def test_the_page_is_rendered_once_and_served_from_memory(client, app):
    first = client.get("/status")
    second = client.get("/status")

    assert first.text == second.text
    assert app.state.status_cache.renders == 1
    assert second.headers["etag"] == first.headers["etag"]
    assert client.get("/status", headers={"If-None-Match": first.headers["etag"]}).status_code == 304


def test_publishing_an_update_invalidates_the_cache(client, app, alice_api, make_ctx, alice):
    with make_ctx(actor=alice.user) as ctx:
        incident_id = declare(ctx).id
    before = client.get("/status/api/v2/summary.json").json()
    assert before["incidents"] == []

    published = alice_api.post(
        f"/api/v1/incidents/{incident_id}/public-updates",
        json={"status": "investigating", "body": "Looking.", "name": "Trouble"},
    )
    assert published.status_code == 201

    after = client.get("/status/api/v2/summary.json").json()
    assert [i["name"] for i in after["incidents"]] == ["Trouble"]
    assert "Trouble" in client.get("/status").text


def test_a_maintenance_start_invalidates_the_cache_through_its_job(client, app, make_ctx, alice, clock, db, settings):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        starts = ctx.now() + timedelta(minutes=10, seconds=30)
        maintenance.schedule(
            ctx, title="Patch", service_ids=[api.id], starts_at=starts, ends_at=starts + timedelta(hours=1)
        )
    worker = Worker(db, clock, settings)
    worker.run_due()
    assert client.get("/status/api/v2/components.json").json()["components"][0]["status"] == "operational"
    renders = app.state.status_cache.renders

    clock.advance(minutes=10, seconds=40)
    worker.run_due()

    assert client.get("/status/api/v2/components.json").json()["components"][0]["status"] == "under_maintenance"
    assert app.state.status_cache.renders == renders + 1


def test_a_direct_component_change_invalidates_the_cache(client, make_ctx, alice):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
    assert client.get("/status/api/v2/status.json").json()["status"]["indicator"] == "none"

    with make_ctx(actor=alice.user) as ctx:
        service.set_component_statuses(ctx, {api.id: "degraded_performance"})

    assert client.get("/status/api/v2/status.json").json()["status"]["indicator"] == "minor"
