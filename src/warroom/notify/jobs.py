"""Notify's background work: sending deliveries, and turning incident events into webhooks."""

from __future__ import annotations

from typing import Any

from warroom.context import Ctx
from warroom.jobs.registry import PermanentFailure, job, subscribe
from warroom.notify import delivery, webhooks
from warroom.notify.service import DELIVER_JOB

INCIDENT_EVENT_JOB = "notify.incident_event_webhooks"

job(DELIVER_JOB, prepare=delivery.prepare, on_failure=delivery.record_failure)(delivery.deliver)


@job(INCIDENT_EVENT_JOB)
def incident_event_webhooks(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Fan one timeline event out to the matching webhook endpoints."""
    try:
        incident_id = int(payload["incident_id"])
        event_id = int(payload["event_id"])
    except (KeyError, TypeError, ValueError):
        raise PermanentFailure(f"an incident.event payload needs incident_id and event_id, got {payload!r}") from None
    webhooks.deliver_incident_event(ctx, incident_id=incident_id, event_id=event_id)


# No job per timeline event when no endpoint could receive it (most installs have none).
subscribe(webhooks.EVENT_TOPIC, INCIDENT_EVENT_JOB, when=lambda ctx, payload: webhooks.any_active_endpoint(ctx))
