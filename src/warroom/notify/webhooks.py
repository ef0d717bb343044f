"""Outbound webhook endpoints: signed JSON for every incident timeline event, filtered by kind."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.incidents.models import Incident, TimelineEvent
from warroom.lib.schema import MAX_ID
from warroom.notify.models import Delivery, WebhookEndpoint
from warroom.notify.service import check_url, encode_json, queue_webhook

log = logging.getLogger("warroom.notify")
EVENT_TOPIC = "incident.event"
_KIND = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,59}$")
MAX_KINDS = 50


@dataclass(frozen=True)
class IssuedEndpoint:
    endpoint: WebhookEndpoint
    secret: str


def new_secret() -> str:
    """A fresh HMAC signing secret (256 random bits)."""
    return "whsec_" + secrets.token_urlsafe(32)


def check_event_kinds(kinds: Sequence[str]) -> list[str]:
    """Distinct, well-formed event kinds such as `status.changed`; an empty list means all kinds."""
    cleaned: list[str] = []
    for raw in kinds:
        kind = raw.strip().lower()
        if not _KIND.match(kind):
            raise Invalid(
                f"{raw!r} is not an event kind; use lower-case names such as status.changed", {"field": "event_kinds"}
            )
        if kind not in cleaned:
            cleaned.append(kind)
    if len(cleaned) > MAX_KINDS:
        raise Invalid(f"at most {MAX_KINDS} event kinds per endpoint", {"field": "event_kinds"})
    return cleaned


def _check_description(description: str) -> str:
    description = description.strip()
    if len(description) > 300:
        raise Invalid("a description is at most 300 characters", {"field": "description"})
    return description


def create_webhook_endpoint(
    ctx: Ctx,
    *,
    url: str,
    description: str = "",
    event_kinds: Sequence[str] = (),
    include_private: bool = False,
) -> IssuedEndpoint:
    """Add an endpoint with a new signing secret. The secret is returned here and never shown again."""
    secret = new_secret()
    endpoint = WebhookEndpoint(
        url=check_url(url),
        description=_check_description(description),
        secret=secret,
        event_kinds=check_event_kinds(event_kinds),
        include_private=include_private,
        is_active=True,
        created_by_id=ctx.actor.user_id,
        created_at=ctx.now(),
        updated_at=ctx.now(),
    )
    ctx.session.add(endpoint)
    ctx.session.flush()
    return IssuedEndpoint(endpoint=endpoint, secret=secret)


def list_webhook_endpoints(ctx: Ctx) -> list[WebhookEndpoint]:
    """Every endpoint, oldest first."""
    return list(ctx.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def any_active_endpoint(ctx: Ctx) -> bool:
    """Whether any endpoint is active (a cheap check before queueing a fan-out job)."""
    found = ctx.session.scalar(select(WebhookEndpoint.id).where(WebhookEndpoint.is_active.is_(True)).limit(1))
    return found is not None


def get_webhook_endpoint(ctx: Ctx, endpoint_id: int) -> WebhookEndpoint:
    """One endpoint, or NotFound."""
    endpoint = ctx.session.get(WebhookEndpoint, endpoint_id) if 0 < endpoint_id <= MAX_ID else None
    if endpoint is None:
        raise NotFound(f"webhook endpoint {endpoint_id} does not exist")
    return endpoint


def update_webhook_endpoint(
    ctx: Ctx,
    *,
    endpoint_id: int,
    url: str | None = None,
    description: str | None = None,
    event_kinds: Sequence[str] | None = None,
    include_private: bool | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change the given fields of an endpoint (disable it with is_active=False)."""
    endpoint = get_webhook_endpoint(ctx, endpoint_id)
    if url is not None:
        endpoint.url = check_url(url)
    if description is not None:
        endpoint.description = _check_description(description)
    if event_kinds is not None:
        endpoint.event_kinds = check_event_kinds(event_kinds)
    if include_private is not None:
        endpoint.include_private = include_private
    if is_active is not None:
        endpoint.is_active = is_active
    endpoint.updated_at = ctx.now()
    ctx.session.flush()
    return endpoint


def delete_webhook_endpoint(ctx: Ctx, *, endpoint_id: int) -> None:
    """Remove an endpoint. Its past deliveries stay in the log; queued ones fail as undeliverable."""
    ctx.session.delete(get_webhook_endpoint(ctx, endpoint_id))
    ctx.session.flush()


def send_test_event(ctx: Ctx, *, endpoint_id: int) -> Delivery:
    """Queue a signed `test` event to one endpoint, whatever its event filter."""
    endpoint = get_webhook_endpoint(ctx, endpoint_id)
    if not endpoint.is_active:
        raise Conflict(f"webhook endpoint {endpoint_id} is disabled; enable it before sending a test")
    body = {
        "type": "test",
        "message": "A test event from Warroom. Check the X-Warroom-Signature header with your secret.",
        "endpoint_id": endpoint.id,
        "sent_by": ctx.actor.name,
        "created_at": ctx.now().isoformat(),
    }
    return queue_webhook(
        ctx,
        url=endpoint.url,
        body=encode_json(body),
        summary=f"test event to endpoint {endpoint.id}",
        event="test",
        incident_id=None,
        key=None,
        endpoint_id=endpoint.id,
    )


def matches(endpoint: WebhookEndpoint, *, kind: str, is_private: bool) -> bool:
    """Whether an incident event of `kind` goes to this endpoint."""
    if not endpoint.is_active or (is_private and not endpoint.include_private):
        return False
    return not endpoint.event_kinds or kind in endpoint.event_kinds


def incident_event_body(ctx: Ctx, incident: Incident, event: TimelineEvent) -> dict[str, Any]:
    """The JSON a receiver gets for one timeline event: the event and the incident as it is now."""
    base = ctx.settings.base_url
    return {
        "type": EVENT_TOPIC,
        "event": {
            "id": event.id,
            "kind": event.kind,
            "occurred_at": event.occurred_at.isoformat(),
            "recorded_at": event.recorded_at.isoformat(),
            "actor": {"id": event.actor_id, "name": event.actor_name},
            "source": event.source,
            "data": event.data,
            "corrects_id": event.corrects_id,
        },
        "incident": {
            "id": incident.id,
            "title": incident.title,
            "severity": incident.severity,
            "status": incident.status,
            "is_private": incident.is_private,
            "is_exercise": incident.is_exercise,
            "detected_at": incident.detected_at.isoformat(),
            "declared_at": incident.declared_at.isoformat(),
            "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None,
            "url": f"{base}/incidents/{incident.id}" if base else None,
        },
    }


def deliver_incident_event(ctx: Ctx, *, incident_id: int, event_id: int) -> list[Delivery]:
    """Queue one signed webhook per matching endpoint; once per endpoint and event, however often called."""
    incident = ctx.session.get(Incident, incident_id)
    event = ctx.session.get(TimelineEvent, event_id)
    if incident is None or event is None or event.incident_id != incident.id:
        log.warning("incident event %s of incident %s not found; no webhooks sent", event_id, incident_id)
        return []
    endpoints = [e for e in list_webhook_endpoints(ctx) if matches(e, kind=event.kind, is_private=incident.is_private)]
    if not endpoints:
        return []
    body = encode_json(incident_event_body(ctx, incident, event))
    return [
        queue_webhook(
            ctx,
            url=endpoint.url,
            body=body,
            summary=f"{event.kind} on incident {incident.id}",
            event=event.kind,
            incident_id=incident.id,
            key=f"webhook:{endpoint.id}:{event.id}",
            endpoint_id=endpoint.id,
        )
        for endpoint in endpoints
    ]
