"""/api/v1/business-functions: what the business does and the services it needs, directly and through them."""

from __future__ import annotations

import pytest


@pytest.fixture
def services(alice_api):
    ids = {}
    for name, tier, needs in (("inventory-db", 1, []), ("wms", 1, ["inventory-db"]), ("picking", 2, ["wms"])):
        created = alice_api.post("/api/v1/services", json={"name": name, "tier": tier, "depends_on": needs})
        ids[name] = created.json()["id"]
    return ids


def test_creating_a_function_with_services_returns_201_and_what_they_need(alice_api, services):
    response = alice_api.post(
        "/api/v1/business-functions",
        json={"name": "Order picking", "description": "Floor staff pick orders", "services": ["picking"]},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["description"]) == ("Order picking", "Floor staff pick orders")
    assert body["services"] == [{"id": services["picking"], "name": "picking", "tier": 2}]
    assert body["indirect_services"] == [
        {"id": services["wms"], "name": "wms", "tier": 1, "hops": 1},
        {"id": services["inventory-db"], "name": "inventory-db", "tier": 1, "hops": 2},
    ]


def test_function_names_are_unique(alice_api):
    alice_api.post("/api/v1/business-functions", json={"name": "Label printing"})
    response = alice_api.post("/api/v1/business-functions", json={"name": "label printing"})
    assert response.status_code == 409


def test_unknown_services_are_named(alice_api):
    response = alice_api.post("/api/v1/business-functions", json={"name": "Returns", "services": ["ghost"]})
    assert response.status_code == 422
    assert response.json()["error"] == "unknown service(s): ghost; create them first or use an existing id or name"


def test_services_can_be_replaced_added_and_removed(alice_api, services):
    created = alice_api.post("/api/v1/business-functions", json={"name": "Ops", "services": ["wms"]}).json()
    url = f"/api/v1/business-functions/{created['id']}"
    replaced = alice_api.put(f"{url}/services", json={"services": ["picking", "inventory-db"]}).json()
    assert [s["name"] for s in replaced["services"]] == ["inventory-db", "picking"]
    added = alice_api.post(f"{url}/services/wms").json()
    assert [s["name"] for s in added["services"]] == ["inventory-db", "wms", "picking"]
    removed = alice_api.delete(f"{url}/services/{services['wms']}").json()
    assert [s["name"] for s in removed["services"]] == ["inventory-db", "picking"]
    assert alice_api.delete(f"{url}/services/wms").status_code == 404
    patched = alice_api.patch(url, json={"services": [], "name": "Operations"}).json()
    assert (patched["name"], patched["services"]) == ("Operations", [])


def test_the_list_filters_by_service_and_text(alice_api, charlie_api, services):
    alice_api.post("/api/v1/business-functions", json={"name": "Order picking", "services": ["picking"]})
    alice_api.post("/api/v1/business-functions", json={"name": "Stock counts", "services": ["wms"]})
    body = charlie_api.get("/api/v1/business-functions").json()
    assert (body["total"], [f["name"] for f in body["items"]]) == (2, ["Order picking", "Stock counts"])
    assert [f["name"] for f in charlie_api.get("/api/v1/business-functions?service=wms").json()["items"]] == [
        "Stock counts"
    ]
    assert [f["name"] for f in charlie_api.get("/api/v1/business-functions?q=order").json()["items"]] == [
        "Order picking"
    ]
    assert charlie_api.get("/api/v1/business-functions?service=ghost").status_code == 422


def test_deleting_a_function_keeps_its_services(alice_api, services):
    created = alice_api.post("/api/v1/business-functions", json={"name": "Ops", "services": ["wms"]}).json()
    assert alice_api.delete(f"/api/v1/business-functions/{created['id']}").status_code == 204
    assert alice_api.get(f"/api/v1/business-functions/{created['id']}").status_code == 404
    assert alice_api.get(f"/api/v1/services/{services['wms']}").json()["business_functions"] == []


def test_a_service_lists_the_functions_using_it_and_deleting_it_unlinks_them(alice_api, services):
    created = alice_api.post("/api/v1/business-functions", json={"name": "Ops", "services": ["picking"]}).json()
    assert [
        f["name"] for f in alice_api.get(f"/api/v1/services/{services['picking']}").json()["business_functions"]
    ] == ["Ops"]
    assert alice_api.delete(f"/api/v1/services/{services['picking']}").status_code == 204
    assert alice_api.get(f"/api/v1/business-functions/{created['id']}").json()["services"] == []
