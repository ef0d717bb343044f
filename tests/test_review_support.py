"""Helpers shared by the review tests (this module holds no tests of its own)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from warroom.jobs.worker import Worker

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FILLED = {
    "summary": "DPD labels failed for 80 minutes.",
    "impact": "2300 parcels waited 80 minutes.",
    "detection": "An alert on 401 responses.",
    "response": "The on-call engineer opened a bridge.",
    "root_cause": "The carrier rotated credentials; the label service had no way to pick up new ones.",
    "mitigation": "New credentials were deployed.",
}


def declare(api: Any, **fields: Any) -> dict[str, Any]:
    body = {"title": "Labels fail", "severity": "SEV3", **fields}
    response = api.post("/api/v1/incidents", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def move(api: Any, incident_id: int, status: str) -> Any:
    return api.post(f"/api/v1/incidents/{incident_id}/status", json={"status": status})


def resolved_incident(api: Any, **fields: Any) -> dict[str, Any]:
    incident = declare(api, **fields)
    assert move(api, incident["id"], "resolved").status_code == 200
    return incident


def run_jobs(db: Any, clock: Any, settings: Any) -> None:
    Worker(db, clock, settings).run_due()


def write_sections(api: Any, incident_id: int, sections: dict[str, str] | None = None) -> Any:
    response = api.patch(f"/api/v1/incidents/{incident_id}/postmortem", json={"sections": sections or FILLED})
    assert response.status_code == 200, response.text
    return response.json()


def publish(api: Any, incident_id: int) -> Any:
    return api.post(f"/api/v1/incidents/{incident_id}/postmortem/status", json={"status": "published"})


def publish_minimal_postmortem(make_ctx: Any, incident_id: int) -> None:
    """Let another domain's test close an incident: publish a post-mortem with every required section filled."""
    from warroom.incidents.models import Incident
    from warroom.review import service

    with make_ctx() as ctx:
        incident = ctx.session.get(Incident, incident_id)
        postmortem, _created = service.ensure_postmortem(ctx, incident)
        service.update_postmortem(ctx, postmortem, sections=FILLED, no_actions_reason="test fixture")
        service.change_status(ctx, incident, postmortem, status="published")
