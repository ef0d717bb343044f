"""Helpers shared by the paging tests (this module holds no tests of its own)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from test_incidents_support import add_service
from warroom.incidents.models import TimelineEvent
from warroom.jobs.worker import Worker
from warroom.paging import service as paging
from warroom.paging.models import Escalation

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # the FakeClock's start, a Sunday


def user_rule(*user_ids: int, delay: int = 5) -> dict[str, Any]:
    return {"delay_minutes": delay, "targets": [{"type": "user", "id": uid} for uid in user_ids]}


def schedule_rule(*schedule_ids: int, delay: int = 5) -> dict[str, Any]:
    return {"delay_minutes": delay, "targets": [{"type": "schedule", "id": sid} for sid in schedule_ids]}


def make_policy(make_ctx: Any, *rules: dict[str, Any], repeat: int = 0, name: str = "Primary") -> int:
    with make_ctx() as ctx:
        return paging.create_policy(ctx, name=name, rules=list(rules), repeat_count=repeat).id


def paged_service(make_ctx: Any, policy_id: int, name: str = "WMS", tier: int = 1, **settings: Any) -> int:
    """A catalog service that pages through `policy_id`."""
    service_id = add_service(make_ctx, name, tier=tier)
    with make_ctx() as ctx:
        paging.set_service_paging(ctx, service_id=service_id, policy_id=policy_id, **settings)
    return service_id


def declare(api: Any, service: str = "WMS", severity: str = "SEV1", **fields: Any) -> int:
    body = {"title": "WMS is down", "severity": severity, "services": [service], **fields}
    response = api.post("/api/v1/incidents", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def run_jobs(db: Any, clock: Any, settings: Any) -> int:
    return Worker(db, clock, settings).run_due()


def advance_and_run(db: Any, clock: Any, settings: Any, **delta: float) -> None:
    clock.advance(timedelta(**delta))
    run_jobs(db, clock, settings)


def paging_events(
    make_ctx: Any, incident_id: int, kind: str | None = None
) -> list[tuple[str, datetime, dict[str, Any]]]:
    """(kind, occurred_at, data) of the incident's paging.* events, oldest first."""
    with make_ctx() as ctx:
        query = select(TimelineEvent).where(TimelineEvent.incident_id == incident_id).order_by(TimelineEvent.id)
        rows = [(e.kind, e.occurred_at, dict(e.data)) for e in ctx.session.scalars(query)]
    return [row for row in rows if row[0].startswith("paging.") and (kind is None or row[0] == kind)]


def pages(make_ctx: Any, incident_id: int) -> list[tuple[datetime, list[str]]]:
    """When each paging.notified happened and who it named."""
    return [
        (at, [user["name"] for user in data["users"]])
        for _kind, at, data in paging_events(make_ctx, incident_id, "paging.notified")
    ]


def escalation(make_ctx: Any, incident_id: int) -> Escalation:
    with make_ctx() as ctx:
        found = ctx.session.scalar(
            select(Escalation).where(Escalation.incident_id == incident_id).order_by(Escalation.id.desc())
        )
        assert found is not None
        ctx.session.expunge(found)
        return found


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)
