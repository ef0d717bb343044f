"""/api/v1/reports: record, list, get; responders record, viewers read; bad input is a 422."""

from __future__ import annotations

from typing import Any

from warroom.catalog import service as catalog


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"reporter": "Store 12", "channel": "support_ticket", "description": "scanners hang"}
    body.update(changes)
    return body


def test_a_responder_records_a_report_that_matches_nothing_yet(bob_api: Any) -> None:
    response = bob_api.post("/api/v1/reports", json=_body(region="DE", segment="retail"))
    assert response.status_code == 201, response.text
    created = response.json()
    assert {k: created[k] for k in ("reporter", "channel", "region", "segment", "incident_id", "matched_by")} == {
        "reporter": "Store 12",
        "channel": "support_ticket",
        "region": "DE",
        "segment": "retail",
        "incident_id": None,
        "matched_by": None,
    }
    assert created["received_at"] == "2026-03-01T12:00:00+00:00"
    assert created["created_by"] == "Bob"
    assert bob_api.get(f"/api/v1/reports/{created['id']}").json() == created


def test_the_list_filters_by_channel_service_and_unmatched(bob_api: Any, make_ctx: Any, alice: Any, clock) -> None:
    with make_ctx(actor=alice.user) as ctx:
        wms = catalog.create_service(ctx, name="WMS", tier=1).id
    first = bob_api.post("/api/v1/reports", json=_body(channel="phone", service_id=wms)).json()
    clock.advance(minutes=1)
    second = bob_api.post("/api/v1/reports", json=_body(channel="chat")).json()

    def ids(query: str) -> list[int]:
        return [r["id"] for r in bob_api.get(f"/api/v1/reports?{query}").json()["items"]]

    assert ids("") == [second["id"], first["id"]]
    assert ids("channel=phone") == [first["id"]]
    assert ids(f"service_id={wms}") == [first["id"]]
    assert ids("unmatched=true") == [second["id"], first["id"]]
    assert bob_api.get("/api/v1/reports?channel=fax").status_code == 422


def test_a_viewer_may_read_but_not_record(charlie_api: Any) -> None:
    response = charlie_api.post("/api/v1/reports", json=_body())
    assert response.status_code == 403
    assert charlie_api.get("/api/v1/reports").json()["total"] == 0


def test_bad_bodies_are_422s_and_unknown_things_404s(bob_api: Any) -> None:
    for body in (
        _body(channel="fax"),
        _body(reporter=""),
        _body(description=""),
        _body(description="x" * 5001),
        _body(region="r" * 101),
        _body(received_at="2026-03-01T13:00:00Z"),
        _body(service_id=0),
        _body(unknown=1),
    ):
        response = bob_api.post("/api/v1/reports", json=body)
        assert response.status_code == 422, (body, response.text)
    missing_service = bob_api.post("/api/v1/reports", json=_body(service_id=77))
    assert missing_service.status_code == 404
    assert missing_service.json()["error"] == "service 77 does not exist; see the service catalog"
    assert bob_api.get("/api/v1/reports/77").status_code == 404
