"""Viewers read everything public but change nothing; every incident route needs a login."""

from __future__ import annotations

import pytest

from test_incidents_support import declare

WRITES = [
    ("POST", "/api/v1/incidents", {"title": "x", "severity": "SEV4"}),
    ("PATCH", "/api/v1/incidents/{id}", {"title": "y"}),
    ("POST", "/api/v1/incidents/{id}/status", {"status": "identified"}),
    ("POST", "/api/v1/incidents/{id}/severity", {"severity": "SEV1"}),
    ("POST", "/api/v1/incidents/{id}/acknowledge", None),
    ("PUT", "/api/v1/incidents/{id}/services", {"services": []}),
    ("POST", "/api/v1/incidents/{id}/roles", {"role": "scribe", "user_id": 1}),
    ("DELETE", "/api/v1/incidents/{id}/roles/scribe/1", None),
    ("POST", "/api/v1/incidents/{id}/notes", {"body": "x"}),
    ("POST", "/api/v1/incidents/{id}/timeline/{event}/corrections", {"body": "x"}),
    ("POST", "/api/v1/incidents/{id}/tasks", {"title": "x"}),
    ("PATCH", "/api/v1/incidents/{id}/tasks/{task}", {"status": "done"}),
]
READS = [
    "/api/v1/incidents",
    "/api/v1/incidents/{id}",
    "/api/v1/incidents/{id}/timeline",
    "/api/v1/incidents/{id}/tasks",
    "/api/v1/incidents/{id}/roles/history",
    "/api/v1/incidents/{id}/blast-radius",
]


@pytest.fixture
def ids(alice_api, alice):
    incident = declare(alice_api)
    alice_api.post(f"/api/v1/incidents/{incident['id']}/roles", json={"role": "scribe", "user_id": alice.id})
    task = alice_api.post(f"/api/v1/incidents/{incident['id']}/tasks", json={"title": "t"}).json()
    event = alice_api.get(f"/api/v1/incidents/{incident['id']}/timeline").json()["items"][0]
    return {"id": incident["id"], "event": event["id"], "task": task["id"]}


def test_a_viewer_gets_403_on_every_write_and_nothing_changes(charlie_api, alice_api, ids):
    before = alice_api.get(f"/api/v1/incidents/{ids['id']}/timeline").json()["total"]
    for method, url, body in WRITES:
        response = charlie_api.request(method, url.format(**ids), json=body)
        assert response.status_code == 403, (method, url, response.text)
        assert "responder" in response.json()["error"]
    assert alice_api.get(f"/api/v1/incidents/{ids['id']}/timeline").json()["total"] == before


def test_a_viewer_may_read_every_incident_view(charlie_api, ids):
    for url in READS:
        assert charlie_api.get(url.format(**ids)).status_code == 200, url


def test_anonymous_requests_are_401(client, ids):
    for method, url, body in WRITES:
        assert client.request(method, url.format(**ids), json=body).status_code == 401, url
    for url in READS:
        assert client.get(url.format(**ids)).status_code == 401, url


def test_a_responder_may_write(bob_api, ids):
    response = bob_api.post(f"/api/v1/incidents/{ids['id']}/notes", json={"body": "on it"})
    assert response.status_code == 201
