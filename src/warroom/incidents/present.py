"""Incidents, events and tasks in their API shape; the CLI's --json prints the same."""

from __future__ import annotations

from warroom.auth.models import User
from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.incidents import service
from warroom.incidents.describe import describe_event
from warroom.incidents.models import SEVERITIES, Incident, RoleAssignment, Task, TimelineEvent
from warroom.incidents.schemas import (
    ActorRef,
    BlastRadiusOut,
    EventOut,
    FunctionOut,
    IncidentOut,
    ReachedService,
    RoleAssignmentOut,
    ServiceOut,
    TaskOut,
    UserRef,
)


def user_ref(user: User | None) -> UserRef | None:
    return UserRef(id=user.id, name=user.name, email=user.email) if user is not None else None


def _user(ctx: Ctx, user_id: int | None) -> UserRef | None:
    return user_ref(ctx.session.get(User, user_id)) if user_id is not None else None


def service_out(svc: Service) -> ServiceOut:
    return ServiceOut(id=svc.id, name=svc.name, tier=svc.tier)


def incident_out(ctx: Ctx, incident: Incident) -> IncidentOut:
    """The full API view of one incident, roles and flags included."""
    roles = service.current_roles(ctx, incident)
    return IncidentOut(
        id=incident.id,
        title=incident.title,
        summary=incident.summary,
        severity=incident.severity,  # type: ignore[arg-type]
        severity_description=SEVERITIES.get(incident.severity, ""),
        status=incident.status,  # type: ignore[arg-type]
        private=incident.is_private,
        exercise=incident.is_exercise,
        impact=incident.impact,
        customers_affected=incident.customers_affected,
        regions=list(incident.regions or []),
        segments=list(incident.segments or []),
        services=[service_out(s) for s in service.incident_services(ctx, incident)],
        roles={role: [UserRef(id=u.id, name=u.name, email=u.email) for u in users] for role, users in roles.items()},
        unfilled_roles=[role for role, users in roles.items() if not users],
        # Same rule as service.needs_commander, from the roles already loaded.
        needs_commander=incident.severity == "SEV1" and service.is_open(incident) and not roles["incident_commander"],
        allowed_transitions=service.allowed_transitions(incident.status),
        detected_at=incident.detected_at,
        impact_started_at=incident.impact_started_at,
        declared_at=incident.declared_at,
        declared_by=_user(ctx, incident.declared_by_id),
        acknowledged_at=incident.acknowledged_at,
        acknowledged_by=_user(ctx, incident.acknowledged_by_id),
        mitigated_at=incident.mitigated_at,
        resolved_at=incident.resolved_at,
        closed_at=incident.closed_at,
        updated_at=incident.updated_at,
        url=f"/incidents/{incident.id}",
    )


def event_out(event: TimelineEvent) -> EventOut:
    """One timeline entry; `text` is the human sentence, `at` when it happened."""
    return EventOut(
        id=event.id,
        incident_id=event.incident_id,
        kind=event.kind,
        at=event.occurred_at,
        recorded_at=event.recorded_at,
        backdated=event.occurred_at < event.recorded_at,
        actor=ActorRef(id=event.actor_id, name=event.actor_name),
        source=event.source,
        data=dict(event.data or {}),
        corrects_id=event.corrects_id,
        text=describe_event(event),
    )


def task_out(ctx: Ctx, task: Task) -> TaskOut:
    finished = task.status in ("done", "cancelled")
    return TaskOut(
        id=task.id,
        incident_id=task.incident_id,
        title=task.title,
        status=task.status,  # type: ignore[arg-type]
        assignee=_user(ctx, task.assignee_id),
        due_at=task.due_at,
        overdue=task.due_at is not None and not finished and task.due_at < ctx.now(),
        created_at=task.created_at,
        updated_at=task.updated_at,
        completed_at=task.completed_at,
    )


def assignment_out(ctx: Ctx, assignment: RoleAssignment) -> RoleAssignmentOut:
    user = _user(ctx, assignment.user_id)
    assert user is not None  # role holders are users (foreign key)
    return RoleAssignmentOut(
        role=assignment.role,  # type: ignore[arg-type]
        user=user,
        started_at=assignment.started_at,
        ended_at=assignment.ended_at,
    )


def blast_radius_out(ctx: Ctx, incident: Incident) -> BlastRadiusOut:
    radius = service.blast_radius(ctx, incident)
    names = {s.id: s.name for s in radius.roots} | {s.id: s.name for s, _hops in radius.services}
    return BlastRadiusOut(
        roots=[service_out(s) for s in radius.roots],
        services=[
            ReachedService(
                id=s.id, name=s.name, tier=s.tier, hops=hops, path=[names[i] for i in radius.paths.get(s.id, [])]
            )
            for s, hops in radius.services
        ],
        business_functions=[
            FunctionOut(id=f.id, name=f.name, via=[names[i] for i in radius.function_services.get(f.id, [])])
            for f in radius.functions
        ],
    )
