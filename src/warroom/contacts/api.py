"""Contacts JSON API under /api/v1: my contact methods and rules, and the page delivery logs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from warroom.auth import service as auth_service
from warroom.contacts import service
from warroom.contacts.models import PageDelivery
from warroom.contacts.schemas import (
    ContactMethodCreated,
    ContactMethodIn,
    ContactMethodList,
    ContactMethodOut,
    PageDeliveryOut,
    PageDeliveryPage,
    RuleIn,
    RuleList,
    RuleOut,
)
from warroom.context import Ctx
from warroom.errors import Unauthorized
from warroom.incidents import service as incidents
from warroom.lib.pagination import MAX_LIMIT
from warroom.lib.schema import MAX_ID
from warroom.web import ApiResponder, ApiViewer

router = APIRouter(tags=["contacts"])
MethodId = Annotated[int, Path(ge=1, le=MAX_ID, description="contact method id")]
RuleId = Annotated[int, Path(ge=1, le=MAX_ID, description="notification rule id")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]


def _me(ctx: Ctx) -> int:
    if ctx.actor.user_id is None:
        raise Unauthorized("sign in as a person to manage contact methods")
    return ctx.actor.user_id


def _page(rows: list[PageDelivery], total: int, limit: int, offset: int) -> PageDeliveryPage:
    items = [PageDeliveryOut.model_validate(r) for r in rows]
    return PageDeliveryPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/users/me/contact-methods", response_model=ContactMethodList)
def list_methods(ctx: ApiViewer) -> ContactMethodList:
    """My contact methods with their verification state."""
    items = [ContactMethodOut.model_validate(m) for m in service.list_contact_methods(ctx, user_id=_me(ctx))]
    return ContactMethodList(items=items, total=len(items))


@router.post("/users/me/contact-methods", response_model=ContactMethodCreated, status_code=201)
def add_method(body: ContactMethodIn, ctx: ApiResponder) -> ContactMethodCreated:
    """Add a contact method. A webhook's signing secret is in this response only."""
    added = service.add_contact_method(ctx, user_id=_me(ctx), kind=body.kind, target=body.target, label=body.label)
    return ContactMethodCreated(**ContactMethodOut.model_validate(added.method).model_dump(), secret=added.secret)


@router.get("/users/me/contact-methods/{method_id}", response_model=ContactMethodOut)
def get_method(method_id: MethodId, ctx: ApiViewer) -> ContactMethodOut:
    return ContactMethodOut.model_validate(service.get_contact_method(ctx, user_id=_me(ctx), method_id=method_id))


@router.delete("/users/me/contact-methods/{method_id}", status_code=204)
def delete_method(method_id: MethodId, ctx: ApiResponder) -> Response:
    """Delete a method and the rules that use it."""
    service.delete_contact_method(ctx, user_id=_me(ctx), method_id=method_id)
    return Response(status_code=204)


@router.post("/users/me/contact-methods/{method_id}/test", response_model=PageDeliveryOut, status_code=202)
def test_method(method_id: MethodId, ctx: ApiResponder) -> PageDeliveryOut:
    """Queue a test notification; the method becomes verified when it goes out, failing when it does not."""
    return PageDeliveryOut.model_validate(service.send_test_notification(ctx, user_id=_me(ctx), method_id=method_id))


@router.get("/users/me/notification-rules", response_model=RuleList)
def list_rules(ctx: ApiViewer) -> RuleList:
    """My notification rules, earliest delay first."""
    items = [RuleOut.model_validate(r) for r in service.list_rules(ctx, user_id=_me(ctx))]
    return RuleList(items=items, total=len(items))


@router.post("/users/me/notification-rules", response_model=RuleOut, status_code=201)
def add_rule(body: RuleIn, ctx: ApiResponder) -> RuleOut:
    """Add a rule: use a method N minutes into a page (if still unacknowledged), for one urgency or any."""
    rule = service.add_rule(
        ctx,
        user_id=_me(ctx),
        contact_method_id=body.contact_method_id,
        delay_minutes=body.delay_minutes,
        urgency=body.urgency,
    )
    return RuleOut.model_validate(rule)


@router.delete("/users/me/notification-rules/{rule_id}", status_code=204)
def delete_rule(rule_id: RuleId, ctx: ApiResponder) -> Response:
    service.delete_rule(ctx, user_id=_me(ctx), rule_id=rule_id)
    return Response(status_code=204)


@router.get("/users/me/pages", response_model=PageDeliveryPage)
def my_pages(ctx: ApiViewer, limit: Limit = 50, offset: Offset = 0) -> PageDeliveryPage:
    """The pages (and test notifications) sent to me, newest first."""
    rows, total = service.user_pages(ctx, user_id=_me(ctx), limit=limit, offset=offset)
    return _page(rows, total, limit, offset)


@router.get("/users/{user_id}/pages", response_model=PageDeliveryPage)
def user_pages(
    user_id: Annotated[int, Path(ge=1, le=MAX_ID)], ctx: ApiViewer, limit: Limit = 50, offset: Offset = 0
) -> PageDeliveryPage:
    """The page delivery log of one person, newest first."""
    user = auth_service.get_user(ctx, user_id)
    rows, total = service.user_pages(ctx, user_id=user.id, limit=limit, offset=offset)
    return _page(rows, total, limit, offset)


@router.get("/incidents/{incident_id}/pages", response_model=PageDeliveryPage)
def incident_pages(
    incident_id: Annotated[int, Path(ge=1, le=MAX_ID)], ctx: ApiViewer, limit: Limit = 50, offset: Offset = 0
) -> PageDeliveryPage:
    """Every page delivery of one incident (queued, sent, retrying, failed, skipped), newest first."""
    incident = incidents.get_incident(ctx, incident_id)
    rows, total = service.incident_pages(ctx, incident=incident, limit=limit, offset=offset)
    return _page(rows, total, limit, offset)
