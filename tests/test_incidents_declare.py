from __future__ import annotations

from datetime import timedelta

from test_incidents_support import T0, add_service, declare, events


def test_it_declares_an_incident_in_investigating(alice_api, alice):
    response = alice_api.post("/api/v1/incidents", json={"title": "WMS is down", "severity": "SEV1"})
    assert response.status_code == 201
    body = response.json()
    assert isinstance(body["id"], int)
    assert body["status"] == "investigating"
    assert body["severity"] == "SEV1"
    assert body["title"] == "WMS is down"
    assert body["declared_at"] == "2026-03-01T12:00:00+00:00"
    assert body["detected_at"] == body["declared_at"]
    assert body["impact_started_at"] is None
    assert body["declared_by"] == {"id": alice.id, "name": "Alice", "email": "alice@example.com"}
    assert body["private"] is False
    assert body["exercise"] is False
    assert body["allowed_transitions"] == ["identified", "monitoring", "resolved"]
    assert body["url"] == f"/incidents/{body['id']}"


def test_the_declared_event_opens_the_timeline(alice_api):
    incident = declare(alice_api, title="Labels not printing", severity="SEV3")
    [event] = events(alice_api, incident["id"])
    assert event["kind"] == "incident.declared"
    assert event["text"] == "declared a SEV3 incident: Labels not printing"
    assert event["actor"] == {"id": incident["declared_by"]["id"], "name": "Alice"}
    assert event["source"] == "api"


def test_it_takes_services_by_id_or_name(alice_api, make_ctx):
    wms = add_service(make_ctx, "WMS", tier=1)
    add_service(make_ctx, "Picking", tier=1)
    labels = add_service(make_ctx, "Carrier Label API", tier=2)
    incident = declare(alice_api, services=[wms, "carrier label api"])
    assert [(s["id"], s["name"], s["tier"]) for s in incident["services"]] == [
        (wms, "WMS", 1),
        (labels, "Carrier Label API", 2),
    ]


def test_an_unknown_service_is_refused_with_its_name(alice_api):
    response = alice_api.post("/api/v1/incidents", json={"title": "x", "severity": "SEV2", "services": ["nope"]})
    assert response.status_code == 422
    assert "nope" in response.json()["error"]
    assert response.json()["detail"]["unknown"] == ["nope"]


def test_it_keeps_impact_and_backdated_instants_apart(alice_api):
    incident = declare(
        alice_api,
        impact="Orders cannot be picked in Hall 3",
        customers_affected=1200,
        regions=["EU", "UK"],
        segments=["B2B"],
        detected_at="2026-03-01T11:40:00Z",
        impact_started_at="2026-03-01T11:15:00+00:00",
        private=True,
        exercise=True,
    )
    assert incident["impact"] == "Orders cannot be picked in Hall 3"
    assert incident["customers_affected"] == 1200
    assert incident["regions"] == ["EU", "UK"]
    assert incident["segments"] == ["B2B"]
    assert incident["detected_at"] == "2026-03-01T11:40:00+00:00"
    assert incident["impact_started_at"] == "2026-03-01T11:15:00+00:00"
    assert incident["declared_at"] == "2026-03-01T12:00:00+00:00"
    assert incident["private"] is True
    assert incident["exercise"] is True


def test_a_time_without_zone_is_taken_as_utc(alice_api):
    incident = declare(alice_api, detected_at="2026-03-01T10:30:00")
    assert incident["detected_at"] == "2026-03-01T10:30:00+00:00"


def test_a_time_with_an_offset_is_returned_in_utc(alice_api):
    incident = declare(alice_api, impact_started_at="2026-03-01T12:30:00+02:00")
    assert incident["impact_started_at"] == "2026-03-01T10:30:00+00:00"


def test_detection_in_the_future_is_refused(alice_api):
    later = (T0 + timedelta(minutes=5)).isoformat()
    response = alice_api.post("/api/v1/incidents", json={"title": "x", "severity": "SEV2", "detected_at": later})
    assert response.status_code == 422
    assert "detected_at" in response.json()["error"]
    assert "future" in response.json()["error"]


def test_impact_start_in_the_future_is_refused(alice_api):
    later = (T0 + timedelta(seconds=1)).isoformat()
    response = alice_api.post("/api/v1/incidents", json={"title": "x", "severity": "SEV2", "impact_started_at": later})
    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "impact_started_at"}


def test_unknown_fields_are_refused(alice_api):
    response = alice_api.post("/api/v1/incidents", json={"title": "x", "severity": "SEV2", "sevrity": "SEV1"})
    assert response.status_code == 422
    assert "sevrity" in response.json()["error"]


def test_bad_severity_and_empty_title_are_refused(alice_api):
    assert alice_api.post("/api/v1/incidents", json={"title": "x", "severity": "SEV5"}).status_code == 422
    assert alice_api.post("/api/v1/incidents", json={"title": "", "severity": "SEV2"}).status_code == 422
    assert alice_api.post("/api/v1/incidents", json={"title": "x" * 301, "severity": "SEV2"}).status_code == 422
    assert alice_api.post("/api/v1/incidents", json={"severity": "SEV2"}).status_code == 422


def test_negative_customer_counts_and_absurd_years_are_refused(alice_api):
    base = {"title": "x", "severity": "SEV2"}
    assert alice_api.post("/api/v1/incidents", json={**base, "customers_affected": -1}).status_code == 422
    assert alice_api.post("/api/v1/incidents", json={**base, "customers_affected": 10**12}).status_code == 422
    response = alice_api.post("/api/v1/incidents", json={**base, "detected_at": "0001-01-01T00:00:00+05:00"})
    assert response.status_code == 422


def test_control_characters_are_refused(alice_api):
    response = alice_api.post("/api/v1/incidents", json={"title": "bad\u0000title", "severity": "SEV2"})
    assert response.status_code == 422


def test_a_commander_can_be_named_when_declaring(alice_api, bob):
    incident = declare(alice_api, severity="SEV1", commander_id=bob.id)
    assert incident["roles"]["incident_commander"] == [{"id": bob.id, "name": "Bob", "email": "bob@example.com"}]
    assert incident["needs_commander"] is False
    assert [e["kind"] for e in events(alice_api, incident["id"])] == ["incident.declared", "role.assigned"]


def test_an_unknown_commander_is_refused(alice_api):
    response = alice_api.post("/api/v1/incidents", json={"title": "x", "severity": "SEV1", "commander_id": 999})
    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "commander_id"}
    assert alice_api.get("/api/v1/incidents").json()["total"] == 0


def test_a_responder_may_declare_and_a_viewer_may_not(bob_api, charlie_api):
    assert bob_api.post("/api/v1/incidents", json={"title": "x", "severity": "SEV4"}).status_code == 201
    response = charlie_api.post("/api/v1/incidents", json={"title": "x", "severity": "SEV4"})
    assert response.status_code == 403
    assert "responder" in response.json()["error"]


def test_reading_needs_authentication(client):
    assert client.get("/api/v1/incidents").status_code == 401
    assert client.post("/api/v1/incidents", json={"title": "x", "severity": "SEV4"}).status_code == 401
