"""Stakeholder subscriptions: who hears about which incidents, private incidents filtered, notices on the timeline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from comms_support import run_jobs
from warroom.catalog import service as catalog
from warroom.notify.models import Delivery


def _notices(db: Any) -> list[tuple[str, str]]:
    with db.transaction() as session:
        rows = session.scalars(select(Delivery).where(Delivery.channel == "email").order_by(Delivery.id))
        return [(d.target, d.subject) for d in rows]


def _timeline_kinds(api: Any, incident_id: int) -> list[dict[str, Any]]:
    events = api.get(f"/api/v1/incidents/{incident_id}/timeline").json()
    items = events["items"] if isinstance(events, dict) else events
    return [e for e in items if e["kind"] == "comms.notice_sent"]


def test_a_severity_subscriber_hears_declare_status_and_resolve(alice_api, bob_api, db, clock, settings) -> None:
    created = bob_api.post("/api/v1/stakeholder-subscriptions", json={"scope": "severity", "severity": "SEV1"})
    assert created.status_code == 201, created.text
    assert created.json()["description"] == "SEV1 incidents"
    incident = alice_api.post("/api/v1/incidents", json={"title": "Pickers offline", "severity": "SEV1"}).json()
    alice_api.put(
        f"/api/v1/incidents/{incident['id']}/bridge", json={"url": "https://meet.example.com/a", "label": "Meet"}
    )
    other = alice_api.post("/api/v1/incidents", json={"title": "Typo on page", "severity": "SEV4"}).json()
    run_jobs(db, clock, settings)
    alice_api.post(f"/api/v1/incidents/{incident['id']}/status", json={"status": "identified"})
    alice_api.post(f"/api/v1/incidents/{incident['id']}/status", json={"status": "resolved"})
    run_jobs(db, clock, settings)
    iid = incident["id"]
    assert _notices(db) == [
        ("bob@example.com", f"[SEV1] Incident #{iid} declared: Pickers offline"),
        ("bob@example.com", f"[SEV1] Incident #{iid} status changed: Pickers offline"),
        ("bob@example.com", f"[SEV1] Incident #{iid} resolved: Pickers offline"),
    ]
    assert other["id"] != iid
    events = _timeline_kinds(alice_api, iid)
    assert [e["data"]["recipients"] for e in events] == [1, 1, 1]
    assert events[0]["data"]["summary"] == "Stakeholder notice (declared) sent to 1 people"


def test_every_notice_carries_the_bridge(alice_api, bob_api, db, clock, settings) -> None:
    bob_api.post("/api/v1/stakeholder-subscriptions", json={"scope": "all"})
    incident = alice_api.post("/api/v1/incidents", json={"title": "Slow", "severity": "SEV3"}).json()
    alice_api.put(
        f"/api/v1/incidents/{incident['id']}/bridge", json={"url": "https://meet.example.com/b", "label": "Zoom"}
    )
    alice_api.post(f"/api/v1/incidents/{incident['id']}/severity", json={"severity": "SEV2"})
    run_jobs(db, clock, settings)
    with db.transaction() as session:
        bodies = list(session.scalars(select(Delivery.body).order_by(Delivery.id)))
    assert len(bodies) == 2
    assert all("Bridge: Zoom https://meet.example.com/b" in b for b in bodies)


def test_private_incidents_reach_only_people_who_can_see_them(
    alice_api, bob_api, charlie_api, db, clock, settings
) -> None:
    for api in (bob_api, charlie_api):
        assert api.post("/api/v1/stakeholder-subscriptions", json={"scope": "all"}).status_code == 201
    incident = alice_api.post(
        "/api/v1/incidents", json={"title": "Insider fraud CANARY-x1", "severity": "SEV2", "private": True}
    ).json()
    run_jobs(db, clock, settings)
    assert _notices(db) == []
    alice_api.post(
        f"/api/v1/incidents/{incident['id']}/roles", json={"role": "communications_lead", "user_id": bob_api.persona.id}
    )
    alice_api.post(f"/api/v1/incidents/{incident['id']}/status", json={"status": "identified"})
    run_jobs(db, clock, settings)
    assert [target for target, _ in _notices(db)] == ["bob@example.com"]


def test_service_and_business_function_scopes_match_the_incident_services(
    alice_api, bob_api, charlie_api, make_ctx, db, clock, settings
) -> None:
    with make_ctx() as ctx:
        wms = catalog.create_service(ctx, name="WMS", tier=1)
        labels = catalog.create_service(ctx, name="Labels", tier=2)
        function = catalog.create_function(ctx, name="Label printing", services=[labels.id])
        ids = (wms.id, labels.id, function.id)
    assert (
        bob_api.post("/api/v1/stakeholder-subscriptions", json={"scope": "service", "service_id": ids[0]}).status_code
        == 201
    )
    assert (
        charlie_api.post(
            "/api/v1/stakeholder-subscriptions", json={"scope": "business_function", "function_id": ids[2]}
        ).status_code
        == 201
    )
    alice_api.post("/api/v1/incidents", json={"title": "Labels fail", "severity": "SEV2", "services": [ids[1]]})
    run_jobs(db, clock, settings)
    assert [target for target, _ in _notices(db)] == ["charlie@example.com"]


def test_subscriptions_are_validated_and_personal(alice_api, bob_api, charlie_api) -> None:
    assert bob_api.post("/api/v1/stakeholder-subscriptions", json={"scope": "service"}).status_code == 422
    assert (
        bob_api.post("/api/v1/stakeholder-subscriptions", json={"scope": "all", "severity": "SEV1"}).status_code == 422
    )
    assert bob_api.post("/api/v1/stakeholder-subscriptions", json={"scope": "everything"}).status_code == 422
    mine = bob_api.post("/api/v1/stakeholder-subscriptions", json={"scope": "all"}).json()
    assert bob_api.post("/api/v1/stakeholder-subscriptions", json={"scope": "all"}).status_code == 409
    assert charlie_api.get("/api/v1/stakeholder-subscriptions").json()["total"] == 0
    assert charlie_api.delete(f"/api/v1/stakeholder-subscriptions/{mine['id']}").status_code == 404
    assert alice_api.get("/api/v1/stakeholder-subscriptions?everyone=true").json()["total"] == 1
    assert bob_api.delete(f"/api/v1/stakeholder-subscriptions/{mine['id']}").status_code == 204


def test_only_admins_subscribe_a_team(alice_api, bob_api, make_ctx, bob) -> None:
    with make_ctx() as ctx:
        team_id = catalog.create_team(ctx, name="Execs", member_ids=[bob.id]).id
    refused = bob_api.post("/api/v1/stakeholder-subscriptions", json={"scope": "all", "team_id": team_id})
    assert refused.status_code == 403
    made = alice_api.post("/api/v1/stakeholder-subscriptions", json={"scope": "all", "team_id": team_id})
    assert made.status_code == 201
    assert [row["team_id"] for row in bob_api.get("/api/v1/stakeholder-subscriptions").json()["items"]] == [team_id]
