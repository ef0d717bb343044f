"""/api/v1: publish public updates for an incident and read them back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from warroom.context import Ctx
from warroom.incidents import service as incidents
from warroom.lib.schema import MAX_ID
from warroom.status import service
from warroom.status.models import PublicUpdate
from warroom.status.schemas import PublicUpdateCreate, PublicUpdateList, PublicUpdateOut
from warroom.web import ApiResponder, ApiViewer

router = APIRouter(tags=["status"])
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="incident id")]


def _out(ctx: Ctx, update: PublicUpdate) -> PublicUpdateOut:
    public = service.public_incident_for(ctx.session, update.incident_id)
    return PublicUpdateOut(
        id=update.id,
        incident_id=update.incident_id,
        name=public.name if public else "",
        status=update.status,
        body=update.body,
        components={str(k): str(v) for k, v in update.components.items()},
        published_at=update.published_at,
        next_update_by=update.next_update_by,
        notify_subscribers=update.notify_subscribers,
        url=service.public_incident_url(ctx.settings, update.incident_id),
    )


@router.post("/incidents/{incident_id}/public-updates", response_model=PublicUpdateOut, status_code=201)
def publish_public_update(ctx: ApiResponder, incident_id: IncidentId, body: PublicUpdateCreate) -> PublicUpdateOut:
    """Publish an update on the public status page (the first one needs `name`; private incidents → 409)."""
    incident = incidents.get_incident(ctx, incident_id)
    update = service.publish_update(
        ctx,
        incident,
        status=body.status,
        body=body.body,
        name=body.name,
        components=body.component_statuses(),
        notify_subscribers=body.notify_subscribers,
        next_update_by=body.next_update_by,
    )
    return _out(ctx, update)


@router.get("/incidents/{incident_id}/public-updates", response_model=PublicUpdateList)
def list_public_updates(ctx: ApiViewer, incident_id: IncidentId) -> PublicUpdateList:
    """The incident's published updates, oldest first."""
    incident = incidents.get_incident(ctx, incident_id)
    items = [_out(ctx, u) for u in service.public_updates_for(ctx.session, incident.id)]
    return PublicUpdateList(items=items, total=len(items))
