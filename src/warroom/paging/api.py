"""Paging JSON API under /api/v1: escalation policies, service paging settings, incident escalations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from warroom.context import Ctx
from warroom.errors import NotFound
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.lib.pagination import MAX_LIMIT
from warroom.lib.schema import MAX_ID
from warroom.paging import present, service
from warroom.paging.schemas import (
    EscalationOut,
    PagedOut,
    PageRoleIn,
    PolicyIn,
    PolicyOut,
    PolicyPage,
    ReassignIn,
    ResponderIn,
    ServicePagingIn,
    ServicePagingOut,
    ServiceRef,
)
from warroom.web import ApiAdmin, ApiResponder, ApiViewer

router = APIRouter(tags=["paging"])

PolicyId = Annotated[int, Path(ge=1, le=MAX_ID, description="escalation policy id")]
ServiceId = Annotated[int, Path(ge=1, le=MAX_ID, description="service id")]
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="incident id")]


def _rules(body: PolicyIn) -> list[dict[str, object]]:
    return [rule.model_dump() for rule in body.rules]


@router.get("/escalation-policies", response_model=PolicyPage)
def list_policies(
    ctx: ApiViewer,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> PolicyPage:
    """Escalation policies by name."""
    found, total = service.list_policies(ctx, limit=limit, offset=offset)
    return PolicyPage(items=[present.policy_out(ctx, p) for p in found], total=total, limit=limit, offset=offset)


@router.post("/escalation-policies", response_model=PolicyOut, status_code=201)
def create_policy(body: PolicyIn, ctx: ApiAdmin) -> PolicyOut:
    """Add a policy: ordered rules (targets + delay ≥ 1 minute before the next), repeated up to 10 times."""
    policy = service.create_policy(
        ctx, name=body.name, description=body.description, repeat_count=body.repeat_count, rules=_rules(body)
    )
    return present.policy_out(ctx, policy)


@router.get("/escalation-policies/{policy_id}", response_model=PolicyOut)
def get_policy(policy_id: PolicyId, ctx: ApiViewer) -> PolicyOut:
    return present.policy_out(ctx, service.get_policy(ctx, policy_id))


@router.put("/escalation-policies/{policy_id}", response_model=PolicyOut)
def update_policy(policy_id: PolicyId, body: PolicyIn, ctx: ApiAdmin) -> PolicyOut:
    """Replace a policy. Escalations already running keep the rules they started with."""
    policy = service.update_policy(
        ctx,
        service.get_policy(ctx, policy_id),
        name=body.name,
        description=body.description,
        repeat_count=body.repeat_count,
        rules=_rules(body),
    )
    return present.policy_out(ctx, policy)


@router.delete("/escalation-policies/{policy_id}", status_code=204, response_class=Response)
def delete_policy(policy_id: PolicyId, ctx: ApiAdmin) -> Response:
    """Delete a policy no service uses (409 names the services that do)."""
    service.delete_policy(ctx, service.get_policy(ctx, policy_id))
    return Response(status_code=204)


@router.get("/services/{service_id}/paging", response_model=ServicePagingOut)
def get_service_paging(service_id: ServiceId, ctx: ApiViewer) -> ServicePagingOut:
    settings = service.get_service_paging(ctx, service_id)
    if settings is None:
        raise NotFound(f"service {service_id} has no paging settings; PUT them to attach an escalation policy")
    return present.service_paging_out(ctx, settings)


@router.put("/services/{service_id}/paging", response_model=ServicePagingOut)
def put_service_paging(service_id: ServiceId, body: ServicePagingIn, ctx: ApiAdmin) -> ServicePagingOut:
    """Attach a policy to a service, with ack timeout, support hours and low-urgency behaviour."""
    settings = service.set_service_paging(
        ctx,
        service_id=service_id,
        policy_id=body.policy_id,
        ack_timeout_minutes=body.ack_timeout_minutes,
        support_hours=body.support_hours.model_dump() if body.support_hours else None,
        low_urgency=body.low_urgency,
    )
    return present.service_paging_out(ctx, settings)


@router.delete("/services/{service_id}/paging", status_code=204, response_class=Response)
def delete_service_paging(service_id: ServiceId, ctx: ApiAdmin) -> Response:
    service.clear_service_paging(ctx, service_id=service_id)
    return Response(status_code=204)


def _incident(ctx: Ctx, incident_id: int) -> Incident:
    return incidents.get_incident(ctx, incident_id)


@router.get("/incidents/{incident_id}/escalation", response_model=EscalationOut)
def get_escalation(incident_id: IncidentId, ctx: ApiViewer) -> EscalationOut:
    """The incident's escalation: state, next step instant and every paging event (state "none" if never paged)."""
    return present.escalation_out(ctx, _incident(ctx, incident_id))


@router.post("/incidents/{incident_id}/escalation/escalate-now", response_model=EscalationOut)
def escalate_now(incident_id: IncidentId, ctx: ApiResponder) -> EscalationOut:
    """Page the next rule now instead of waiting for the current rule's delay."""
    incident = _incident(ctx, incident_id)
    service.escalate_now(ctx, incident)
    return present.escalation_out(ctx, incident)


@router.post("/incidents/{incident_id}/escalation/reassign", response_model=EscalationOut)
def reassign(incident_id: IncidentId, body: ReassignIn, ctx: ApiResponder) -> EscalationOut:
    """Replace the escalation: to one user, or to another policy (a fresh snapshot), paging now."""
    incident = _incident(ctx, incident_id)
    service.reassign(ctx, incident, user_id=body.user_id, policy_id=body.policy_id)
    return present.escalation_out(ctx, incident)


@router.post("/incidents/{incident_id}/escalation/page-role", response_model=PagedOut)
def page_role(incident_id: IncidentId, body: PageRoleIn, ctx: ApiResponder) -> PagedOut:
    """Page the holder of an incident role, or a schedule's on-call to take it."""
    users = service.page_role(ctx, _incident(ctx, incident_id), role=body.role, schedule_id=body.schedule_id)
    return PagedOut(users=[ServiceRef(id=u.id, name=u.name) for u in users])


@router.post("/incidents/{incident_id}/escalation/responders", response_model=PagedOut)
def add_responder(incident_id: IncidentId, body: ResponderIn, ctx: ApiResponder) -> PagedOut:
    """Page a user, or a schedule's on-call, once, outside the policy."""
    users = service.add_responder(ctx, _incident(ctx, incident_id), user_id=body.user_id, schedule_id=body.schedule_id)
    return PagedOut(users=[ServiceRef(id=u.id, name=u.name) for u in users])


@router.post("/incidents/{incident_id}/escalation/acknowledge", response_model=EscalationOut)
def acknowledge(incident_id: IncidentId, ctx: ApiResponder) -> EscalationOut:
    """Acknowledge (the core action) and stop paging at once, also after an ack-timeout re-trigger."""
    incident = _incident(ctx, incident_id)
    service.acknowledge_incident(ctx, incident)
    return present.escalation_out(ctx, incident)
