"""Comms JSON API under /api/v1: stakeholder subscriptions and webhooks, bridges, cadence, status subscribers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from warroom.comms import schemas
from warroom.comms import service as comms
from warroom.comms.models import StakeholderSubscription, StakeholderWebhook, StatusSubscriber
from warroom.context import Ctx
from warroom.errors import NotFound
from warroom.incidents import service as incidents
from warroom.lib.schema import MAX_ID
from warroom.web import ApiAdmin, ApiResponder, ApiViewer

router = APIRouter(tags=["comms"])

IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="incident id")]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
SeverityPath = Annotated[str, Path(pattern="^SEV[1-4]$", description="SEV1 … SEV4")]


def _subscription(ctx: Ctx, row: StakeholderSubscription) -> schemas.StakeholderSubscriptionOut:
    return schemas.StakeholderSubscriptionOut(
        id=row.id,
        user_id=row.user_id,
        team_id=row.team_id,
        scope=row.scope,
        service_id=row.service_id,
        function_id=row.function_id,
        severity=row.severity,
        description=comms.describe_subscription(ctx, row),
        created_at=row.created_at,
    )


@router.get("/stakeholder-subscriptions", response_model=schemas.StakeholderSubscriptionList)
def list_stakeholder_subscriptions(
    ctx: ApiViewer, everyone: Annotated[bool, Query(description="admins: everyone's")] = False
) -> Any:
    rows = comms.list_subscriptions(ctx, everyone=everyone)
    items = [_subscription(ctx, r) for r in rows]
    return {"items": items, "total": len(items), "limit": len(items), "offset": 0}


@router.post("/stakeholder-subscriptions", status_code=201, response_model=schemas.StakeholderSubscriptionOut)
def create_stakeholder_subscription(ctx: ApiViewer, body: schemas.StakeholderSubscriptionCreate) -> Any:
    row = comms.subscribe_stakeholder(
        ctx,
        scope=body.scope,
        service_id=body.service_id,
        function_id=body.function_id,
        severity=body.severity,
        team_id=body.team_id,
    )
    return _subscription(ctx, row)


@router.delete("/stakeholder-subscriptions/{subscription_id}", status_code=204)
def delete_stakeholder_subscription(ctx: ApiViewer, subscription_id: ItemId) -> Response:
    comms.unsubscribe_stakeholder(ctx, subscription_id)
    return Response(status_code=204)


def _webhook(ctx: Ctx, row: StakeholderWebhook) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "host": comms.stakeholder_webhook_host(row),
        "description": row.description,
        "scope": row.scope,
        "service_id": row.service_id,
        "function_id": row.function_id,
        "severity": row.severity,
        "include_private": row.include_private,
        "summary": comms.describe_stakeholder_webhook(ctx, row),
        "created_at": row.created_at,
    }


@router.get("/stakeholder-webhooks", response_model=schemas.StakeholderWebhookList)
def list_stakeholder_webhooks(ctx: ApiAdmin) -> Any:
    items = [_webhook(ctx, r) for r in comms.list_stakeholder_webhooks(ctx)]
    return {"items": items, "total": len(items), "limit": len(items), "offset": 0}


@router.post("/stakeholder-webhooks", status_code=201, response_model=schemas.StakeholderWebhookCreated)
def create_stakeholder_webhook(ctx: ApiAdmin, body: schemas.StakeholderWebhookCreate) -> Any:
    row = comms.add_stakeholder_webhook(ctx, **body.model_dump())
    return {**_webhook(ctx, row), "secret": row.secret}


@router.get("/stakeholder-webhooks/{webhook_id}", response_model=schemas.StakeholderWebhookOut)
def get_stakeholder_webhook(ctx: ApiAdmin, webhook_id: ItemId) -> Any:
    return _webhook(ctx, comms.get_stakeholder_webhook(ctx, webhook_id))


@router.delete("/stakeholder-webhooks/{webhook_id}", status_code=204)
def delete_stakeholder_webhook(ctx: ApiAdmin, webhook_id: ItemId) -> Response:
    comms.remove_stakeholder_webhook(ctx, webhook_id)
    return Response(status_code=204)


@router.get("/incidents/{incident_id}/bridge", response_model=schemas.BridgeOut)
def get_bridge(ctx: ApiViewer, incident_id: IncidentId) -> Any:
    incident = incidents.get_incident(ctx, incident_id)
    bridge = comms.get_bridge(ctx, incident)
    if bridge is None:
        raise NotFound(f"incident {incident_id} has no bridge; set one with PUT /api/v1/incidents/{incident_id}/bridge")
    return bridge


@router.put("/incidents/{incident_id}/bridge", response_model=schemas.BridgeOut)
def put_bridge(ctx: ApiResponder, incident_id: IncidentId, body: schemas.BridgeSet) -> Any:
    incident = incidents.get_incident(ctx, incident_id)
    return comms.set_bridge(ctx, incident, url=body.url, label=body.label)


@router.delete("/incidents/{incident_id}/bridge", status_code=204)
def delete_bridge(ctx: ApiResponder, incident_id: IncidentId) -> Response:
    comms.remove_bridge(ctx, incidents.get_incident(ctx, incident_id))
    return Response(status_code=204)


@router.get("/incidents/{incident_id}/cadence", response_model=schemas.CadenceOut)
def get_cadence(ctx: ApiViewer, incident_id: IncidentId) -> Any:
    return comms.cadence_summary(ctx, incidents.get_incident(ctx, incident_id))


@router.get("/comms/cadence-settings", response_model=schemas.CadenceSettingList)
def list_cadence_settings(ctx: ApiViewer) -> Any:
    return {"items": comms.cadence_settings(ctx)}


@router.put("/comms/cadence-settings/{severity}", response_model=schemas.CadenceSettingOut)
def put_cadence_setting(ctx: ApiAdmin, severity: SeverityPath, body: schemas.CadenceSettingSet) -> Any:
    return comms.set_cadence(
        ctx,
        severity=severity,
        first_update_minutes=body.first_update_minutes,
        interval_minutes=body.interval_minutes,
    )


def _subscriber(ctx: Ctx, row: StatusSubscriber) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "email": row.email,
        "webhook_url": row.webhook_url,
        "component_ids": list(row.component_ids or []),
        "state": comms.subscriber_state(row),
        "hard_failures": comms.hard_failures(ctx, row),
        "confirmed_at": row.confirmed_at,
        "quarantined_at": row.quarantined_at,
        "unsubscribed_at": row.unsubscribed_at,
        "created_at": row.created_at,
    }


@router.get("/status-subscribers", response_model=schemas.SubscriberList)
def list_status_subscribers(
    ctx: ApiAdmin,
    state: Annotated[
        str, Query(max_length=20, description="all, confirmed, pending, quarantined, unsubscribed")
    ] = "all",
) -> Any:
    rows = comms.list_subscribers(ctx, state=state)
    return {"items": [_subscriber(ctx, r) for r in rows], "total": len(rows), "counts": comms.counts(ctx)}


@router.post("/status-subscribers", status_code=201, response_model=schemas.WebhookSubscriberCreated)
def create_webhook_subscriber(ctx: ApiAdmin, body: schemas.WebhookSubscriberCreate) -> Any:
    created = comms.subscribe_webhook(ctx, url=body.url, component_ids=body.components)
    return {**_subscriber(ctx, created.subscriber), "secret": created.secret}


@router.post("/status-subscribers/{subscriber_id}/release", response_model=schemas.SubscriberOut)
def release_status_subscriber(ctx: ApiAdmin, subscriber_id: ItemId) -> Any:
    return _subscriber(ctx, comms.release(ctx, comms.get_subscriber(ctx, subscriber_id)))


@router.delete("/status-subscribers/{subscriber_id}", status_code=204)
def delete_status_subscriber(ctx: ApiAdmin, subscriber_id: ItemId) -> Response:
    comms.remove_subscriber(ctx, comms.get_subscriber(ctx, subscriber_id))
    return Response(status_code=204)
