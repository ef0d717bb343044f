from __future__ import annotations

from test_incidents_support import add_service, declare, move


def titles(api, **params):
    response = api.get("/api/v1/incidents", params=params)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def seed(api, clock, make_ctx):
    wms = add_service(make_ctx, "WMS", tier=1)
    labels = add_service(make_ctx, "Labels", tier=2)
    declare(api, title="Picking stalls", severity="SEV1", services=[wms])
    clock.advance(hours=1)
    second = declare(api, title="Label printer offline", severity="SEV3", services=[labels], summary="Hall 2 zebra")
    clock.advance(hours=1)
    third = declare(api, title="Fire drill", severity="SEV2", exercise=True, services=[wms, labels])
    move(api, second["id"], "resolved")
    move(api, third["id"], "monitoring")
    return wms, labels


def test_the_list_is_newest_first_with_paging_fields(alice_api, clock, make_ctx):
    seed(alice_api, clock, make_ctx)
    body = alice_api.get("/api/v1/incidents").json()
    assert [i["title"] for i in body["items"]] == ["Fire drill", "Label printer offline", "Picking stalls"]
    assert (body["total"], body["limit"], body["offset"]) == (3, 50, 0)


def test_paging_with_limit_and_offset(alice_api, clock, make_ctx):
    seed(alice_api, clock, make_ctx)
    page = alice_api.get("/api/v1/incidents", params={"limit": 2, "offset": 1}).json()
    assert [i["title"] for i in page["items"]] == ["Label printer offline", "Picking stalls"]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    assert alice_api.get("/api/v1/incidents", params={"offset": 5}).json()["items"] == []


def test_limit_and_offset_out_of_range_are_422(alice_api):
    for params in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "many"}):
        assert alice_api.get("/api/v1/incidents", params=params).status_code == 422, params


def test_filter_by_status_repeatable(alice_api, clock, make_ctx):
    seed(alice_api, clock, make_ctx)
    assert titles(alice_api, status="resolved") == ["Label printer offline"]
    assert titles(alice_api, status=["investigating", "monitoring"]) == ["Fire drill", "Picking stalls"]
    assert alice_api.get("/api/v1/incidents", params={"status": "done"}).status_code == 422


def test_filter_by_severity_repeatable(alice_api, clock, make_ctx):
    seed(alice_api, clock, make_ctx)
    assert titles(alice_api, severity=["SEV1", "SEV3"]) == ["Label printer offline", "Picking stalls"]
    assert alice_api.get("/api/v1/incidents", params={"severity": "SEV9"}).status_code == 422


def test_filter_by_service_id_or_name(alice_api, clock, make_ctx):
    wms, _labels = seed(alice_api, clock, make_ctx)
    assert titles(alice_api, service=str(wms)) == ["Fire drill", "Picking stalls"]
    assert titles(alice_api, service="labels") == ["Fire drill", "Label printer offline"]
    response = alice_api.get("/api/v1/incidents", params={"service": "nope"})
    assert response.status_code == 422
    assert "nope" in response.json()["error"]


def test_filter_by_declared_range_inclusive(alice_api, clock, make_ctx):
    seed(alice_api, clock, make_ctx)
    assert titles(alice_api, declared_from="2026-03-01T13:00:00Z") == ["Fire drill", "Label printer offline"]
    assert titles(alice_api, declared_to="2026-03-01T13:00:00Z") == ["Label printer offline", "Picking stalls"]
    both = {"declared_from": "2026-03-01T13:00:00+00:00", "declared_to": "2026-03-01T13:00:00+00:00"}
    assert titles(alice_api, **both) == ["Label printer offline"]
    assert titles(alice_api, declared_from="2026-03-01T14:00:00+01:00") == ["Fire drill", "Label printer offline"]
    assert alice_api.get("/api/v1/incidents", params={"declared_from": "yesterday"}).status_code == 422


def test_search_in_title_and_summary_or_by_id(alice_api, clock, make_ctx):
    seed(alice_api, clock, make_ctx)
    assert titles(alice_api, q="PICKING") == ["Picking stalls"]
    assert titles(alice_api, q="zebra") == ["Label printer offline"]
    assert titles(alice_api, q="100%") == []
    first_id = alice_api.get("/api/v1/incidents").json()["items"][-1]["id"]
    assert titles(alice_api, q=f"#{first_id}") == ["Picking stalls"]


def test_filter_exercises(alice_api, clock, make_ctx):
    seed(alice_api, clock, make_ctx)
    assert titles(alice_api, exercise="true") == ["Fire drill"]
    assert titles(alice_api, exercise="false") == ["Label printer offline", "Picking stalls"]
    assert len(titles(alice_api)) == 3


def test_filters_combine(alice_api, clock, make_ctx):
    seed(alice_api, clock, make_ctx)
    assert titles(alice_api, service="WMS", status="monitoring", exercise="true") == ["Fire drill"]
    assert titles(alice_api, service="WMS", severity="SEV3") == []


def test_a_viewer_may_list_and_read(alice_api, charlie_api, clock, make_ctx):
    seed(alice_api, clock, make_ctx)
    assert charlie_api.get("/api/v1/incidents").json()["total"] == 3
    first = charlie_api.get("/api/v1/incidents").json()["items"][0]
    assert charlie_api.get(f"/api/v1/incidents/{first['id']}").json()["title"] == "Fire drill"
