from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from warroom.lib.pagination import MAX_LIMIT
from warroom.lib.schema import MAX_ID
from warroom.notify import service, webhooks
from warroom.notify.schemas import (
    DeliveryOut,
    DeliveryPage,
    SmtpStatusOut,
    TestEmailIn,
    WebhookEndpointCreated,
    WebhookEndpointIn,
    WebhookEndpointList,
    WebhookEndpointOut,
    WebhookEndpointPatch,
)
from warroom.web import ApiAdmin, ApiViewer

router = APIRouter(prefix="/notify", tags=["notify"])
DeliveryStatus = Literal["queued", "sent", "retrying", "failed", "not_configured"]
Channel = Literal["email", "webhook"]
DeliveryId = Annotated[int, Path(ge=1, le=MAX_ID, description="delivery id")]
EndpointId = Annotated[int, Path(ge=1, le=MAX_ID, description="webhook endpoint id")]


@router.get("/status", response_model=SmtpStatusOut)
def status(ctx: ApiViewer) -> SmtpStatusOut:
    """Whether email is configured (never the password)."""
    smtp = service.smtp_status(ctx.settings)
    text = service.NOT_CONFIGURED_MESSAGE
    return SmtpStatusOut(**asdict(smtp), message=None if smtp.configured else text[0].upper() + text[1:])


@router.get("/deliveries", response_model=DeliveryPage)
def list_deliveries(
    ctx: ApiViewer,
    status: DeliveryStatus | None = None,
    channel: Channel | None = None,
    incident_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    endpoint_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> DeliveryPage:
    """The delivery log, newest first."""
    rows, total = service.list_deliveries(
        ctx,
        status=status,
        channel=channel,
        incident_id=incident_id,
        endpoint_id=endpoint_id,
        limit=limit,
        offset=offset,
    )
    return DeliveryPage(items=[DeliveryOut.model_validate(d) for d in rows], total=total, limit=limit, offset=offset)


@router.get("/deliveries/{delivery_id}", response_model=DeliveryOut)
def get_delivery(delivery_id: DeliveryId, ctx: ApiViewer) -> DeliveryOut:
    return DeliveryOut.model_validate(service.get_delivery(ctx, delivery_id))


@router.post("/test-email", response_model=DeliveryOut, status_code=202)
def test_email(body: TestEmailIn, ctx: ApiAdmin) -> DeliveryOut:
    """Queue a test email (409 not_configured when SMTP is unset)."""
    return DeliveryOut.model_validate(service.send_test_email(ctx, to=body.to))


@router.get("/webhooks", response_model=WebhookEndpointList)
def list_webhooks(ctx: ApiViewer) -> WebhookEndpointList:
    items = [WebhookEndpointOut.model_validate(e) for e in webhooks.list_webhook_endpoints(ctx)]
    return WebhookEndpointList(items=items, total=len(items))


@router.post("/webhooks", response_model=WebhookEndpointCreated, status_code=201)
def create_webhook(body: WebhookEndpointIn, ctx: ApiAdmin) -> WebhookEndpointCreated:
    """Add an endpoint. The response carries its signing secret, once."""
    issued = webhooks.create_webhook_endpoint(ctx, **body.model_dump())
    return WebhookEndpointCreated(
        **WebhookEndpointOut.model_validate(issued.endpoint).model_dump(), secret=issued.secret
    )


@router.get("/webhooks/{endpoint_id}", response_model=WebhookEndpointOut)
def get_webhook(endpoint_id: EndpointId, ctx: ApiViewer) -> WebhookEndpointOut:
    return WebhookEndpointOut.model_validate(webhooks.get_webhook_endpoint(ctx, endpoint_id))


@router.patch("/webhooks/{endpoint_id}", response_model=WebhookEndpointOut)
def update_webhook(endpoint_id: EndpointId, body: WebhookEndpointPatch, ctx: ApiAdmin) -> WebhookEndpointOut:
    changes = body.model_dump(exclude_unset=True)
    endpoint = webhooks.update_webhook_endpoint(ctx, endpoint_id=endpoint_id, **changes)
    return WebhookEndpointOut.model_validate(endpoint)


@router.delete("/webhooks/{endpoint_id}", status_code=204)
def delete_webhook(endpoint_id: EndpointId, ctx: ApiAdmin) -> Response:
    webhooks.delete_webhook_endpoint(ctx, endpoint_id=endpoint_id)
    return Response(status_code=204)


@router.post("/webhooks/{endpoint_id}/test", response_model=DeliveryOut, status_code=202)
def test_webhook(endpoint_id: EndpointId, ctx: ApiAdmin) -> DeliveryOut:
    """Queue a signed `test` event to this endpoint."""
    return DeliveryOut.model_validate(webhooks.send_test_event(ctx, endpoint_id=endpoint_id))
