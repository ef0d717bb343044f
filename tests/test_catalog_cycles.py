"""A dependency that would close a loop is refused with 422 and the whole loop spelled out."""

from __future__ import annotations

import pytest

from warroom.catalog import service as catalog
from warroom.errors import Invalid


def _create(api, name, *, tier=2, depends_on=()):
    response = api.post("/api/v1/services", json={"name": name, "tier": tier, "depends_on": list(depends_on)})
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def chain(alice_api):
    """storefront → inventory-db → wms (each depends on the next)."""
    wms = _create(alice_api, "wms", tier=1)
    inventory = _create(alice_api, "inventory-db", tier=1, depends_on=[wms])
    storefront = _create(alice_api, "storefront", depends_on=["inventory-db"])
    return {"wms": wms, "inventory-db": inventory, "storefront": storefront}


def test_it_rejects_an_indirect_cycle_naming_the_path(alice_api, chain):
    response = alice_api.post(f"/api/v1/services/{chain['wms']}/dependencies/storefront")
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == (
        "adding wms → storefront would create a cycle: storefront → inventory-db → wms → storefront; "
        "remove one of those dependencies first"
    )
    assert body["detail"] == {"field": "depends_on", "cycle": ["storefront", "inventory-db", "wms", "storefront"]}


def test_it_rejects_a_direct_cycle(alice_api, chain):
    response = alice_api.post(f"/api/v1/services/{chain['wms']}/dependencies/{chain['inventory-db']}")
    assert response.status_code == 422
    assert response.json()["error"].startswith(
        "adding wms → inventory-db would create a cycle: inventory-db → wms → inventory-db;"
    )


def test_it_rejects_a_self_dependency(alice_api, chain):
    response = alice_api.post(f"/api/v1/services/{chain['wms']}/dependencies/wms")
    assert response.status_code == 422
    assert response.json()["error"] == (
        "adding wms → wms would create a cycle: wms → wms; a service cannot depend on itself"
    )


def test_a_rejected_cycle_leaves_the_graph_unchanged(alice_api, chain):
    response = alice_api.put(f"/api/v1/services/{chain['wms']}/dependencies", json={"depends_on": ["storefront"]})
    assert response.status_code == 422
    wms = alice_api.get(f"/api/v1/services/{chain['wms']}").json()
    assert wms["depends_on"] == []
    assert [d["name"] for d in wms["dependents"]] == ["inventory-db"]


def test_replacing_dependencies_checks_every_new_edge(alice_api, chain):
    _create(alice_api, "cdn", tier=3)
    response = alice_api.put(
        f"/api/v1/services/{chain['wms']}/dependencies", json={"depends_on": ["cdn", "storefront"]}
    )
    assert response.status_code == 422
    assert "storefront → inventory-db → wms → storefront" in response.json()["error"]


def test_patching_depends_on_is_checked_for_cycles_too(alice_api, chain):
    response = alice_api.patch(f"/api/v1/services/{chain['wms']}", json={"depends_on": [chain["storefront"]]})
    assert response.status_code == 422
    assert response.json()["detail"]["cycle"] == ["storefront", "inventory-db", "wms", "storefront"]


def test_replacing_an_edge_may_reverse_it(alice_api, chain):
    # inventory-db stops depending on wms, so wms may now depend on inventory-db.
    assert (
        alice_api.put(f"/api/v1/services/{chain['inventory-db']}/dependencies", json={"depends_on": []}).status_code
        == 200
    )
    response = alice_api.post(f"/api/v1/services/{chain['wms']}/dependencies/inventory-db")
    assert response.status_code == 200
    assert [d["name"] for d in response.json()["depends_on"]] == ["inventory-db"]


def test_the_service_layer_raises_invalid_with_the_cycle(make_ctx, alice):
    with make_ctx(actor=alice.user) as ctx:
        a = catalog.create_service(ctx, name="a", tier=1)
        b = catalog.create_service(ctx, name="b", tier=1, depends_on=["a"])
        catalog.create_service(ctx, name="c", tier=1, depends_on=[b.id])
    with make_ctx(actor=alice.user) as ctx, pytest.raises(Invalid) as raised:
        catalog.add_dependency(ctx, service=catalog.get_service(ctx, a.id), depends_on="C")
    assert raised.value.message.startswith("adding a → c would create a cycle: c → b → a → c;")
