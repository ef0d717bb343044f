"""Comms HTML pages: incident panels (bridge, update countdown), My subscriptions, the subscribers admin page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from warroom.catalog.models import BusinessFunction, Service, Team
from warroom.comms import service as comms
from warroom.comms import views_public
from warroom.context import Ctx
from warroom.errors import AppError, Invalid
from warroom.incidents import panels
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.lib.schema import MAX_ID
from warroom.notify import service as notify
from warroom.web import UiAdmin, UiResponder, UiViewer, render

router = APIRouter()
router.include_router(views_public.router)
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalId = Annotated[str, Form(max_length=12)]


def _bridge_panel(ctx: Ctx, incident: Incident) -> dict[str, Any] | None:
    bridge = comms.get_bridge(ctx, incident)
    return {"bridge": bridge, "can_edit": ctx.actor.role not in ("viewer",)}


def _cadence_panel(ctx: Ctx, incident: Incident) -> dict[str, Any] | None:
    data = comms.cadence_summary(ctx, incident)
    if not data["tracked"] or (data["state"] == "none" and not data["intervals"]):
        return None
    return data


panels.register(panels.Panel("comms.bridge", "top", 10, "comms/_bridge_panel.html", _bridge_panel))
panels.register(panels.Panel("comms.cadence", "top", 20, "comms/_cadence_panel.html", _cadence_panel))


def _back(incident_id: int, query: str = "") -> Response:
    return RedirectResponse(f"/incidents/{incident_id}{query}#bridge", status_code=303)


@router.post("/incidents/{incident_id}/bridge")
def set_bridge(
    ctx: UiResponder,
    incident_id: ItemId,
    url: Annotated[str, Form(max_length=2000)] = "",
    label: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    incident = incidents.get_incident(ctx, incident_id)
    comms.set_bridge(ctx, incident, url=url, label=label)
    return _back(incident_id)


@router.post("/incidents/{incident_id}/bridge/delete")
def delete_bridge(ctx: UiResponder, incident_id: ItemId) -> Response:
    comms.remove_bridge(ctx, incidents.get_incident(ctx, incident_id))
    return _back(incident_id)


def _subscriptions_page(
    request: Request,
    ctx: Ctx,
    *,
    status_code: int = 200,
    error: str | None = None,
    notice: str | None = None,
    hook_error: str | None = None,
    new_hook: Any = None,
) -> Response:
    rows = comms.list_subscriptions(ctx)
    is_admin = ctx.actor.role in ("admin", "owner")
    hooks = comms.list_stakeholder_webhooks(ctx) if is_admin else []
    return render(
        request,
        "comms/subscriptions.html",
        status_code=status_code,
        rows=[(row, comms.describe_subscription(ctx, row)) for row in rows],
        services=list(ctx.session.scalars(select(Service).order_by(Service.name))),
        functions=list(ctx.session.scalars(select(BusinessFunction).order_by(BusinessFunction.name))),
        teams=list(ctx.session.scalars(select(Team).order_by(Team.name))),
        is_admin=is_admin,
        error=error,
        notice=notice,
        hooks=[(hook, comms.describe_stakeholder_webhook(ctx, hook)) for hook in hooks],
        hook_error=hook_error,
        new_hook=new_hook,
    )


@router.get("/subscriptions", response_class=HTMLResponse)
def my_subscriptions(request: Request, ctx: UiViewer) -> Response:
    return _subscriptions_page(request, ctx)


def _optional_id(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise ValueError(raw)
    return int(raw)


@router.post("/subscriptions", response_class=HTMLResponse)
def add_subscription(
    request: Request,
    ctx: UiViewer,
    scope: Annotated[str, Form(max_length=30)] = "all",
    service_id: OptionalId = "",
    function_id: OptionalId = "",
    severity: Annotated[str, Form(max_length=8)] = "",
    team_id: OptionalId = "",
) -> Response:
    """Stakeholder subscriptions are personal settings, so viewers may change their own."""
    try:
        ids = {name: _optional_id(raw) for name, raw in (("s", service_id), ("f", function_id), ("t", team_id))}
    except ValueError:
        return _subscriptions_page(
            request, ctx, status_code=422, error="Pick the service, function or team from the lists."
        )
    try:
        comms.subscribe_stakeholder(
            ctx,
            scope=scope,
            service_id=ids["s"] if scope == "service" else None,
            function_id=ids["f"] if scope == "business_function" else None,
            severity=(severity or None) if scope == "severity" else None,
            team_id=ids["t"],
        )
    except AppError as exc:
        return _subscriptions_page(request, ctx, status_code=exc.status_code, error=exc.message)
    return RedirectResponse("/subscriptions?added=1", status_code=303)


@router.post("/subscriptions/{subscription_id}/delete")
def delete_subscription(ctx: UiViewer, subscription_id: ItemId) -> Response:
    comms.unsubscribe_stakeholder(ctx, subscription_id)
    return RedirectResponse("/subscriptions", status_code=303)


@router.post("/subscriptions/webhooks", response_class=HTMLResponse)
def add_stakeholder_webhook(
    request: Request,
    ctx: UiAdmin,
    kind: Annotated[str, Form(max_length=10)] = "webhook",
    url: Annotated[str, Form(max_length=2000)] = "",
    description: Annotated[str, Form(max_length=200)] = "",
    scope: Annotated[str, Form(max_length=30)] = "all",
    service_id: OptionalId = "",
    function_id: OptionalId = "",
    severity: Annotated[str, Form(max_length=8)] = "",
    include_private: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Webhook targets leave Warroom, so only admins add them; the secret is shown on this one response."""
    try:
        ids = {name: _optional_id(raw) for name, raw in (("s", service_id), ("f", function_id))}
    except ValueError:
        return _subscriptions_page(
            request, ctx, status_code=422, hook_error="Pick the service or function from the lists."
        )
    try:
        row = comms.add_stakeholder_webhook(
            ctx,
            kind=kind,
            url=url,
            description=description,
            scope=scope,
            service_id=ids["s"] if scope == "service" else None,
            function_id=ids["f"] if scope == "business_function" else None,
            severity=(severity or None) if scope == "severity" else None,
            include_private=include_private == "yes",
        )
    except AppError as exc:
        return _subscriptions_page(request, ctx, status_code=exc.status_code, hook_error=exc.message)
    return _subscriptions_page(request, ctx, new_hook=row)


@router.post("/subscriptions/webhooks/{webhook_id}/delete")
def delete_stakeholder_webhook(ctx: UiAdmin, webhook_id: ItemId) -> Response:
    comms.remove_stakeholder_webhook(ctx, webhook_id)
    return RedirectResponse("/subscriptions#webhooks-h", status_code=303)


@router.get("/admin/subscribers", response_class=HTMLResponse)
def subscribers_admin(request: Request, ctx: UiAdmin, state: Annotated[str, Query(max_length=20)] = "all") -> Response:
    error = None
    if state not in ("all", "confirmed", "pending", "quarantined", "unsubscribed"):
        error, state = f"Unknown state {state!r}; showing all subscribers.", "all"
    rows = comms.list_subscribers(ctx, state=state)
    return render(
        request,
        "comms/admin_subscribers.html",
        status_code=400 if error else 200,
        rows=[(row, comms.subscriber_state(row), comms.hard_failures(ctx, row)) for row in rows],
        counts=comms.counts(ctx),
        state=state,
        error=error,
        smtp=notify.smtp_status(ctx.settings),
        limit=comms.quarantine_after(ctx.settings),
        cadence=comms.cadence_settings(ctx),
    )


@router.post("/admin/subscribers/{subscriber_id}/release")
def release_subscriber(ctx: UiAdmin, subscriber_id: ItemId) -> Response:
    comms.release(ctx, comms.get_subscriber(ctx, subscriber_id))
    return RedirectResponse("/admin/subscribers", status_code=303)


@router.post("/admin/subscribers/{subscriber_id}/delete")
def delete_subscriber(ctx: UiAdmin, subscriber_id: ItemId) -> Response:
    comms.remove_subscriber(ctx, comms.get_subscriber(ctx, subscriber_id))
    return RedirectResponse("/admin/subscribers", status_code=303)


@router.post("/admin/comms/cadence")
def set_cadence(
    ctx: UiAdmin,
    severity: Annotated[str, Form(max_length=8)] = "",
    first_update_minutes: Annotated[str, Form(max_length=6)] = "",
    interval_minutes: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    first = first_update_minutes.strip()
    interval = interval_minutes.strip()
    if (first and not first.isdigit()) or not interval.isdigit():
        raise Invalid("minutes must be whole numbers (leave the first deadline empty for none)")
    comms.set_cadence(
        ctx, severity=severity, first_update_minutes=int(first) if first else None, interval_minutes=int(interval)
    )
    return RedirectResponse("/admin/subscribers#cadence", status_code=303)
