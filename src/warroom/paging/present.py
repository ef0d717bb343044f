"""Turn paging rows into API shapes (shared by api.py, views.py and cli.py)."""

from __future__ import annotations

from warroom.auth.models import User
from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.incidents.models import Incident
from warroom.lib.schema import MAX_ID
from warroom.paging import actions, policies
from warroom.paging.hours import describe_support_hours
from warroom.paging.models import EscalationPolicy, ServicePaging
from warroom.paging.schemas import (
    EscalationOut,
    HistoryEntry,
    PolicyOut,
    RuleOut,
    ServicePagingOut,
    ServiceRef,
    TargetOut,
)


def target_name(ctx: Ctx, kind: str, target_id: int) -> str:
    if kind == "user":
        user = ctx.session.get(User, target_id) if 1 <= target_id <= MAX_ID else None
        return user.name if user is not None else f"user {target_id}"
    return policies.schedule_name(ctx, target_id)


def policy_out(ctx: Ctx, policy: EscalationPolicy) -> PolicyOut:
    flags = policy.empty_rule_flags or {}
    rules = [
        RuleOut(
            delay_minutes=rule["delay_minutes"],
            targets=[
                TargetOut(type=t["type"], id=t["id"], name=target_name(ctx, t["type"], t["id"]))
                for t in rule["targets"]
            ],
            empty_last_time=str(index) in flags,
        )
        for index, rule in enumerate(policy.rules)
    ]
    services = [ServiceRef(id=s.id, name=s.name) for s in policies.services_using(ctx, policy)]
    return PolicyOut(
        id=policy.id,
        name=policy.name,
        description=policy.description,
        repeat_count=policy.repeat_count,
        rules=rules,
        empty_rule_flags=flags,
        services=services,
        created_at=policy.created_at,
        updated_at=policy.updated_at,
    )


def service_paging_out(ctx: Ctx, settings: ServicePaging) -> ServicePagingOut:
    service = ctx.session.get(Service, settings.service_id)
    policy = ctx.session.get(EscalationPolicy, settings.policy_id)
    return ServicePagingOut(
        service_id=settings.service_id,
        service_name=service.name if service is not None else "",
        policy_id=settings.policy_id,
        policy_name=policy.name if policy is not None else "",
        ack_timeout_minutes=settings.ack_timeout_minutes,
        support_hours=settings.support_hours or {},
        support_hours_text=describe_support_hours(settings.support_hours or {}),
        low_urgency=settings.low_urgency,
        updated_at=settings.updated_at,
    )


def escalation_out(ctx: Ctx, incident: Incident) -> EscalationOut:
    view = actions.describe_escalation(ctx, incident)
    history = [
        HistoryEntry(
            id=e.id,
            kind=e.kind,
            occurred_at=e.occurred_at,
            actor_name=e.actor_name,
            summary=str(e.data.get("summary", "")),
        )
        for e in view.history
    ]
    escalation = view.escalation
    if escalation is None:
        return EscalationOut(incident_id=incident.id, state="none", history=history)
    running = escalation.state == "active"
    return EscalationOut(
        incident_id=incident.id,
        state=escalation.state,
        escalation_id=escalation.id,
        policy_id=escalation.policy_id,
        policy_name=str(escalation.snapshot.get("name", "")),
        urgency=escalation.urgency,
        loop=escalation.loop + 1 if running else None,
        rule=escalation.rule_index + 1 if running else None,
        retrigger=escalation.retrigger,
        next_step_at=actions.next_step_at(view),
        next_rule_targets=view.next_rule_targets,
        started_at=escalation.started_at,
        ended_at=escalation.ended_at,
        history=history,
    )
