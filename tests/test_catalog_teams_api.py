"""/api/v1/teams: names, members, the services a team owns, and refusing to orphan services."""

from __future__ import annotations


def test_creating_a_team_with_members_returns_201(alice_api, bob, charlie):
    response = alice_api.post(
        "/api/v1/teams",
        json={"name": "Warehouse Platform", "description": "Owns the WMS", "member_ids": [charlie.id, bob.id]},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Warehouse Platform"
    assert body["description"] == "Owns the WMS"
    assert body["members"] == [
        {"id": bob.id, "name": "Bob", "email": "bob@example.com"},
        {"id": charlie.id, "name": "Charlie", "email": "charlie@example.com"},
    ]
    assert body["services"] == []


def test_team_names_are_unique_without_regard_to_case(alice_api):
    alice_api.post("/api/v1/teams", json={"name": "Shipping"})
    response = alice_api.post("/api/v1/teams", json={"name": "SHIPPING"})
    assert response.status_code == 409
    assert response.json()["error"].startswith("a team named 'Shipping' already exists")


def test_unknown_members_are_named(alice_api):
    response = alice_api.post("/api/v1/teams", json={"name": "Ops", "member_ids": [999]})
    assert response.status_code == 422
    assert response.json()["error"] == "unknown user id(s): 999; see `warroom user list` for ids"


def test_members_can_be_replaced_added_and_removed(alice_api, alice, bob, charlie):
    team = alice_api.post("/api/v1/teams", json={"name": "Ops", "member_ids": [bob.id]}).json()
    replaced = alice_api.put(f"/api/v1/teams/{team['id']}/members", json={"user_ids": [alice.id, charlie.id]})
    assert [m["name"] for m in replaced.json()["members"]] == ["Alice", "Charlie"]
    added = alice_api.post(f"/api/v1/teams/{team['id']}/members/{bob.id}")
    assert [m["name"] for m in added.json()["members"]] == ["Alice", "Bob", "Charlie"]
    removed = alice_api.delete(f"/api/v1/teams/{team['id']}/members/{alice.id}")
    assert [m["name"] for m in removed.json()["members"]] == ["Bob", "Charlie"]
    again = alice_api.delete(f"/api/v1/teams/{team['id']}/members/{alice.id}")
    assert again.status_code == 404
    assert again.json()["error"] == f"user {alice.id} is not a member of team 'Ops'"


def test_the_list_has_items_and_total_and_searches(alice_api, charlie_api):
    for name in ("Shipping", "Storefront", "Data"):
        alice_api.post("/api/v1/teams", json={"name": name})
    body = charlie_api.get("/api/v1/teams").json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 50, 0)
    assert [t["name"] for t in body["items"]] == ["Data", "Shipping", "Storefront"]
    assert [t["name"] for t in charlie_api.get("/api/v1/teams?q=sto").json()["items"]] == ["Storefront"]


def test_a_team_shows_the_services_it_owns(alice_api):
    team = alice_api.post("/api/v1/teams", json={"name": "Shipping"}).json()
    alice_api.post("/api/v1/services", json={"name": "labels", "tier": 1, "team_id": team["id"]})
    body = alice_api.get(f"/api/v1/teams/{team['id']}").json()
    assert [(s["name"], s["tier"]) for s in body["services"]] == [("labels", 1)]


def test_renaming_a_team(alice_api):
    team = alice_api.post("/api/v1/teams", json={"name": "Shipping"}).json()
    response = alice_api.patch(f"/api/v1/teams/{team['id']}", json={"name": "Logistics", "description": "Trucks"})
    assert (response.json()["name"], response.json()["description"]) == ("Logistics", "Trucks")


def test_a_team_that_owns_services_cannot_be_deleted(alice_api):
    team = alice_api.post("/api/v1/teams", json={"name": "Shipping"}).json()
    alice_api.post("/api/v1/services", json={"name": "labels", "tier": 1, "team_id": team["id"]})
    response = alice_api.delete(f"/api/v1/teams/{team['id']}")
    assert response.status_code == 409
    assert response.json()["error"] == (
        "team 'Shipping' owns 1 service(s) (labels); give them another owner first, "
        "so no service is left without a team"
    )


def test_an_empty_team_can_be_deleted(alice_api, bob):
    team = alice_api.post("/api/v1/teams", json={"name": "Temp", "member_ids": [bob.id]}).json()
    assert alice_api.delete(f"/api/v1/teams/{team['id']}").status_code == 204
    assert alice_api.get(f"/api/v1/teams/{team['id']}").status_code == 404
