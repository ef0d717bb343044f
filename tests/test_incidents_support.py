"""Helpers shared by the incidents tests (this module holds no tests of its own)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from warroom.catalog.models import BusinessFunction, Service, business_function_services, service_dependencies
from warroom.jobs.models import Job

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def declare(api: Any, **fields: Any) -> dict[str, Any]:
    """Declare an incident through the API and return its JSON."""
    body = {"title": "Checkout fails", "severity": "SEV2", **fields}
    response = api.post("/api/v1/incidents", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def events(api: Any, incident_id: int, **params: Any) -> list[dict[str, Any]]:
    response = api.get(f"/api/v1/incidents/{incident_id}/timeline", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def kinds(api: Any, incident_id: int) -> list[str]:
    return [event["kind"] for event in events(api, incident_id)]


def move(api: Any, incident_id: int, status: str, **extra: Any) -> Any:
    return api.post(f"/api/v1/incidents/{incident_id}/status", json={"status": status, **extra})


def add_service(make_ctx: Any, name: str, tier: int = 2, depends_on: tuple[int, ...] = ()) -> int:
    """A catalog service inserted directly (the catalog's own service layer is tested elsewhere)."""
    with make_ctx() as ctx:
        svc = Service(name=name, tier=tier, description="", created_at=T0, updated_at=T0, is_public=False)
        ctx.session.add(svc)
        ctx.session.flush()
        for other in depends_on:
            ctx.session.execute(insert(service_dependencies).values(service_id=svc.id, depends_on_id=other))
        return svc.id


def add_function(make_ctx: Any, name: str, service_ids: tuple[int, ...]) -> int:
    with make_ctx() as ctx:
        function = BusinessFunction(name=name, description="", created_at=T0)
        ctx.session.add(function)
        ctx.session.flush()
        for sid in service_ids:
            ctx.session.execute(insert(business_function_services).values(function_id=function.id, service_id=sid))
        return function.id


def jobs_named(make_ctx: Any, name: str) -> list[dict[str, Any]]:
    """Payloads of queued jobs called `name`, oldest first."""
    with make_ctx() as ctx:
        rows = ctx.session.scalars(select(Job).where(Job.name == name).order_by(Job.id))
        return [dict(job.payload, _key=job.idempotency_key) for job in rows]
