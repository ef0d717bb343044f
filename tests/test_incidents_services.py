from __future__ import annotations

from test_incidents_support import add_function, add_service, declare, events, kinds


def put(api, incident_id, services):
    return api.put(f"/api/v1/incidents/{incident_id}/services", json={"services": services})


def test_setting_services_records_what_was_added_and_removed(alice_api, make_ctx):
    wms = add_service(make_ctx, "WMS", tier=1)
    labels = add_service(make_ctx, "Labels", tier=2)
    incident = declare(alice_api, services=[wms])
    body = put(alice_api, incident["id"], ["labels"]).json()
    assert [s["name"] for s in body["services"]] == ["Labels"]
    event = events(alice_api, incident["id"])[-1]
    assert event["kind"] == "services.changed"
    assert event["data"] == {
        "from": [wms],
        "to": [labels],
        "added": [{"id": labels, "name": "Labels"}],
        "removed": [{"id": wms, "name": "WMS"}],
    }
    assert event["text"] == "changed affected services: added Labels; removed WMS"


def test_the_same_set_records_nothing(alice_api, make_ctx):
    wms = add_service(make_ctx, "WMS", tier=1)
    incident = declare(alice_api, services=[wms])
    assert put(alice_api, incident["id"], ["WMS", wms]).status_code == 200
    assert kinds(alice_api, incident["id"]) == ["incident.declared"]


def test_unknown_services_are_422_and_change_nothing(alice_api, make_ctx):
    wms = add_service(make_ctx, "WMS", tier=1)
    incident = declare(alice_api, services=[wms])
    response = put(alice_api, incident["id"], ["WMS", "ghost"])
    assert response.status_code == 422
    assert "ghost" in response.json()["error"]
    assert [s["id"] for s in alice_api.get(f"/api/v1/incidents/{incident['id']}").json()["services"]] == [wms]


def test_services_can_be_emptied(alice_api, make_ctx):
    wms = add_service(make_ctx, "WMS", tier=1)
    incident = declare(alice_api, services=[wms])
    assert put(alice_api, incident["id"], []).json()["services"] == []


def test_blast_radius_follows_dependents_with_hops(alice_api, make_ctx):
    db = add_service(make_ctx, "Inventory DB", tier=1)
    wms = add_service(make_ctx, "WMS", tier=1, depends_on=(db,))
    picking = add_service(make_ctx, "Picking", tier=1, depends_on=(wms,))
    add_service(make_ctx, "Unrelated", tier=3)
    add_function(make_ctx, "Order picking", (picking,))
    incident = declare(alice_api, services=[db])
    response = alice_api.get(f"/api/v1/incidents/{incident['id']}/blast-radius")
    assert response.status_code == 200
    body = response.json()
    assert body["roots"] == [{"id": db, "name": "Inventory DB", "tier": 1}]
    assert [(s["name"], s["hops"]) for s in body["services"]] == [("WMS", 1), ("Picking", 2)]
    assert body["services"][1]["path"] == ["Picking", "WMS", "Inventory DB"]
    assert [(f["name"], f["via"]) for f in body["business_functions"]] == [("Order picking", ["Picking"])]


def test_blast_radius_of_an_incident_without_services_is_empty(alice_api, charlie_api):
    incident = declare(alice_api)
    body = charlie_api.get(f"/api/v1/incidents/{incident['id']}/blast-radius").json()
    assert body == {"roots": [], "services": [], "business_functions": []}


def test_a_viewer_cannot_set_services(alice_api, charlie_api):
    incident = declare(alice_api)
    assert put(charlie_api, incident["id"], []).status_code == 403
