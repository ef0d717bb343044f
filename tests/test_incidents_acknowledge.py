from __future__ import annotations

from test_incidents_support import declare, events, kinds


def test_acknowledging_records_who_and_when_once(bob_api, alice_api, bob, clock):
    incident = declare(alice_api)
    clock.advance(minutes=3)
    first = bob_api.post(f"/api/v1/incidents/{incident['id']}/acknowledge")
    assert first.status_code == 200
    assert first.json()["acknowledged_at"] == "2026-03-01T12:03:00+00:00"
    assert first.json()["acknowledged_by"] == {"id": bob.id, "name": "Bob", "email": "bob@example.com"}
    ack = events(alice_api, incident["id"])[-1]
    assert ack["kind"] == "incident.acknowledged"
    assert ack["actor"] == {"id": bob.id, "name": "Bob"}
    assert ack["text"] == "acknowledged the incident"


def test_acknowledging_again_is_harmless_and_adds_no_event(bob_api, alice_api, bob, clock):
    incident = declare(alice_api)
    assert bob_api.post(f"/api/v1/incidents/{incident['id']}/acknowledge").status_code == 200
    clock.advance(minutes=10)
    again = alice_api.post(f"/api/v1/incidents/{incident['id']}/acknowledge")
    assert again.status_code == 200
    assert again.json()["acknowledged_at"] == "2026-03-01T12:00:00+00:00"
    assert again.json()["acknowledged_by"]["id"] == bob.id
    assert kinds(alice_api, incident["id"]) == ["incident.declared", "incident.acknowledged"]


def test_a_viewer_cannot_acknowledge(alice_api, charlie_api):
    incident = declare(alice_api)
    response = charlie_api.post(f"/api/v1/incidents/{incident['id']}/acknowledge")
    assert response.status_code == 403
    assert alice_api.get(f"/api/v1/incidents/{incident['id']}").json()["acknowledged_at"] is None


def test_acknowledging_a_missing_incident_is_404(alice_api):
    response = alice_api.post("/api/v1/incidents/77/acknowledge")
    assert response.status_code == 404
    assert "77" in response.json()["error"]
