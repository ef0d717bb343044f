"""Action items: fields, due-date validation, lists of open and overdue items per team and service."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from test_review_support import T0, declare
from warroom.catalog import service as catalog
from warroom.incidents.models import Incident
from warroom.review import service


def _item(api, incident_id, **fields):
    body = {"title": "Add an alert on 401s", "type": "detect", **fields}
    return api.post(f"/api/v1/incidents/{incident_id}/action-items", json=body)


def test_an_action_item_keeps_every_field(alice_api, bob):
    incident = declare(alice_api)
    response = _item(
        alice_api,
        incident["id"],
        owner_id=bob.id,
        due_at="2026-03-08T12:00:00Z",
        priority="high",
        ticket_url="https://tracker.example.com/OPS-12",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert {
        k: body[k] for k in ("title", "type", "owner", "due_at", "priority", "ticket_url", "status", "overdue")
    } == {
        "title": "Add an alert on 401s",
        "type": "detect",
        "owner": "Bob",
        "due_at": "2026-03-08T12:00:00+00:00",
        "priority": "high",
        "ticket_url": "https://tracker.example.com/OPS-12",
        "status": "open",
        "overdue": False,
    }


def test_a_due_date_in_the_past_is_refused_through_the_api(alice_api):
    incident = declare(alice_api)
    response = _item(alice_api, incident["id"], due_at="2026-03-01T11:00:00Z")
    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "due_at"}
    assert "not in the future" in response.json()["error"]
    now = _item(alice_api, incident["id"], due_at="2026-03-01T12:00:00Z")
    assert now.status_code == 422


def test_bad_fields_are_422(alice_api):
    incident = declare(alice_api)
    assert _item(alice_api, incident["id"], type="blame").status_code == 422
    assert _item(alice_api, incident["id"], ticket_url="javascript:alert(1)").status_code == 422
    assert _item(alice_api, incident["id"], owner_id=999).status_code == 404
    assert _item(alice_api, incident["id"], title="").status_code == 422


def test_viewers_cannot_add_items(charlie_api, alice_api):
    incident = declare(alice_api)
    assert _item(charlie_api, incident["id"]).status_code == 403


def test_imported_items_may_carry_a_past_due_date_and_become_overdue(alice_api, make_ctx, clock):
    incident = declare(alice_api)
    with make_ctx() as ctx:
        inc = ctx.session.get(Incident, incident["id"])
        service.create_action_item(
            ctx, inc, title="Fix pool", type="prevent", due_at=T0 - timedelta(days=2), allow_past_due=True
        )
    _item(alice_api, incident["id"], due_at="2026-03-10T00:00:00Z")
    overdue = alice_api.get("/api/v1/action-items", params={"overdue": "true"}).json()
    assert [(i["title"], i["overdue"]) for i in overdue["items"]] == [("Fix pool", True)]
    assert overdue["total"] == 1
    clock.advance(days=10)
    assert alice_api.get("/api/v1/action-items", params={"overdue": "true"}).json()["total"] == 2


def test_lists_filter_by_team_and_service(alice_api, make_ctx):
    with make_ctx() as ctx:
        team = catalog.create_team(ctx, name="Shipping")
        labels = catalog.create_service(ctx, name="Labels", tier=2, team="Shipping")
        wms = catalog.create_service(ctx, name="WMS", tier=1)
        team_id, labels_id, wms_id = team.id, labels.id, wms.id
    on_labels = declare(alice_api, services=[labels_id])
    on_wms = declare(alice_api, services=[wms_id])
    _item(alice_api, on_labels["id"], title="Rotate DPD keys")
    _item(alice_api, on_wms["id"], title="Rebuild index")
    by_team = alice_api.get("/api/v1/action-items", params={"team_id": team_id}).json()
    assert [i["title"] for i in by_team["items"]] == ["Rotate DPD keys"]
    by_service = alice_api.get("/api/v1/action-items", params={"service_id": wms_id}).json()
    assert [i["title"] for i in by_service["items"]] == ["Rebuild index"]


def test_finishing_an_item_stamps_completion(alice_api, clock):
    incident = declare(alice_api)
    item = _item(alice_api, incident["id"]).json()
    clock.advance(hours=3)
    done = alice_api.patch(f"/api/v1/action-items/{item['id']}", json={"status": "done"}).json()
    assert (done["status"], done["completed_at"]) == ("done", "2026-03-01T15:00:00+00:00")
    active = alice_api.get("/api/v1/action-items", params={"active": "true"}).json()
    assert active["total"] == 0


def test_a_missing_item_is_404(alice_api):
    assert alice_api.get("/api/v1/action-items/999").status_code == 404
    assert alice_api.patch("/api/v1/action-items/999", json={"status": "done"}).status_code == 404


def test_items_of_private_incidents_stay_hidden_from_outsiders(alice_api, charlie_api, make_ctx):
    incident = declare(alice_api, private=True)
    _item(alice_api, incident["id"])
    assert charlie_api.get("/api/v1/action-items").json()["total"] == 0
    assert alice_api.get("/api/v1/action-items").json()["total"] == 1
    with make_ctx() as ctx:
        assert ctx.session.scalars(select(Incident)).first() is not None
