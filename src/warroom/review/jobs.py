"""Review background jobs and event subscriptions: draft on resolve, action-item reminders, the close rule."""

from __future__ import annotations

from typing import Any

from warroom.context import Ctx
from warroom.incidents import lifecycle
from warroom.incidents.models import Incident
from warroom.jobs.registry import job, subscribe
from warroom.review import postmortems
from warroom.review.actions import REMINDER_JOB, send_reminder

DRAFT_JOB = "review.draft_postmortem"


@job(DRAFT_JOB)
def draft_postmortem(ctx: Ctx, payload: dict[str, Any]) -> None:
    """A resolved incident always has a post-mortem: draft it (once) from what the incident recorded."""
    incident = ctx.session.get(Incident, int(payload["incident_id"]))
    if incident is not None:
        postmortems.ensure_postmortem(ctx, incident)


@job(REMINDER_JOB)
def remind(ctx: Ctx, payload: dict[str, Any]) -> None:
    send_reminder(ctx, item_id=int(payload["action_item_id"]), when=str(payload["when"]), due_at=payload.get("due_at"))


subscribe("incident.resolved", DRAFT_JOB)
lifecycle.register_close_guard(postmortems.require_published)
