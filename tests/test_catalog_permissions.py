"""Everyone signed in reads the catalog; only admins (and owners) change it."""

from __future__ import annotations

import pytest

WRITES = [
    ("post", "/api/v1/services", {"name": "x", "tier": 1}),
    ("patch", "/api/v1/services/{service}", {"tier": 4}),
    ("delete", "/api/v1/services/{service}", None),
    ("put", "/api/v1/services/{service}/dependencies", {"depends_on": []}),
    ("post", "/api/v1/services/{service}/dependencies/other", None),
    ("delete", "/api/v1/services/{service}/dependencies/other", None),
    ("post", "/api/v1/teams", {"name": "t"}),
    ("patch", "/api/v1/teams/{team}", {"name": "t2"}),
    ("delete", "/api/v1/teams/{team}", None),
    ("put", "/api/v1/teams/{team}/members", {"user_ids": []}),
    ("post", "/api/v1/business-functions", {"name": "f"}),
    ("patch", "/api/v1/business-functions/{function}", {"name": "f2"}),
    ("delete", "/api/v1/business-functions/{function}", None),
    ("put", "/api/v1/business-functions/{function}/services", {"services": []}),
]


@pytest.fixture
def ids(alice_api):
    service = alice_api.post("/api/v1/services", json={"name": "wms", "tier": 1}).json()["id"]
    alice_api.post("/api/v1/services", json={"name": "other", "tier": 2})
    team = alice_api.post("/api/v1/teams", json={"name": "Ops"}).json()["id"]
    function = alice_api.post("/api/v1/business-functions", json={"name": "Picking"}).json()["id"]
    return {"service": service, "team": team, "function": function}


@pytest.mark.parametrize("persona", ["bob_api", "charlie_api"])
def test_responders_and_viewers_cannot_change_the_catalog(request, ids, persona):
    api = request.getfixturevalue(persona)
    role = "responder" if persona == "bob_api" else "viewer"
    for method, url, body in WRITES:
        response = getattr(api, method)(url.format(**ids), **({"json": body} if body is not None else {}))
        assert response.status_code == 403, (method, url)
        assert response.json()["error"] == f"this needs the admin role or higher; you are {role}"


def test_nothing_changed_after_refused_writes(alice_api, charlie_api, ids):
    charlie_api.delete(f"/api/v1/services/{ids['service']}")
    charlie_api.post("/api/v1/services", json={"name": "sneaky", "tier": 1})
    assert [s["name"] for s in alice_api.get("/api/v1/services").json()["items"]] == ["wms", "other"]


def test_viewers_can_read_everything(charlie_api, ids):
    for url in (
        "/api/v1/services",
        f"/api/v1/services/{ids['service']}",
        f"/api/v1/services/{ids['service']}/blast-radius",
        "/api/v1/teams",
        f"/api/v1/teams/{ids['team']}",
        "/api/v1/business-functions",
        f"/api/v1/business-functions/{ids['function']}",
    ):
        assert charlie_api.get(url).status_code == 200, url


def test_the_catalog_needs_authentication(client):
    assert client.get("/api/v1/services").status_code == 401
    assert client.post("/api/v1/services", json={"name": "x", "tier": 1}).status_code == 401
