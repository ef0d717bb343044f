"""PagerDuty Events v2 and v1 and change events: replies, dedup keys, acknowledge and resolve."""

from __future__ import annotations

from datetime import timedelta

from test_intake_support import integration, make_service
from warroom.intake import service as intake


def _trigger(key: str, dedup: str | None = None, severity: str = "critical") -> dict[str, object]:
    body: dict[str, object] = {
        "routing_key": key,
        "event_action": "trigger",
        "payload": {"summary": "Label printing fails", "source": "labels-1", "severity": severity, "group": "eu"},
        "links": [{"href": "https://grafana/d/1", "text": "Dashboard"}],
        "images": [{"src": "https://grafana/img.png", "alt": "graph"}],
        "unknown_field": 1,
    }
    if dedup is not None:
        body["dedup_key"] = dedup
    return body


def test_a_trigger_without_dedup_key_gets_one_generated_and_returned(client, alice_api, make_ctx):
    service_id = make_service(make_ctx, "Carrier Label API", tier=2)
    hook = integration(alice_api, service_id, "pagerduty")
    assert len(hook["key"]) == 32 and hook["key"].isalnum() and hook["key"] == hook["key"].lower()
    assert hook["url"] == "http://localhost:8000/v2/enqueue"

    response = client.post("/v2/enqueue", json=_trigger(hook["key"]))

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "success" and body["message"] == "Event processed"
    assert len(body["dedup_key"]) == 32
    alert = alice_api.get("/api/v1/alerts").json()["items"][0]
    assert alert["fingerprint"] == body["dedup_key"]
    assert alert["labels"] == {"group": "eu", "source": "labels-1", "severity": "critical"}
    assert [link["href"] for link in alert["links"]] == ["https://grafana/d/1", "https://grafana/img.png"]
    incident = alice_api.get("/api/v1/incidents").json()["items"][0]
    assert incident["severity"] == "SEV2"


def test_the_routing_key_may_come_in_a_header(client, alice_api, make_ctx):
    key = integration(alice_api, make_service(make_ctx), "pagerduty")["key"]
    body = _trigger("", "abc")
    del body["routing_key"]

    response = client.post("/v2/enqueue", json=body, headers={"X-Routing-Key": key})

    assert response.status_code == 202
    assert response.json()["dedup_key"] == "abc"


def test_acknowledge_acknowledges_the_incident_and_resolve_resolves_the_alert(client, alice_api, make_ctx):
    key = integration(alice_api, make_service(make_ctx), "pagerduty")["key"]
    client.post("/v2/enqueue", json=_trigger(key, "disk-1"))
    incident_id = alice_api.get("/api/v1/incidents").json()["items"][0]["id"]

    ack = client.post("/v2/enqueue", json={"routing_key": key, "event_action": "acknowledge", "dedup_key": "disk-1"})

    assert ack.status_code == 202 and ack.json()["dedup_key"] == "disk-1"
    incident = alice_api.get(f"/api/v1/incidents/{incident_id}").json()
    assert incident["acknowledged_at"] is not None
    events = alice_api.get(f"/api/v1/incidents/{incident_id}/timeline").json()["items"]
    acked = [e for e in events if e["kind"] == "incident.acknowledged"]
    assert [e["actor"]["name"] for e in acked] == ["pagerduty-events: WMS pagerduty"]
    assert {e["source"] for e in acked} == {"integration"}

    resolve = client.post("/v2/enqueue", json={"routing_key": key, "event_action": "resolve", "dedup_key": "disk-1"})

    assert resolve.status_code == 202
    assert alice_api.get("/api/v1/alerts").json()["items"][0]["status"] == "resolved"


def test_acknowledge_or_resolve_of_an_unknown_dedup_key_is_accepted(client, alice_api, make_ctx):
    key = integration(alice_api, make_service(make_ctx), "pagerduty")["key"]
    for action in ("acknowledge", "resolve"):
        response = client.post("/v2/enqueue", json={"routing_key": key, "event_action": action, "dedup_key": "nope"})
        assert response.status_code == 202
        assert response.json() == {"status": "success", "message": "Event processed", "dedup_key": "nope"}
    assert alice_api.get("/api/v1/alerts").json()["total"] == 0


def test_invalid_events_get_pagerdutys_error_shape(client, alice_api, make_ctx):
    key = integration(alice_api, make_service(make_ctx), "pagerduty")["key"]

    response = client.post("/v2/enqueue", json={"routing_key": key, "event_action": "trigger", "payload": {}})

    assert response.status_code == 400
    assert response.json() == {
        "status": "invalid event",
        "message": "Event object is invalid",
        "errors": [
            "'payload.summary' is missing or blank",
            "'payload.source' is missing or blank",
            "'payload.severity' must be one of critical, error, warning, info",
        ],
    }


def test_an_unknown_routing_key_is_404_in_pagerdutys_shape(client):
    response = client.post("/v2/enqueue", json=_trigger("a" * 32, "x"))
    assert response.status_code == 404
    assert response.json()["status"] == "invalid event"


def test_events_v1_trigger_and_resolve(client, alice_api, make_ctx):
    key = integration(alice_api, make_service(make_ctx), "pagerduty")["key"]
    body = {"service_key": key, "event_type": "trigger", "incident_key": "v1-key", "description": "Queue stuck"}

    response = client.post("/generic/2010-04-15/create_event.json", json={**body, "details": {"n": 3}})

    assert response.status_code == 200
    assert response.json() == {"status": "success", "message": "Event processed", "incident_key": "v1-key"}
    alert = alice_api.get("/api/v1/alerts").json()["items"][0]
    assert (alert["title"], alert["status"], alert["annotations"]) == ("Queue stuck", "firing", {"n": 3})
    resolve = {"service_key": key, "event_type": "resolve", "incident_key": "v1-key"}
    assert client.post("/generic/2010-04-15/create_event.json", json=resolve).status_code == 200
    assert alice_api.get("/api/v1/alerts").json()["items"][0]["status"] == "resolved"


def test_change_events_are_stored_and_listed_before_an_incident(client, alice_api, make_ctx, clock):
    service_id = make_service(make_ctx)
    key = integration(alice_api, service_id, "pagerduty")["key"]
    change = {
        "routing_key": key,
        "payload": {"summary": "Deploy wms 4.2", "source": "ci", "timestamp": "2026-03-01T11:30:00Z"},
        "links": [{"href": "https://ci/builds/42", "text": "Build"}],
    }

    response = client.post("/v2/change/enqueue", json=change)

    assert response.status_code == 202
    assert alice_api.get("/api/v1/incidents").json()["total"] == 0
    with make_ctx() as ctx:
        found = intake.changes_before(ctx.session, [service_id], clock.now(), timedelta(hours=2))
        assert [(c.summary, c.source, c.timestamp.isoformat()) for c in found] == [
            ("Deploy wms 4.2", "ci", "2026-03-01T11:30:00+00:00")
        ]
        assert intake.changes_before(ctx.session, [service_id], clock.now(), timedelta(minutes=29)) == []
