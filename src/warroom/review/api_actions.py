"""/api/v1 action items: per incident and across incidents (open and overdue per team and service)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from warroom.incidents import service as incidents
from warroom.lib.pagination import MAX_LIMIT
from warroom.lib.schema import MAX_ID
from warroom.review import service
from warroom.review.schemas import ActionItemCreate, ActionItemList, ActionItemOut, ActionItemPatch, ActionStatus
from warroom.web import ApiResponder, ApiViewer

router = APIRouter()
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="incident id")]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="action item id")]
FilterId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


@router.post("/incidents/{incident_id}/action-items", response_model=ActionItemOut, status_code=201)
def create_action_item(incident_id: IncidentId, body: ActionItemCreate, ctx: ApiResponder) -> ActionItemOut:
    """Add an action item; `due_at` must be in the future. Reminders run a day before and a day after it."""
    incident = incidents.get_incident(ctx, incident_id)
    item = service.create_action_item(ctx, incident, **body.model_dump())
    return ActionItemOut.model_validate(service.action_item_dict(ctx, item))


@router.get("/action-items", response_model=ActionItemList)
def list_action_items(
    ctx: ApiViewer,
    overdue: bool | None = None,
    status: Annotated[ActionStatus | None, Query(description="or leave out; see also overdue")] = None,
    active: Annotated[bool, Query(description="only open or in progress")] = False,
    team_id: FilterId = None,
    service_id: FilterId = None,
    incident_id: FilterId = None,
    owner_id: FilterId = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ActionItemList:
    """Action items across incidents, soonest due first."""
    items, total = service.list_action_items(
        ctx,
        overdue=overdue,
        status="active" if active and status is None else status,
        team_id=team_id,
        service_id=service_id,
        incident_id=incident_id,
        owner_id=owner_id,
        limit=limit,
        offset=offset,
    )
    out = [ActionItemOut.model_validate(service.action_item_dict(ctx, item)) for item in items]
    return ActionItemList(items=out, total=total, limit=limit, offset=offset)


@router.get("/action-items/{item_id}", response_model=ActionItemOut)
def get_action_item(item_id: ItemId, ctx: ApiViewer) -> ActionItemOut:
    return ActionItemOut.model_validate(service.action_item_dict(ctx, service.get_action_item(ctx, item_id)))


@router.patch("/action-items/{item_id}", response_model=ActionItemOut)
def update_action_item(item_id: ItemId, body: ActionItemPatch, ctx: ApiResponder) -> ActionItemOut:
    """Change an item; only the fields sent change (null clears owner, team, due date, ticket)."""
    item = service.update_action_item(ctx, service.get_action_item(ctx, item_id), **body.changes())
    return ActionItemOut.model_validate(service.action_item_dict(ctx, item))
