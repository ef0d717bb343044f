"""Paging part of the demo dataset: the "WMS escalation" policy on the WMS, Inventory DB and Picking services."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from warroom.paging import policies
from warroom.paging.engine import ensure_auditor
from warroom.paging.policies import find_schedule_by_name

if TYPE_CHECKING:
    from warroom.demo import DemoWorld

PAGED_SERVICES = ("WMS", "Inventory DB", "Picking")
# Support hours for low-urgency (SEV3/SEV4) incidents: weekdays in the warehouse's own zone.
SUPPORT_HOURS = {"timezone": "Europe/Berlin", "windows": [{"days": [0, 1, 2, 3, 4], "start": "08:00", "end": "18:00"}]}


def seed(world: DemoWorld) -> None:
    """Primary on-call → secondary on-call → Alice, 5 then 10 minutes apart, repeated twice."""
    from warroom.paging.models import EscalationPolicy

    ctx = world.story.ctx
    if ctx.session.scalar(select(EscalationPolicy).where(EscalationPolicy.name == "WMS escalation")) is not None:
        return
    world.story.at(world.now - timedelta(days=20))
    world.story.act_as(world.users["erin@example.com"])
    rules: list[dict[str, Any]] = []
    for name, delay in (("WMS primary", 5), ("WMS secondary", 10)):
        schedule = find_schedule_by_name(ctx, name)
        if schedule is not None:  # the schedules demo makes these; without it the policy pages Alice alone
            rules.append({"delay_minutes": delay, "targets": [{"type": "schedule", "id": int(schedule.id)}]})
    rules.append({"delay_minutes": 15, "targets": [{"type": "user", "id": world.users["alice@example.com"].id}]})
    policy = policies.create_policy(
        ctx,
        name="WMS escalation",
        description="Warehouse platform: primary on-call, then secondary, then the platform owner.",
        repeat_count=2,
        rules=rules,
    )
    for service_name in PAGED_SERVICES:
        service = world.services.get(service_name)
        if service is None:
            continue
        policies.set_service_paging(
            ctx,
            service_id=service.id,
            policy_id=policy.id,
            ack_timeout_minutes=30,
            support_hours=SUPPORT_HOURS,
            low_urgency="wait_for_support_hours",
        )
    world.story.at(world.now)
    ensure_auditor(ctx)
