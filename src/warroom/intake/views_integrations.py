"""The integrations page of a service: create, rotate, revoke (copy-ready snippets with the new key), rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.catalog import service as catalog
from warroom.context import Ctx
from warroom.errors import AppError
from warroom.intake import rules, service
from warroom.intake.integrations import IssuedIntegration, base_url
from warroom.intake.models import INTEGRATION_TYPES
from warroom.intake.rules import RULE_SEVERITIES
from warroom.lib.schema import MAX_ID
from warroom.web import UiAdmin, UiViewer, render

router = APIRouter()
ServiceId = Annotated[int, Path(ge=1, le=MAX_ID)]
IntegrationId = Annotated[int, Path(ge=1, le=MAX_ID)]
RuleId = Annotated[int, Path(ge=1, le=MAX_ID)]


def snippets(issued: IssuedIntegration, base: str) -> dict[str, str]:
    """Copy-ready configuration for the sender of this integration type."""
    kind, key, url = issued.integration.type, issued.key, issued.url
    host = base.split("://", 1)[-1]
    scheme = base.split("://", 1)[0] if "://" in base else "http"
    out: dict[str, str] = {}
    if kind == "alertmanager":
        out["Alertmanager receiver (alertmanager.yml)"] = (
            f"receivers:\n  - name: warroom\n    webhook_configs:\n      - url: {url}\n        send_resolved: true"
        )
    if kind == "prometheus":
        out["Prometheus (prometheus.yml)"] = (
            "alerting:\n  alertmanagers:\n"
            f"    - scheme: {scheme}\n      path_prefix: {issued.path_prefix}\n"
            f"      static_configs:\n        - targets: ['{host}']"
        )
    if kind == "pagerduty":
        out["PagerDuty routing key (Events API v2, base URL " + base + ")"] = key
        out["Alertmanager pagerduty_configs"] = (
            f"receivers:\n  - name: warroom\n    pagerduty_configs:\n      - routing_key: {key}\n"
            f"        url: {base}/v2/enqueue"
        )
        body = (
            '{"routing_key":"' + key + '","event_action":"trigger",'
            '"payload":{"summary":"Test alert","source":"curl","severity":"warning"}}'
        )
        out["curl"] = f"curl -sS -X POST {base}/v2/enqueue -H 'Content-Type: application/json' -d '{body}'"
        return out
    if kind == "generic":
        body = '{"title":"Test alert","severity":"warning","state":"firing","dedup_key":"test"}'
    elif kind == "prometheus":
        body = '[{"labels":{"alertname":"TestAlert","severity":"warning"}}]'
    else:
        body = (
            '{"version":"4","groupKey":"test","status":"firing","alerts":[{"status":"firing",'
            '"labels":{"alertname":"TestAlert","severity":"warning"},"fingerprint":"test"}]}'
        )
    out["curl"] = f"curl -sS -X POST {url} -H 'Content-Type: application/json' -d '{body}'"
    return out


def _page(request: Request, ctx: Ctx, service_id: int, *, status_code: int = 200, **extra: Any) -> Response:
    svc = catalog.get_service(ctx, service_id)
    issued: IssuedIntegration | None = extra.pop("issued", None)
    return render(
        request,
        "intake/integrations.html",
        status_code=status_code,
        service=svc,
        integrations=service.list_integrations(ctx, service_id=service_id),
        rules=rules.list_rules(ctx, service_id=service_id),
        stats=service.intake_stats(ctx, service_id=service_id),
        types=INTEGRATION_TYPES,
        rule_severities=RULE_SEVERITIES,
        issued=issued,
        snippets=snippets(issued, base_url(ctx)) if issued else {},
        error=extra.get("error"),
        field=extra.get("field"),
    )


@router.get("/services/{service_id}/integrations", response_class=HTMLResponse)
def integrations_page(request: Request, ctx: UiViewer, service_id: ServiceId) -> Response:
    """The service's integrations, routing rules and noise ratio."""
    return _page(request, ctx, service_id)


@router.post("/services/{service_id}/integrations", response_class=HTMLResponse)
async def integrations_create(request: Request, ctx: UiAdmin, service_id: ServiceId) -> Response:
    """Create an integration and show its key and snippets once."""
    form = await request.form()
    kind = str(form.get("type", ""))[:40]
    name = str(form.get("name", ""))[:300] or None
    try:
        issued = service.create_integration(ctx, service_id=service_id, type=kind, name=name)
    except AppError as error:
        if error.status_code == 404:
            raise
        return _page(request, ctx, service_id, status_code=422, error=error.message, field="type")
    return _page(request, ctx, service_id, status_code=201, issued=issued)


@router.post("/services/{service_id}/integrations/{integration_id}/rotate", response_class=HTMLResponse)
def integrations_rotate(
    request: Request, ctx: UiAdmin, service_id: ServiceId, integration_id: IntegrationId
) -> Response:
    """Issue a new key and show it once."""
    integration = service.get_integration(ctx, integration_id)
    if integration.service_id != service_id:
        return _page(request, ctx, service_id, status_code=404, error="that integration belongs to another service")
    try:
        issued = service.rotate_key(ctx, integration)
    except AppError as error:
        return _page(request, ctx, service_id, status_code=422, error=error.message)
    return _page(request, ctx, service_id, issued=issued)


@router.post("/services/{service_id}/integrations/{integration_id}/revoke")
def integrations_revoke(
    request: Request, ctx: UiAdmin, service_id: ServiceId, integration_id: IntegrationId
) -> Response:
    """Stop accepting the key."""
    integration = service.get_integration(ctx, integration_id)
    if integration.service_id != service_id:
        return _page(request, ctx, service_id, status_code=404, error="that integration belongs to another service")
    service.revoke(ctx, integration)
    return RedirectResponse(f"/services/{service_id}/integrations", status_code=303)


@router.post("/services/{service_id}/routing-rules", response_class=HTMLResponse)
async def rules_create(request: Request, ctx: UiAdmin, service_id: ServiceId) -> Response:
    """Add a simple rule: one optional label matcher, severities, open or not, severity, group-by keys."""
    form = await request.form()
    label = str(form.get("label", "")).strip()[:200]
    matchers = [{"label": label, "op": str(form.get("op", "="))[:2], "value": str(form.get("value", ""))[:2000]}]
    severities = [str(v)[:20] for v in form.getlist("severities")][:4]
    group_by = [g.strip()[:200] for g in str(form.get("group_by", "")).split(",") if g.strip()][:10]
    try:
        rules.create_rule(
            ctx,
            service_id=service_id,
            name=str(form.get("name", ""))[:200],
            matchers=matchers if label else [],
            severities=severities,
            open_incident=form.get("open_incident") == "on",
            incident_severity=str(form.get("incident_severity", "by_tier"))[:10],
            group_by=group_by,
            monitoring_on_resolve=form.get("monitoring_on_resolve") == "on",
        )
    except AppError as error:
        if error.status_code == 404:
            raise
        field = (error.detail or {}).get("field") if isinstance(error.detail, dict) else None
        return _page(request, ctx, service_id, status_code=422, error=error.message, field=field or "rule")
    return RedirectResponse(f"/services/{service_id}/integrations#rules", status_code=303)


@router.post("/services/{service_id}/routing-rules/{rule_id}/delete")
def rules_delete(request: Request, ctx: UiAdmin, service_id: ServiceId, rule_id: RuleId) -> Response:
    """Remove a rule."""
    rule = rules.get_rule(ctx, rule_id)
    if rule.service_id != service_id:
        return _page(request, ctx, service_id, status_code=404, error="that rule belongs to another service")
    rules.delete_rule(ctx, rule)
    return RedirectResponse(f"/services/{service_id}/integrations#rules", status_code=303)
