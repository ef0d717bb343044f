"""Prepare the scratch database for the paging benchmark through the project's service functions.

An on-call person with an email and a webhook contact method, each with an "immediately" notification rule; a
one-person weekly schedule; an escalation policy whose first rule pages that schedule; a tier-1 service on that
policy (so a critical alert opens a SEV1, high-urgency incident); and a generic integration on the service.
Imported by latency.py, which calls setup() before it starts `warroom serve`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from warroom import handlers
from warroom.auth import service as auth
from warroom.catalog import service as catalog
from warroom.contacts import service as contacts
from warroom.context import Ctx
from warroom.db import Database
from warroom.intake import service as intake
from warroom.lib.clock import SystemClock
from warroom.paging import service as paging
from warroom.schedules import service as schedules
from warroom.settings import Settings


def setup(hook_url: str) -> tuple[str, float]:
    """Create the on-call person, schedule, policy, service and integration; returns (intake path, worker poll)."""
    handlers.load_all()  # the topic subscriptions, as in `warroom serve`
    settings = Settings.from_env()
    database = Database(settings)
    try:
        with database.transaction() as session:
            ctx = Ctx(session=session, clock=SystemClock(), settings=settings, source="cli")
            user = auth.create_user(
                ctx, email="oncall@example.com", name="Bench On-call", role="responder", timezone="UTC"
            )
            for kind, target in (("email", user.email), ("webhook", hook_url)):
                method = contacts.add_contact_method(ctx, user_id=user.id, kind=kind, target=target).method
                contacts.add_rule(ctx, user_id=user.id, contact_method_id=method.id, delay_minutes=0)
            schedule = schedules.create_schedule(ctx, name="Bench primary", time_zone="UTC")
            schedules.add_layer(
                ctx,
                schedule,
                name="Weekly",
                rotation_start=datetime.now(UTC) - timedelta(days=1),
                turn_length=1,
                turn_unit="weeks",
                members=[user.id],
            )
            # The delay is before the next rule; rule 1 pages as soon as the escalation starts.
            rule = {"delay_minutes": 30, "targets": [{"type": "schedule", "id": schedule.id}]}
            policy = paging.create_policy(ctx, name="Bench escalation", rules=[rule])
            service = catalog.create_service(ctx, name="bench-paging", tier=1)
            paging.set_service_paging(ctx, service_id=service.id, policy_id=policy.id)
            issued = intake.create_integration(ctx, service_id=service.id, type="generic")
            return urlsplit(issued.url).path, settings.worker_poll_seconds
    finally:
        database.dispose()
