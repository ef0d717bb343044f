"""The incident bridge: set through the API or the incident page, shown on top of the incident."""

from __future__ import annotations

import re

from conftest import ui_login


def _incident(api) -> int:
    return int(api.post("/api/v1/incidents", json={"title": "Down", "severity": "SEV2"}).json()["id"])


def test_a_responder_sets_and_replaces_the_bridge(bob_api, charlie_api) -> None:
    iid = _incident(bob_api)
    assert bob_api.get(f"/api/v1/incidents/{iid}/bridge").status_code == 404
    set_ = bob_api.put(f"/api/v1/incidents/{iid}/bridge", json={"url": "https://meet.example.com/x", "label": "Meet"})
    assert set_.status_code == 200
    assert (set_.json()["url"], set_.json()["label"]) == ("https://meet.example.com/x", "Meet")
    bob_api.put(f"/api/v1/incidents/{iid}/bridge", json={"url": "https://chat.example.com/room"})
    got = charlie_api.get(f"/api/v1/incidents/{iid}/bridge").json()
    assert (got["url"], got["label"]) == ("https://chat.example.com/room", "Bridge")
    kinds = [e["kind"] for e in bob_api.get(f"/api/v1/incidents/{iid}/timeline").json()["items"]]
    assert kinds.count("comms.bridge_set") == 2
    assert charlie_api.put(f"/api/v1/incidents/{iid}/bridge", json={"url": "https://x.example"}).status_code == 403
    assert bob_api.delete(f"/api/v1/incidents/{iid}/bridge").status_code == 204
    assert bob_api.delete(f"/api/v1/incidents/{iid}/bridge").status_code == 404


def test_only_http_and_https_links_are_accepted(bob_api) -> None:
    iid = _incident(bob_api)
    for url in ("javascript:alert(1)", "ftp://files.example.com", "https://", "meet.example.com/x", "https://a b.com"):
        response = bob_api.put(f"/api/v1/incidents/{iid}/bridge", json={"url": url})
        assert response.status_code == 422, url
    assert (
        bob_api.put(f"/api/v1/incidents/{iid}/bridge", json={"url": "https://x.example", "extra": 1}).status_code == 422
    )
    assert bob_api.put("/api/v1/incidents/999999/bridge", json={"url": "https://x.example"}).status_code == 404


def test_the_bridge_panel_sits_on_top_of_the_incident_page(client, bob, bob_api) -> None:
    iid = _incident(bob_api)
    csrf = ui_login(client, bob)
    page = client.get(f"/incidents/{iid}")
    assert "No bridge yet." in page.text
    posted = client.post(
        f"/incidents/{iid}/bridge",
        data={"url": "https://meet.example.com/sev2", "label": "War room call", "csrf_token": csrf},
        follow_redirects=True,
    )
    assert posted.status_code == 200
    assert re.search(r'<a href="https://meet.example.com/sev2"[^>]*><strong>War room call</strong></a>', posted.text)
    refused = client.post(f"/incidents/{iid}/bridge", data={"url": "javascript:alert(1)", "csrf_token": csrf})
    assert refused.status_code == 422
