"""/api/v1/services: the contract outside tools rely on (shapes, status codes, filters)."""

from __future__ import annotations


def _create(api, name, **fields):
    response = api.post("/api/v1/services", json={"name": name, "tier": fields.pop("tier", 2), **fields})
    assert response.status_code == 201, response.text
    return response.json()


def test_creating_a_service_returns_201_with_the_full_record(alice_api):
    team = alice_api.post("/api/v1/teams", json={"name": "Warehouse Platform"}).json()
    _create(alice_api, "inventory-db", tier=1)
    response = alice_api.post(
        "/api/v1/services",
        json={
            "name": "wms",
            "tier": 1,
            "description": "Warehouse Management System",
            "team_id": team["id"],
            "runbook_url": "https://wiki.example.com/runbooks/wms",
            "public": True,
            "depends_on": ["inventory-db"],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert isinstance(body["id"], int)
    assert {k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at", "depends_on")} == {
        "name": "wms",
        "description": "Warehouse Management System",
        "tier": 1,
        "tier_name": "Mission critical",
        "team_id": team["id"],
        "team": {"id": team["id"], "name": "Warehouse Platform"},
        "runbook_url": "https://wiki.example.com/runbooks/wms",
        "public": True,
        "dependents": [],
        "business_functions": [],
    }
    assert [d["name"] for d in body["depends_on"]] == ["inventory-db"]
    assert body["created_at"] == "2026-03-01T12:00:00Z"


def test_unknown_fields_are_refused(alice_api):
    response = alice_api.post("/api/v1/services", json={"name": "wms", "tier": 1, "owner": "me"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "body.owner"


def test_tier_must_be_between_1_and_4(alice_api):
    for tier in (0, 5, -1, "1", True, 1.5):
        response = alice_api.post("/api/v1/services", json={"name": "wms", "tier": tier})
        assert response.status_code == 422, tier
    assert alice_api.get("/api/v1/services").json()["total"] == 0


def test_a_missing_tier_is_refused(alice_api):
    response = alice_api.post("/api/v1/services", json={"name": "wms"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "body.tier"


def test_names_are_unique_without_regard_to_case(alice_api):
    first = _create(alice_api, "WMS")
    response = alice_api.post("/api/v1/services", json={"name": " wms ", "tier": 3})
    assert response.status_code == 409
    assert response.json()["error"] == (
        f"a service named 'WMS' already exists (id {first['id']}); pick another name or edit that one"
    )


def test_renaming_onto_an_existing_name_is_a_conflict(alice_api):
    _create(alice_api, "wms")
    other = _create(alice_api, "labels")
    response = alice_api.patch(f"/api/v1/services/{other['id']}", json={"name": "WMS"})
    assert response.status_code == 409
    assert alice_api.get(f"/api/v1/services/{other['id']}").json()["name"] == "labels"


def test_unknown_dependencies_are_named(alice_api):
    response = alice_api.post("/api/v1/services", json={"name": "wms", "tier": 1, "depends_on": ["nope", 4242]})
    assert response.status_code == 422
    assert response.json()["error"] == (
        "unknown service(s): nope, 4242; create them first or use an existing id or name"
    )


def test_an_unknown_team_is_refused(alice_api):
    response = alice_api.post("/api/v1/services", json={"name": "wms", "tier": 1, "team_id": 77})
    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "team_id"}


def test_the_list_has_items_total_limit_and_offset_most_critical_first(alice_api, charlie_api):
    _create(alice_api, "blog", tier=4)
    _create(alice_api, "wms", tier=1)
    _create(alice_api, "labels", tier=1)
    response = charlie_api.get("/api/v1/services?limit=2")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "total", "limit", "offset"}
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 0)
    assert [s["name"] for s in body["items"]] == ["labels", "wms"]
    second = charlie_api.get("/api/v1/services?limit=2&offset=2").json()
    assert [s["name"] for s in second["items"]] == ["blog"]


def test_the_list_filters_by_tier_team_text_and_visibility(alice_api):
    team = alice_api.post("/api/v1/teams", json={"name": "Shipping"}).json()
    _create(alice_api, "labels", tier=1, team_id=team["id"], public=True, description="Carrier labels")
    _create(alice_api, "wms", tier=1)
    _create(alice_api, "carrier-sync", tier=3, team_id=team["id"])

    def names(query):
        response = alice_api.get(f"/api/v1/services?{query}")
        assert response.status_code == 200, response.text
        return [s["name"] for s in response.json()["items"]]

    assert names("tier=1") == ["labels", "wms"]
    assert names(f"team={team['id']}") == ["labels", "carrier-sync"]
    assert names("team=shipping") == ["labels", "carrier-sync"]
    assert names("q=CARRIER") == ["labels", "carrier-sync"]
    assert names("public=true") == ["labels"]
    assert names("public=false&tier=1") == ["wms"]
    assert names("q=100%25") == []


def test_filtering_by_an_unknown_team_says_so(alice_api):
    response = alice_api.get("/api/v1/services?team=ghosts")
    assert response.status_code == 422
    assert response.json()["error"].startswith("no team with id or name 'ghosts'")


def test_a_bad_filter_value_is_422(alice_api):
    assert alice_api.get("/api/v1/services?tier=9").status_code == 422
    assert alice_api.get("/api/v1/services?limit=0").status_code == 422
    assert alice_api.get("/api/v1/services?limit=201").status_code == 422


def test_get_shows_dependencies_dependents_functions_and_team(alice_api):
    db = _create(alice_api, "inventory-db", tier=1)
    wms = _create(alice_api, "wms", tier=1, depends_on=[db["id"]])
    _create(alice_api, "picking", tier=2, depends_on=["wms"])
    alice_api.post("/api/v1/business-functions", json={"name": "Order picking", "services": ["wms"]})
    body = alice_api.get(f"/api/v1/services/{wms['id']}").json()
    assert body["depends_on"] == [{"id": db["id"], "name": "inventory-db", "tier": 1}]
    assert [d["name"] for d in body["dependents"]] == ["picking"]
    assert [f["name"] for f in body["business_functions"]] == ["Order picking"]
    assert body["team"] is None


def test_a_missing_service_is_404(charlie_api):
    response = charlie_api.get("/api/v1/services/12345")
    assert response.status_code == 404
    assert response.json()["error"] == "service 12345 does not exist"


def test_patch_changes_only_the_given_fields_and_null_clears_team_and_runbook(alice_api, clock):
    team = alice_api.post("/api/v1/teams", json={"name": "Shipping"}).json()
    created = _create(alice_api, "labels", tier=2, team_id=team["id"], runbook_url="https://x.example/rb")
    clock.advance(minutes=5)
    response = alice_api.patch(
        f"/api/v1/services/{created['id']}", json={"tier": 1, "team_id": None, "runbook_url": None}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["tier"], body["team"], body["runbook_url"], body["name"]) == (1, None, None, "labels")
    assert body["updated_at"] == "2026-03-01T12:05:00Z"


def test_patch_refuses_null_for_required_fields(alice_api):
    created = _create(alice_api, "labels")
    response = alice_api.patch(f"/api/v1/services/{created['id']}", json={"tier": None})
    assert response.status_code == 422
    assert "tier cannot be null" in response.json()["error"]


def test_dependencies_can_be_added_replaced_and_removed(alice_api):
    _create(alice_api, "inventory-db", tier=1)
    _create(alice_api, "cache", tier=3)
    wms = _create(alice_api, "wms", tier=1)
    added = alice_api.post(f"/api/v1/services/{wms['id']}/dependencies/inventory-db")
    assert added.status_code == 200
    assert [d["name"] for d in added.json()["depends_on"]] == ["inventory-db"]
    again = alice_api.post(f"/api/v1/services/{wms['id']}/dependencies/Inventory-DB")
    assert [d["name"] for d in again.json()["depends_on"]] == ["inventory-db"]
    replaced = alice_api.put(
        f"/api/v1/services/{wms['id']}/dependencies", json={"depends_on": ["cache", "inventory-db"]}
    )
    assert [d["name"] for d in replaced.json()["depends_on"]] == ["inventory-db", "cache"]
    removed = alice_api.delete(f"/api/v1/services/{wms['id']}/dependencies/cache")
    assert [d["name"] for d in removed.json()["depends_on"]] == ["inventory-db"]
    missing = alice_api.delete(f"/api/v1/services/{wms['id']}/dependencies/cache")
    assert missing.status_code == 404
    assert missing.json()["error"] == "wms does not depend on cache; nothing to remove"


def test_delete_removes_the_service_and_its_edges(alice_api):
    db = _create(alice_api, "inventory-db", tier=1)
    wms = _create(alice_api, "wms", tier=1, depends_on=["inventory-db"])
    response = alice_api.delete(f"/api/v1/services/{db['id']}")
    assert response.status_code == 204
    assert alice_api.get(f"/api/v1/services/{db['id']}").status_code == 404
    assert alice_api.get(f"/api/v1/services/{wms['id']}").json()["depends_on"] == []
