"""GET /api/v1/incidents/{id}/evidence, possibly related alerts, and one-click attach."""

from __future__ import annotations

from typing import Any

import pytest

from warroom.catalog import service as catalog
from warroom.incidents import service as incidents
from warroom.intake.models import Alert


@pytest.fixture
def world(make_ctx: Any, alice: Any) -> dict[str, int]:
    with make_ctx(actor=alice.user) as ctx:
        db = catalog.create_service(ctx, name="inventory-db", tier=1)
        wms = catalog.create_service(ctx, name="WMS", tier=1, depends_on=[db.id])
        picking = catalog.create_service(ctx, name="Picking", tier=2, depends_on=[wms.id])
        labels = catalog.create_service(ctx, name="Labels", tier=2)
        incident = incidents.declare_incident(ctx, title="WMS down", severity="SEV1", services=[wms.id])
        return {"db": db.id, "wms": wms.id, "picking": picking.id, "labels": labels.id, "incident": incident.id}


def add_alert(make_ctx: Any, clock: Any, service_id: int, **fields: Any) -> int:
    """An alert row as intake stores it (the receivers are intake's tests' business)."""
    now = clock.now()
    values: dict[str, Any] = {
        "service_id": service_id,
        "fingerprint": f"fp-{service_id}-{fields.get('title', 'a')}-{now.timestamp()}",
        "status": "firing",
        "severity": "critical",
        "title": "alert",
        "labels": {},
        "source": "",
        "starts_at": now,
        "first_seen": now,
        "last_seen": now,
        "firing_count": 1,
    }
    values.update(fields)
    with make_ctx() as ctx:
        alert = Alert(**values)
        ctx.session.add(alert)
        ctx.session.flush()
        return alert.id


def test_evidence_gathers_alerts_reports_services_regions_and_confirmation(
    make_ctx, clock, world, bob_api, charlie_api
) -> None:
    incident = world["incident"]
    add_alert(
        make_ctx, clock, world["db"], title="DB latency", incident_id=incident, source="db-1",
        labels={"region": "DE", "segment": "retail"},
    )  # fmt: skip
    unconfirmed = charlie_api.get(f"/api/v1/incidents/{incident}/evidence").json()
    assert unconfirmed["confirmed"] == {
        "value": False,
        "reason": "1 alert, all from one source (db-1); confirmation needs an alert from another source or a "
        "user report",
    }
    created = bob_api.post(
        "/api/v1/reports",
        json={"reporter": "Store 12", "channel": "phone", "description": "scanners hang", "service_id": world["wms"],
              "region": "NL", "segment": "enterprise"},
    )  # fmt: skip
    assert created.json()["incident_id"] == incident
    evidence = charlie_api.get(f"/api/v1/incidents/{incident}/evidence").json()
    assert evidence["confirmed"] == {
        "value": True,
        "reason": "an alert and a user report agree: “DB latency” and a phone report from Store 12",
    }
    assert [a["title"] for a in evidence["alerts"]] == ["DB latency"]
    assert [r["reporter"] for r in evidence["reports"]] == ["Store 12"]
    assert evidence["services"] == [
        {"id": world["wms"], "name": "WMS", "tier": 1, "via": "incident"},
        {"id": world["db"], "name": "inventory-db", "tier": 1, "via": "alert"},
    ]
    assert evidence["regions"] == ["DE", "NL"]
    assert evidence["segments"] == ["enterprise", "retail"]
    assert evidence["merged_into"] is None


def test_possibly_related_lists_firing_alerts_on_dependent_services(make_ctx, clock, world, charlie_api) -> None:
    incident = world["incident"]
    clock.advance(minutes=-31)
    add_alert(make_ctx, clock, world["picking"], title="too early")
    clock.advance(minutes=2)
    dependent = add_alert(make_ctx, clock, world["picking"], title="picking errors")
    same = add_alert(make_ctx, clock, world["wms"], title="wms queue")
    add_alert(make_ctx, clock, world["db"], title="upstream, not dependent")
    add_alert(make_ctx, clock, world["labels"], title="unrelated")
    add_alert(make_ctx, clock, world["picking"], title="resolved", status="resolved")
    add_alert(make_ctx, clock, world["wms"], title="already attached", incident_id=incident)
    related = charlie_api.get(f"/api/v1/incidents/{incident}/evidence").json()["possibly_related"]
    assert sorted((r["id"], r["why"]) for r in related) == [
        (dependent, "depends on the incident's service: Picking → WMS"),
        (same, "on WMS, an affected service"),
    ]


def test_attaching_a_related_alert_moves_it_onto_the_incident(make_ctx, clock, world, bob_api, charlie_api) -> None:
    incident = world["incident"]
    alert_id = add_alert(make_ctx, clock, world["picking"], title="picking errors")
    refused = charlie_api.post(f"/api/v1/incidents/{incident}/related/{alert_id}/attach")
    assert refused.status_code == 403
    attached = bob_api.post(f"/api/v1/incidents/{incident}/related/{alert_id}/attach")
    assert attached.status_code == 200, attached.text
    assert attached.json()["id"] == alert_id
    evidence = charlie_api.get(f"/api/v1/incidents/{incident}/evidence").json()
    assert [a["id"] for a in evidence["alerts"]] == [alert_id]
    assert evidence["possibly_related"] == []
    timeline = charlie_api.get(f"/api/v1/incidents/{incident}/timeline").json()
    kinds = [e["kind"] for e in (timeline["items"] if isinstance(timeline, dict) else timeline)]
    assert "intake.alert_attached" in kinds
    again = bob_api.post(f"/api/v1/incidents/{incident}/related/{alert_id}/attach")
    assert again.status_code == 409
    assert bob_api.post(f"/api/v1/incidents/{incident}/related/999999/attach").status_code == 404


def test_evidence_of_a_missing_incident_is_a_404(charlie_api) -> None:
    response = charlie_api.get("/api/v1/incidents/4242/evidence")
    assert response.status_code == 404
    assert response.json()["error"].startswith("incident 4242 does not exist")
