"""Intake JSON API under /api/v1: integrations, alerts, change events, routing rules, noise stats.

Reading needs any signed-in user; integrations and routing rules need admin (they decide who gets paged);
attaching an alert to an incident is responder work.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi import Response as HttpResponse

from warroom.catalog import service as catalog
from warroom.incidents import service as incidents
from warroom.intake import rules, service
from warroom.intake.schemas import (
    AlertAttach,
    AlertOut,
    AlertPage,
    ChangeList,
    ChangeOut,
    IntegrationCreate,
    IntegrationIssued,
    IntegrationList,
    IntegrationOut,
    RuleCreate,
    RuleList,
    RuleOut,
    StatsOut,
    integration_out,
)
from warroom.lib.pagination import MAX_LIMIT, PageRequest
from warroom.lib.schema import MAX_ID
from warroom.web import ApiAdmin, ApiResponder, ApiViewer

router = APIRouter(tags=["intake"])

ServiceId = Annotated[int, Path(ge=1, le=MAX_ID, description="service id")]
IntegrationId = Annotated[int, Path(ge=1, le=MAX_ID, description="integration id")]
AlertId = Annotated[int, Path(ge=1, le=MAX_ID, description="alert id")]
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="incident id")]
RuleId = Annotated[int, Path(ge=1, le=MAX_ID, description="routing rule id")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]


@router.post("/services/{service_id}/integrations", response_model=IntegrationIssued, status_code=201)
def create_integration(ctx: ApiAdmin, service_id: ServiceId, body: IntegrationCreate) -> IntegrationIssued:
    """Add a receiver; the answer carries the key and full URL, shown only this once."""
    return IntegrationIssued.of(service.create_integration(ctx, service_id=service_id, type=body.type, name=body.name))


@router.get("/services/{service_id}/integrations", response_model=IntegrationList)
def list_integrations(ctx: ApiViewer, service_id: ServiceId) -> IntegrationList:
    """The service's integrations (keys are never shown again)."""
    items = [integration_out(i) for i in service.list_integrations(ctx, service_id=service_id)]
    return IntegrationList(items=items, total=len(items))


@router.post("/integrations/{integration_id}/rotate", response_model=IntegrationIssued)
def rotate_integration(ctx: ApiAdmin, integration_id: IntegrationId) -> IntegrationIssued:
    """Issue a new key; the old one stops working at once."""
    return IntegrationIssued.of(service.rotate_key(ctx, service.get_integration(ctx, integration_id)))


@router.post("/integrations/{integration_id}/revoke", response_model=IntegrationOut)
def revoke_integration(ctx: ApiAdmin, integration_id: IntegrationId) -> IntegrationOut:
    """Stop accepting the key. Stored alerts stay."""
    return integration_out(service.revoke(ctx, service.get_integration(ctx, integration_id)))


@router.get("/alerts", response_model=AlertPage)
def list_alerts(
    ctx: ApiViewer,
    service_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Literal["firing", "resolved"] | None = None,
    label: Annotated[list[str] | None, Query(max_length=20, description="name=value, repeatable")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AlertPage:
    """Alerts, newest first; filter by service, status and labels (`label=env=prod`)."""
    labels = [value[:500] for value in label or []]
    rows, total = service.list_alerts(
        ctx, service_id=service_id, status=status, labels=labels, page=PageRequest(limit=limit, offset=offset)
    )
    return AlertPage(items=[AlertOut.of(a) for a in rows], total=total, limit=limit, offset=offset)


@router.get("/alerts/{alert_id}", response_model=AlertOut)
def get_alert(ctx: ApiViewer, alert_id: AlertId) -> AlertOut:
    """One alert."""
    return AlertOut.of(service.get_alert(ctx, alert_id))


@router.post("/alerts/{alert_id}/attach", response_model=AlertOut)
def attach_alert(ctx: ApiResponder, alert_id: AlertId, body: AlertAttach) -> AlertOut:
    """Attach an alert to an incident (e.g. one shown as possibly related)."""
    alert = service.get_alert(ctx, alert_id)
    incident = incidents.get_incident(ctx, body.incident_id)
    return AlertOut.of(service.attach_alert(ctx, alert, incident))


@router.get("/incidents/{incident_id}/alerts", response_model=AlertPage)
def incident_alerts(ctx: ApiViewer, incident_id: IncidentId) -> AlertPage:
    """The alerts attached to an incident."""
    incident = incidents.get_incident(ctx, incident_id)
    rows = service.alerts_for_incident(ctx.session, incident.id)
    return AlertPage(items=[AlertOut.of(a) for a in rows], total=len(rows), limit=len(rows), offset=0)


@router.get("/incidents/{incident_id}/changes", response_model=ChangeList)
def incident_changes(
    ctx: ApiViewer, incident_id: IncidentId, hours: Annotated[int, Query(ge=1, le=168)] = 2
) -> ChangeList:
    """Change events of the incident's services in the hours before it was detected."""
    incident = incidents.get_incident(ctx, incident_id)
    service_ids = [s.id for s in incidents.incident_services(ctx, incident)]
    rows = service.changes_before(ctx.session, service_ids, incident.detected_at, timedelta(hours=hours))
    return ChangeList(items=[ChangeOut.of(c) for c in rows], total=len(rows))


@router.get("/services/{service_id}/intake-stats", response_model=StatsOut)
def intake_stats(ctx: ApiViewer, service_id: ServiceId) -> StatsOut:
    """Alerts received ÷ incidents opened (the noise-reduction ratio) for one service."""
    return StatsOut.model_validate(service.intake_stats(ctx, service_id=service_id))


@router.get("/services/{service_id}/routing-rules", response_model=RuleList)
def list_rules(ctx: ApiViewer, service_id: ServiceId) -> RuleList:
    """The service's routing rules in order; the first match wins."""
    items = [RuleOut.of(r) for r in rules.list_rules(ctx, service_id=service_id)]
    return RuleList(items=items, total=len(items))


@router.post("/services/{service_id}/routing-rules", response_model=RuleOut, status_code=201)
def create_rule(ctx: ApiAdmin, service_id: ServiceId, body: RuleCreate) -> RuleOut:
    """Add a routing rule (last unless a position is given)."""
    catalog.get_service(ctx, service_id)
    rule = rules.create_rule(
        ctx,
        service_id=service_id,
        name=body.name,
        matchers=[m.model_dump() for m in body.matchers],
        severities=body.severities,
        open_incident=body.open_incident,
        incident_severity=body.incident_severity,
        group_by=body.group_by,
        monitoring_on_resolve=body.monitoring_on_resolve,
        position=body.position,
    )
    return RuleOut.of(rule)


@router.delete("/routing-rules/{rule_id}", status_code=204)
def delete_rule(ctx: ApiAdmin, rule_id: RuleId) -> HttpResponse:
    """Remove a routing rule."""
    rules.delete_rule(ctx, rules.get_rule(ctx, rule_id))
    return HttpResponse(status_code=204)
