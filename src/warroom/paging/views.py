"""Paging HTML pages: escalation policies, a service's paging settings, and the incident page's paging panel."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from warroom.auth.models import User
from warroom.catalog import service as catalog
from warroom.context import Ctx
from warroom.errors import AppError
from warroom.incidents import panels
from warroom.incidents import service as incidents
from warroom.incidents.models import ROLES, Incident
from warroom.lib.schema import MAX_ID
from warroom.paging import present, service
from warroom.paging.forms import (
    blank_policy_form,
    parse_policy_form,
    policy_form,
    settings_arguments,
    settings_echo,
    settings_form,
)
from warroom.paging.models import LOW_URGENCY_MODES
from warroom.web import UiAdmin, UiResponder, UiViewer, render

router = APIRouter()
PolicyId = Annotated[int, Path(ge=1, le=MAX_ID)]
ServiceId = Annotated[int, Path(ge=1, le=MAX_ID)]
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _errors(error: AppError) -> dict[str, str]:
    field = error.detail.get("field") if isinstance(error.detail, dict) else None
    return {str(field or "form"): error.message}


def _is_admin(ctx: Ctx) -> bool:
    return ctx.actor.role in ("admin", "owner")


def _choices(ctx: Ctx) -> dict[str, Any]:
    users = list(ctx.session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.name)))
    return {"users": users, "schedules": service.all_schedules(ctx)}


@router.get("/paging/policies", response_class=HTMLResponse)
def policies_page(request: Request, ctx: UiViewer) -> Response:
    """Every escalation policy with its rules, the services using it, and rules that last resolved to nobody."""
    found, _total = service.list_policies(ctx, limit=200)
    rows = [present.policy_out(ctx, p) for p in found]
    return render(request, "paging/policies.html", policies=rows, can_admin=_is_admin(ctx))


def _editor(
    request: Request, ctx: Ctx, *, form: dict[str, Any], policy_id: int | None, status: int = 200, **extra: Any
) -> Response:
    used_by = []
    if policy_id is not None:
        used_by = service.services_using(ctx, service.get_policy(ctx, policy_id))
    return render(
        request,
        "paging/policy.html",
        status_code=status,
        form=form,
        policy_id=policy_id,
        used_by=used_by,
        can_admin=_is_admin(ctx),
        errors=extra.pop("errors", {}),
        **_choices(ctx),
        **extra,
    )


@router.get("/paging/policies/new", response_class=HTMLResponse)
def new_policy_page(request: Request, ctx: UiAdmin) -> Response:
    return _editor(request, ctx, form=blank_policy_form(), policy_id=None)


@router.post("/paging/policies/new", response_class=HTMLResponse)
async def create_policy(request: Request, ctx: UiAdmin) -> Response:
    form = await request.form()
    parsed = parse_policy_form(form)
    try:
        policy = service.create_policy(ctx, **parsed.fields())
    except AppError as error:
        return _editor(request, ctx, form=parsed.echo(), policy_id=None, status=422, errors=_errors(error))
    return RedirectResponse(f"/paging/policies/{policy.id}?saved=1", status_code=303)


@router.get("/paging/policies/{policy_id}", response_class=HTMLResponse)
def policy_page(request: Request, policy_id: PolicyId, ctx: UiViewer, saved: int = 0) -> Response:
    """The policy editor (read-only below admin)."""
    policy = service.get_policy(ctx, policy_id)
    return _editor(request, ctx, form=policy_form(policy), policy_id=policy.id, saved=bool(saved))


@router.post("/paging/policies/{policy_id}", response_class=HTMLResponse)
async def update_policy(request: Request, policy_id: PolicyId, ctx: UiAdmin) -> Response:
    policy = service.get_policy(ctx, policy_id)
    parsed = parse_policy_form(await request.form())
    try:
        service.update_policy(ctx, policy, **parsed.fields())
    except AppError as error:
        ctx.session.rollback()
        return _editor(request, ctx, form=parsed.echo(), policy_id=policy_id, status=422, errors=_errors(error))
    return RedirectResponse(f"/paging/policies/{policy_id}?saved=1", status_code=303)


@router.post("/paging/policies/{policy_id}/delete")
def delete_policy(policy_id: PolicyId, ctx: UiAdmin) -> Response:
    service.delete_policy(ctx, service.get_policy(ctx, policy_id))
    return RedirectResponse("/paging/policies", status_code=303)


def _settings_page(
    request: Request, ctx: Ctx, service_id: int, *, form: dict[str, Any], status: int = 200, **extra: Any
) -> Response:
    policies, _total = service.list_policies(ctx, limit=200)
    return render(
        request,
        "paging/service.html",
        status_code=status,
        service=catalog.get_service(ctx, service_id),
        form=form,
        policies=policies,
        modes=LOW_URGENCY_MODES,
        can_admin=_is_admin(ctx),
        errors=extra.pop("errors", {}),
        **extra,
    )


@router.get("/paging/services/{service_id}", response_class=HTMLResponse)
def service_settings_page(request: Request, service_id: ServiceId, ctx: UiViewer, saved: int = 0) -> Response:
    """A service's paging settings: policy, ack timeout, support hours, low-urgency behaviour."""
    current = service.get_service_paging(ctx, service_id)
    return _settings_page(request, ctx, service_id, form=settings_form(current), saved=bool(saved))


@router.post("/paging/services/{service_id}", response_class=HTMLResponse)
async def save_service_settings(request: Request, service_id: ServiceId, ctx: UiAdmin) -> Response:
    echo = settings_echo(await request.form())
    try:
        service.set_service_paging(ctx, service_id=service_id, **settings_arguments(echo))
    except AppError as error:
        ctx.session.rollback()
        return _settings_page(request, ctx, service_id, form=echo, status=422, errors=_errors(error))
    return RedirectResponse(f"/paging/services/{service_id}?saved=1", status_code=303)


def _back(incident_id: int) -> Response:
    return RedirectResponse(f"/incidents/{incident_id}#paging-h", status_code=303)


def _optional_id(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= MAX_ID else None


@router.post("/paging/incidents/{incident_id}/escalate-now")
def escalate_now(incident_id: IncidentId, ctx: UiResponder) -> Response:
    service.escalate_now(ctx, incidents.get_incident(ctx, incident_id))
    return _back(incident_id)


@router.post("/paging/incidents/{incident_id}/acknowledge")
def acknowledge(incident_id: IncidentId, ctx: UiResponder) -> Response:
    service.acknowledge_incident(ctx, incidents.get_incident(ctx, incident_id))
    return _back(incident_id)


@router.post("/paging/incidents/{incident_id}/page-role")
async def page_role(request: Request, incident_id: IncidentId, ctx: UiResponder) -> Response:
    form = await request.form()
    role = str(form.get("role") or "incident_commander")
    incident = incidents.get_incident(ctx, incident_id)
    service.page_role(ctx, incident, role=role, schedule_id=_optional_id(form.get("schedule_id")))
    return _back(incident_id)


@router.post("/paging/incidents/{incident_id}/responders")
async def add_responder(request: Request, incident_id: IncidentId, ctx: UiResponder) -> Response:
    kind, _sep, ref = str((await request.form()).get("target") or "").partition(":")
    target = _optional_id(ref)
    user_id, schedule_id = (target, None) if kind == "user" else (None, target)
    service.add_responder(ctx, incidents.get_incident(ctx, incident_id), user_id=user_id, schedule_id=schedule_id)
    return _back(incident_id)


@router.post("/paging/incidents/{incident_id}/reassign")
async def reassign(request: Request, incident_id: IncidentId, ctx: UiResponder) -> Response:
    kind, _sep, ref = str((await request.form()).get("target") or "").partition(":")
    target = _optional_id(ref)
    user_id, policy_id = (target, None) if kind == "user" else (None, target)
    service.reassign(ctx, incidents.get_incident(ctx, incident_id), user_id=user_id, policy_id=policy_id)
    return _back(incident_id)


def _panel(ctx: Ctx, incident: Incident) -> dict[str, Any] | None:
    out = present.escalation_out(ctx, incident)
    policies, _total = service.list_policies(ctx, limit=200)
    return {
        "escalation": out,
        "recent": out.history[-5:],
        "open": incidents.is_open(incident),
        "can_act": ctx.actor.role in ("responder", "admin", "owner"),
        "policies": policies,
        "roles": ROLES,
        **_choices(ctx),
    }


panels.register(
    panels.Panel(name="paging.escalation", slot="side", order=30, template="paging/_panel.html", build=_panel)
)
