"""Blast radius: every service and business function that stops when a service fails, with hops and paths."""

from __future__ import annotations

import pytest

from warroom.catalog import service as catalog


@pytest.fixture
def warehouse(make_ctx, alice):
    """inventory-db ← wms ← {picking, labels}; picking ← scanner; storefront ← inventory-db; two functions."""
    with make_ctx(actor=alice.user) as ctx:
        db = catalog.create_service(ctx, name="inventory-db", tier=1)
        catalog.create_service(ctx, name="wms", tier=1, depends_on=["inventory-db"])
        catalog.create_service(ctx, name="picking", tier=2, depends_on=["wms"])
        catalog.create_service(ctx, name="labels", tier=1, depends_on=["wms"])
        catalog.create_service(ctx, name="scanner", tier=3, depends_on=["picking"])
        catalog.create_service(ctx, name="storefront", tier=2, depends_on=["inventory-db"])
        catalog.create_service(ctx, name="blog", tier=4)
        catalog.create_function(ctx, name="Order picking", services=["scanner"])
        catalog.create_function(ctx, name="Label printing", services=["labels"])
        catalog.create_function(ctx, name="Newsletter", services=["blog"])
    return db.id


def test_it_lists_transitive_dependents_with_hops_most_critical_first(make_ctx, warehouse):
    with make_ctx() as ctx:
        radius = catalog.blast_radius(ctx, [warehouse])
        reached = [(s.name, hops) for s, hops in radius.services]
    assert reached == [("wms", 1), ("storefront", 1), ("labels", 2), ("picking", 2), ("scanner", 3)]


def test_it_names_the_business_functions_that_stop(make_ctx, warehouse):
    with make_ctx() as ctx:
        radius = catalog.blast_radius(ctx, [warehouse])
        names = [f.name for f in radius.functions]
    assert names == ["Label printing", "Order picking"]


def test_a_leaf_service_has_an_empty_blast_radius_except_its_own_functions(make_ctx, warehouse):
    with make_ctx() as ctx:
        blog = catalog.find_service(ctx, "blog")
        radius = catalog.blast_radius(ctx, [blog.id])
        assert radius.services == []
        assert [f.name for f in radius.functions] == ["Newsletter"]


def test_the_api_gives_hops_paths_and_the_services_each_function_uses(alice_api, charlie_api, warehouse):
    response = charlie_api.get(f"/api/v1/services/{warehouse}/blast-radius")
    assert response.status_code == 200
    body = response.json()
    assert body["service"] == {"id": warehouse, "name": "inventory-db", "tier": 1}
    assert [(s["name"], s["hops"], s["path"]) for s in body["services"]] == [
        ("wms", 1, ["wms", "inventory-db"]),
        ("storefront", 1, ["storefront", "inventory-db"]),
        ("labels", 2, ["labels", "wms", "inventory-db"]),
        ("picking", 2, ["picking", "wms", "inventory-db"]),
        ("scanner", 3, ["scanner", "picking", "wms", "inventory-db"]),
    ]
    assert [(f["name"], f["via"]) for f in body["business_functions"]] == [
        ("Label printing", ["labels"]),
        ("Order picking", ["scanner"]),
    ]


def test_blast_radius_of_a_missing_service_is_404(charlie_api):
    response = charlie_api.get("/api/v1/services/999/blast-radius")
    assert response.status_code == 404
    assert response.json()["error"] == "service 999 does not exist"


def test_several_roots_count_hops_from_the_nearest(make_ctx, warehouse):
    with make_ctx() as ctx:
        picking = catalog.find_service(ctx, "picking")
        radius = catalog.blast_radius(ctx, [warehouse, picking.id])
        reached = {s.name: hops for s, hops in radius.services}
        assert [s.name for s in radius.roots] == ["inventory-db", "picking"]
    assert reached == {"wms": 1, "storefront": 1, "scanner": 1, "labels": 2}
