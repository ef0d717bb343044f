"""POST /api/v1/incidents/{id}/public-updates: the contract outside checks rely on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from status_helpers import add_service, declare
from warroom.jobs import registry
from warroom.jobs.models import Job
from warroom.status import service


@pytest.fixture(autouse=True)
def _listener():
    """A test-only subscriber, so the published topic shows up as a job row."""
    registry.subscribe("status.update_published", "status.test_listener")
    yield
    registry.SUBSCRIBERS["status.update_published"].remove("status.test_listener")


def _incident(make_ctx, alice, **kwargs):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        incident = declare(ctx, services=[api.id], **kwargs)
        return incident.id, api.id


def test_a_public_incident_is_not_on_the_status_page_until_an_update_is_published(client, alice_api):
    created = alice_api.post("/api/v1/incidents", json={"title": "Checkout errors internal", "severity": "SEV1"})
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]
    assert client.get("/status/api/v2/incidents.json").json()["incidents"] == []
    assert client.get(f"/status/incidents/{incident_id}").status_code == 404

    response = alice_api.post(
        f"/api/v1/incidents/{incident_id}/public-updates",
        json={"status": "investigating", "body": "We are looking into failed checkouts.", "name": "Checkout errors"},
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Checkout errors"
    assert body["status"] == "investigating"
    assert body["notify_subscribers"] is True
    listed = client.get("/status/api/v2/incidents.json").json()["incidents"]
    assert [(i["id"], i["name"], i["status"], i["impact"]) for i in listed] == [
        (str(incident_id), "Checkout errors", "investigating", "critical")
    ]
    assert "Checkout errors internal" not in client.get("/status").text
    assert client.get(f"/status/incidents/{incident_id}").status_code == 200


def test_the_first_update_needs_a_public_name(alice_api, make_ctx, alice):
    incident_id, _ = _incident(make_ctx, alice)

    response = alice_api.post(
        f"/api/v1/incidents/{incident_id}/public-updates", json={"status": "investigating", "body": "Looking."}
    )

    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "name"}


def test_later_updates_keep_the_public_name(alice_api, make_ctx, alice):
    incident_id, _ = _incident(make_ctx, alice)
    url = f"/api/v1/incidents/{incident_id}/public-updates"
    alice_api.post(url, json={"status": "investigating", "body": "Looking.", "name": "API errors"})

    second = alice_api.post(url, json={"status": "identified", "body": "Found it."})

    assert second.status_code == 201
    assert second.json()["name"] == "API errors"
    assert [u["status"] for u in alice_api.get(url).json()["items"]] == ["investigating", "identified"]


def test_a_private_incident_refuses_public_updates(alice_api, make_ctx, alice):
    incident_id, _ = _incident(make_ctx, alice, private=True)

    response = alice_api.post(
        f"/api/v1/incidents/{incident_id}/public-updates",
        json={"status": "investigating", "body": "Looking.", "name": "Leak"},
    )

    assert response.status_code == 409
    assert "private" in response.json()["error"]


def test_publishing_sets_components_records_an_event_and_publishes_a_job(alice_api, make_ctx, alice, db):
    incident_id, api_id = _incident(make_ctx, alice)

    response = alice_api.post(
        f"/api/v1/incidents/{incident_id}/public-updates",
        json={
            "status": "identified",
            "body": "Found it.",
            "name": "API errors",
            "components": {str(api_id): "partial_outage"},
            "notify_subscribers": False,
        },
    )

    assert response.status_code == 201, response.text
    update_id = response.json()["id"]
    with make_ctx() as ctx:
        assert service.component_statuses(ctx.session, ctx.now()) == {api_id: "partial_outage"}
        events = [e for e in _events(ctx, incident_id) if e.kind == "status.update_published"]
        jobs = ctx.session.scalars(select(Job).where(Job.name == "status.test_listener")).all()
    assert len(events) == 1
    assert events[0].data["update_id"] == update_id
    assert events[0].data["public_status"] == "identified"
    summary = "Public update published (identified) as “API errors”; subscribers not notified"
    assert events[0].data["summary"] == summary
    assert [j.payload for j in jobs] == [
        {
            "incident_id": incident_id,
            "update_id": update_id,
            "notify_subscribers": False,
            "topic": "status.update_published",
        }
    ]


def _events(ctx, incident_id):
    from warroom.incidents.models import TimelineEvent

    return list(ctx.session.scalars(select(TimelineEvent).where(TimelineEvent.incident_id == incident_id)))


def test_a_viewer_cannot_publish(charlie_api, make_ctx, alice):
    incident_id, _ = _incident(make_ctx, alice)

    response = charlie_api.post(
        f"/api/v1/incidents/{incident_id}/public-updates",
        json={"status": "investigating", "body": "Looking.", "name": "API"},
    )

    assert response.status_code == 403


def test_bad_bodies_are_422_and_missing_incidents_404(alice_api, make_ctx, alice):
    incident_id, api_id = _incident(make_ctx, alice)
    url = f"/api/v1/incidents/{incident_id}/public-updates"

    assert alice_api.post(url, json={"status": "fixed", "body": "x", "name": "n"}).status_code == 422
    assert alice_api.post(url, json={"status": "resolved", "body": "", "name": "n"}).status_code == 422
    bad_component = {"status": "resolved", "body": "x", "name": "n", "components": {str(api_id): "under_maintenance"}}
    assert alice_api.post(url, json=bad_component).status_code == 422
    unknown = {"status": "resolved", "body": "x", "name": "n", "components": {"999999": "major_outage"}}
    assert alice_api.post(url, json=unknown).status_code == 404
    missing = alice_api.post("/api/v1/incidents/999999/public-updates", json={"status": "resolved", "body": "x"})
    assert missing.status_code == 404
