"""Escalation policies and each service's paging settings: validation, create, edit, delete, read."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from warroom.auth.models import User
from warroom.catalog import service as catalog
from warroom.catalog.common import clean_description, clean_name
from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.lib.pagination import PageRequest, paginate
from warroom.lib.schema import MAX_ID
from warroom.paging.hours import clean_support_hours
from warroom.paging.models import (
    LOW_URGENCY_MODES,
    TARGET_TYPES,
    EscalationPolicy,
    ServicePaging,
    escalation_policy_schedules,
)

MAX_RULES = 20
MAX_TARGETS = 10
MAX_REPEAT = 10
MAX_DELAY = 24 * 60
MAX_ACK_TIMEOUT = 7 * 24 * 60


def _schedule_model() -> Any:
    """The schedules domain's Schedule table, or None while that domain does not define it."""
    # Looked up by name: the schedules domain is built alongside this one and may not have its table yet.
    return getattr(importlib.import_module("warroom.schedules.models"), "Schedule", None)


def find_schedule(ctx: Ctx, schedule_id: int) -> Any:
    """The schedule row with this id, or None."""
    model = _schedule_model()
    if model is None or not 1 <= schedule_id <= MAX_ID:
        return None
    return ctx.session.get(model, schedule_id)


def find_schedule_by_name(ctx: Ctx, name: str) -> Any:
    """The schedule with this name (any case), or None."""
    model = _schedule_model()
    if model is None:
        return None
    return ctx.session.scalar(select(model).where(func.lower(model.name) == name.lower()))


def schedule_exists(ctx: Ctx, schedule_id: int) -> bool:
    """Whether the schedules domain knows this schedule."""
    return find_schedule(ctx, schedule_id) is not None


def schedule_name(ctx: Ctx, schedule_id: int) -> str:
    """A schedule's name for people, or 'schedule N' when it is gone."""
    found = find_schedule(ctx, schedule_id)
    return str(found.name) if found is not None else f"schedule {schedule_id}"


def all_schedules(ctx: Ctx) -> list[tuple[int, str]]:
    """(id, name) of every schedule, for pickers."""
    model = _schedule_model()
    if model is None:
        return []
    return [(int(s.id), str(s.name)) for s in ctx.session.scalars(select(model).order_by(model.name))]


def clean_targets(ctx: Ctx, targets: Sequence[dict[str, Any]], *, field: str) -> list[dict[str, Any]]:
    """Each target is {"type": "user"|"schedule", "id": n}; unknown users or schedules are a 422."""
    if not targets:
        raise Invalid(f"{field} needs at least one target (a user or a schedule)", {"field": field})
    if len(targets) > MAX_TARGETS:
        raise Invalid(f"{field} has {len(targets)} targets; keep it to {MAX_TARGETS}", {"field": field})
    cleaned: list[dict[str, Any]] = []
    for target in targets:
        kind, target_id = target.get("type"), target.get("id")
        if kind not in TARGET_TYPES or type(target_id) is not int:
            raise Invalid(f'each target in {field} must be {{"type": "user" or "schedule", "id": n}}', {"field": field})
        if kind == "user":
            user = ctx.session.get(User, target_id) if 1 <= target_id <= MAX_ID else None
            if user is None or not user.is_active:
                raise Invalid(f"{field}: user {target_id} does not exist or is deactivated", {"field": field})
        elif not schedule_exists(ctx, target_id):
            raise Invalid(
                f"{field}: schedule {target_id} does not exist; create it under /schedules first", {"field": field}
            )
        entry = {"type": kind, "id": target_id}
        if entry not in cleaned:
            cleaned.append(entry)
    return cleaned


def clean_rules(ctx: Ctx, rules: Sequence[dict[str, Any]], *, repeat_count: int) -> list[dict[str, Any]]:
    """Ordered rules with targets and a delay of at least one minute before the next rule (or the next loop)."""
    if not 0 <= repeat_count <= MAX_REPEAT:
        raise Invalid(f"repeat_count must be between 0 and {MAX_REPEAT}", {"field": "repeat_count"})
    if not rules:
        raise Invalid("a policy needs at least one rule: who to page first", {"field": "rules"})
    if len(rules) > MAX_RULES:
        raise Invalid(f"a policy has at most {MAX_RULES} rules", {"field": "rules"})
    cleaned = []
    for index, rule in enumerate(rules, start=1):
        delay = rule.get("delay_minutes")
        if type(delay) is not int or not 1 <= delay <= MAX_DELAY:
            loop_hint = " (with repeats, a zero delay would loop without pause)" if repeat_count else ""
            raise Invalid(
                f"rule {index}: delay_minutes must be 1 to {MAX_DELAY} minutes before the next rule{loop_hint}",
                {"field": f"rules.{index - 1}.delay_minutes"},
            )
        targets = clean_targets(ctx, rule.get("targets") or [], field=f"rules.{index - 1}.targets")
        cleaned.append({"delay_minutes": delay, "targets": targets})
    return cleaned


def get_policy(ctx: Ctx, policy_id: int) -> EscalationPolicy:
    """The policy with this id, or NotFound."""
    policy = ctx.session.get(EscalationPolicy, policy_id) if 1 <= policy_id <= MAX_ID else None
    if policy is None:
        raise NotFound(f"escalation policy {policy_id} does not exist; GET /api/v1/escalation-policies lists them")
    return policy


def list_policies(ctx: Ctx, *, limit: int = 50, offset: int = 0) -> tuple[list[EscalationPolicy], int]:
    """Policies by name, one page and the total."""
    query = select(EscalationPolicy).order_by(func.lower(EscalationPolicy.name), EscalationPolicy.id)
    return paginate(ctx.session, query, PageRequest(limit=limit, offset=offset))


def _ensure_name_free(ctx: Ctx, name: str, exclude_id: int | None) -> None:
    query = select(EscalationPolicy.id).where(func.lower(EscalationPolicy.name) == name.lower())
    if exclude_id is not None:
        query = query.where(EscalationPolicy.id != exclude_id)
    if ctx.session.scalar(query) is not None:
        raise Conflict(f"an escalation policy named {name!r} exists already; pick another name", {"field": "name"})


def _flush(ctx: Ctx, name: str) -> None:
    try:
        with ctx.session.begin_nested():
            ctx.session.flush()
    except IntegrityError:
        raise Conflict(f"an escalation policy named {name!r} exists already; pick another name") from None


def create_policy(
    ctx: Ctx, *, name: str, rules: Sequence[dict[str, Any]], repeat_count: int = 0, description: str = ""
) -> EscalationPolicy:
    """Add a policy; rules are validated (targets exist, delays ≥ 1 minute)."""
    clean = clean_name(name, kind="escalation policy")
    _ensure_name_free(ctx, clean, None)
    now = ctx.now()
    policy = EscalationPolicy(
        name=clean,
        description=clean_description(description),
        repeat_count=repeat_count,
        rules=clean_rules(ctx, rules, repeat_count=repeat_count),
        empty_rule_flags={},
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(policy)
    _flush(ctx, clean)
    _link_schedules(ctx, policy)
    return policy


def _link_schedules(ctx: Ctx, policy: EscalationPolicy) -> None:
    """Keep escalation_policy_schedules in step with the rules (it protects schedules from deletion)."""
    wanted = {t["id"] for rule in policy.rules for t in rule["targets"] if t["type"] == "schedule"}
    table = escalation_policy_schedules
    ctx.session.execute(delete(table).where(table.c.policy_id == policy.id))
    if wanted:
        ctx.session.execute(insert(table), [{"policy_id": policy.id, "schedule_id": s} for s in sorted(wanted)])


def update_policy(
    ctx: Ctx,
    policy: EscalationPolicy,
    *,
    name: str,
    rules: Sequence[dict[str, Any]],
    repeat_count: int = 0,
    description: str = "",
) -> EscalationPolicy:
    """Replace a policy's fields. Running escalations keep the snapshot they took when they opened."""
    clean = clean_name(name, kind="escalation policy")
    _ensure_name_free(ctx, clean, policy.id)
    policy.rules = clean_rules(ctx, rules, repeat_count=repeat_count)
    policy.name = clean
    policy.description = clean_description(description)
    policy.repeat_count = repeat_count
    # The rules changed, so last run's "resolved to nobody" flags no longer describe them.
    policy.empty_rule_flags = {}
    policy.updated_at = ctx.now()
    _flush(ctx, clean)
    _link_schedules(ctx, policy)
    return policy


def services_using(ctx: Ctx, policy: EscalationPolicy) -> list[Service]:
    """Services that page through this policy, by name."""
    query = (
        select(Service)
        .join(ServicePaging, ServicePaging.service_id == Service.id)
        .where(ServicePaging.policy_id == policy.id)
        .order_by(Service.name)
    )
    return list(ctx.session.scalars(query))


def delete_policy(ctx: Ctx, policy: EscalationPolicy) -> None:
    """Remove a policy no service uses (409 naming the services otherwise)."""
    using = services_using(ctx, policy)
    if using:
        names = ", ".join(s.name for s in using)
        raise Conflict(
            f"escalation policy {policy.name!r} is used by {names}; point those services at another policy first",
            {"services": [s.id for s in using]},
        )
    ctx.session.delete(policy)
    ctx.session.flush()


def get_service_paging(ctx: Ctx, service_id: int) -> ServicePaging | None:
    """The service's paging settings (NotFound for an unknown service; None when it has none)."""
    service = catalog.get_service(ctx, service_id)
    return ctx.session.get(ServicePaging, service.id)


def set_service_paging(
    ctx: Ctx,
    *,
    service_id: int,
    policy_id: int,
    ack_timeout_minutes: int | None = None,
    support_hours: dict[str, Any] | None = None,
    low_urgency: str = "wait_for_support_hours",
) -> ServicePaging:
    """Point a service at a policy, with an optional ack timeout, support hours and low-urgency mode."""
    service = catalog.get_service(ctx, service_id)
    if not (1 <= policy_id <= MAX_ID and ctx.session.get(EscalationPolicy, policy_id) is not None):
        raise Invalid(f"escalation policy {policy_id} does not exist", {"field": "policy_id"})
    if ack_timeout_minutes is not None and not 1 <= ack_timeout_minutes <= MAX_ACK_TIMEOUT:
        raise Invalid(
            f"ack_timeout_minutes must be 1 to {MAX_ACK_TIMEOUT} (or null for none)", {"field": "ack_timeout_minutes"}
        )
    if low_urgency not in LOW_URGENCY_MODES:
        raise Invalid(f"low_urgency must be one of {', '.join(LOW_URGENCY_MODES)}", {"field": "low_urgency"})
    hours = clean_support_hours(support_hours)
    settings = ctx.session.get(ServicePaging, service.id)
    if settings is None:
        settings = ServicePaging(service_id=service.id)
        ctx.session.add(settings)
    settings.policy_id = policy_id
    settings.ack_timeout_minutes = ack_timeout_minutes
    settings.support_hours = hours
    settings.low_urgency = low_urgency
    settings.updated_at = ctx.now()
    ctx.session.flush()
    from warroom.paging.engine import ensure_auditor

    ensure_auditor(ctx)
    return settings


def clear_service_paging(ctx: Ctx, *, service_id: int) -> None:
    """Stop paging for a service (its open escalations keep running to their end)."""
    service = catalog.get_service(ctx, service_id)
    settings = ctx.session.get(ServicePaging, service.id)
    if settings is None:
        raise NotFound(f"service {service.name!r} has no paging settings")
    ctx.session.delete(settings)
    ctx.session.flush()
