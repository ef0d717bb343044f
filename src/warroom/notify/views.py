from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.context import Ctx
from warroom.errors import Invalid, NotConfigured
from warroom.lib.schema import MAX_ID
from warroom.notify import service, webhooks
from warroom.notify.models import CHANNELS, DELIVERY_STATUSES
from warroom.web import UiAdmin, UiViewer, render

router = APIRouter()
PAGE_SIZE = 50
EndpointId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _page(
    request: Request,
    ctx: Ctx,
    *,
    status: str = "",
    channel: str = "",
    offset: int = 0,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    filter_error = None
    if status and status not in DELIVERY_STATUSES:
        filter_error = f"Unknown status {status!r}; choose one of {', '.join(DELIVERY_STATUSES)}."
        status = ""
    if channel and channel not in CHANNELS:
        filter_error = f"Unknown channel {channel!r}; choose email or webhook."
        channel = ""
    deliveries, total = service.list_deliveries(
        ctx, status=status or None, channel=channel or None, limit=PAGE_SIZE, offset=offset
    )
    context: dict[str, Any] = {
        "smtp": service.smtp_status(ctx.settings),
        "smtp_variables": service.SMTP_VARIABLES,
        "endpoints": webhooks.list_webhook_endpoints(ctx),
        "deliveries": deliveries,
        "total": total,
        "filters": {"status": status, "channel": channel},
        "statuses": DELIVERY_STATUSES,
        "channels": CHANNELS,
        "filter_error": filter_error,
        "can_change": ctx.actor.role in ("admin", "owner"),
        "prev_url": _page_url(status, channel, offset - PAGE_SIZE) if offset > 0 else None,
        "next_url": _page_url(status, channel, offset + PAGE_SIZE) if offset + PAGE_SIZE < total else None,
        "errors": {},
        "form": {},
        "issued": None,
        "notice": None,
    }
    context.update(extra)
    return render(request, "notify/index.html", status_code=400 if filter_error else status_code, **context)


def _page_url(status: str, channel: str, offset: int) -> str:
    params = {k: v for k, v in {"status": status, "channel": channel}.items() if v}
    if offset > 0:
        params["offset"] = str(offset)
    return "/notify" + ("?" + urlencode(params) if params else "")


NOTICES = {
    "test-email": "Test email queued as delivery #{id}. It appears below as sent once the worker delivers it.",
    "test-webhook": "Test event queued as delivery #{id}.",
    "disabled": "Webhook endpoint {id} is disabled; it receives nothing until enabled.",
    "enabled": "Webhook endpoint {id} is enabled.",
    "deleted": "Webhook endpoint {id} is deleted. Its past deliveries stay in the log.",
}


@router.get("/notify", response_class=HTMLResponse)
def notify_page(
    request: Request,
    ctx: UiViewer,
    status: Annotated[str, Query(max_length=20)] = "",
    channel: Annotated[str, Query(max_length=20)] = "",
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    done: Annotated[str, Query(max_length=20)] = "",
    id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """SMTP status, test email, webhook endpoints and the delivery log."""
    notice = NOTICES[done].format(id=id) if done in NOTICES and id is not None else None
    return _page(request, ctx, status=status, channel=channel, offset=offset, notice=notice)


@router.post("/notify/test-email", response_class=HTMLResponse)
def test_email(request: Request, ctx: UiAdmin, to: Annotated[str, Form(max_length=320)] = "") -> Response:
    try:
        delivery = service.send_test_email(ctx, to=to)
    except NotConfigured as exc:
        return _page(request, ctx, status_code=409, errors={"to": exc.message}, form={"to": to})
    except Invalid as exc:
        return _page(request, ctx, status_code=400, errors={"to": exc.message}, form={"to": to})
    return RedirectResponse(f"/notify?done=test-email&id={delivery.id}", status_code=303)


def _kinds(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", text) if part]


@router.post("/notify/webhooks", response_class=HTMLResponse)
def create_webhook(
    request: Request,
    ctx: UiAdmin,
    url: Annotated[str, Form(max_length=2000)] = "",
    description: Annotated[str, Form(max_length=300)] = "",
    event_kinds: Annotated[str, Form(max_length=3000)] = "",
    include_private: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    form = {"url": url, "description": description, "event_kinds": event_kinds, "include_private": include_private}
    try:
        issued = webhooks.create_webhook_endpoint(
            ctx,
            url=url,
            description=description,
            event_kinds=_kinds(event_kinds),
            include_private=include_private == "on",
        )
    except Invalid as exc:
        field = exc.detail.get("field", "url") if isinstance(exc.detail, dict) else "url"
        return _page(request, ctx, status_code=400, errors={field: exc.message}, form=form)
    # Rendered, not redirected: the secret must never travel in a URL.
    return _page(request, ctx, status_code=201, issued=issued)


@router.post("/notify/webhooks/{endpoint_id}/disable")
def disable_webhook(endpoint_id: EndpointId, ctx: UiAdmin) -> Response:
    webhooks.update_webhook_endpoint(ctx, endpoint_id=endpoint_id, is_active=False)
    return RedirectResponse(f"/notify?done=disabled&id={endpoint_id}", status_code=303)


@router.post("/notify/webhooks/{endpoint_id}/enable")
def enable_webhook(endpoint_id: EndpointId, ctx: UiAdmin) -> Response:
    webhooks.update_webhook_endpoint(ctx, endpoint_id=endpoint_id, is_active=True)
    return RedirectResponse(f"/notify?done=enabled&id={endpoint_id}", status_code=303)


@router.post("/notify/webhooks/{endpoint_id}/delete")
def delete_webhook(endpoint_id: EndpointId, ctx: UiAdmin) -> Response:
    webhooks.delete_webhook_endpoint(ctx, endpoint_id=endpoint_id)
    return RedirectResponse(f"/notify?done=deleted&id={endpoint_id}", status_code=303)


@router.post("/notify/webhooks/{endpoint_id}/test")
def test_webhook(endpoint_id: EndpointId, ctx: UiAdmin) -> Response:
    delivery = webhooks.send_test_event(ctx, endpoint_id=endpoint_id)
    return RedirectResponse(f"/notify?done=test-webhook&id={delivery.id}", status_code=303)
