"""The post-mortem as one dictionary (API, pages and exports share it)."""

from __future__ import annotations

from typing import Any

from warroom.auth import service as auth_service
from warroom.auth.models import User
from warroom.context import Ctx
from warroom.incidents.models import Incident
from warroom.review import checking, collaboration, metrics, postmortems
from warroom.review.actions import is_overdue
from warroom.review.models import ActionItem, Postmortem
from warroom.review.sections import PRIVATE, REQUIRED, SECTIONS
from warroom.review.timeline import build_timeline, first_public_updates, incident_events, key_instants, manual_entries


def _user_name(ctx: Ctx, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = ctx.session.get(User, user_id)
    return user.name if user else None


def action_item_dict(ctx: Ctx, item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "incident_id": item.incident_id,
        "title": item.title,
        "type": item.type,
        "priority": item.priority,
        "status": item.status,
        "owner_id": item.owner_id,
        "owner": _user_name(ctx, item.owner_id),
        "team_id": item.team_id,
        "due_at": item.due_at,
        "overdue": is_overdue(item, ctx.now()),
        "ticket_url": item.ticket_url,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "completed_at": item.completed_at,
        "reminded_before_at": item.reminded_before_at,
        "reminded_after_at": item.reminded_after_at,
    }


def may_read_debrief(ctx: Ctx, postmortem: Postmortem) -> bool:
    return postmortem.debrief_shared or auth_service.role_rank(ctx.actor.role) >= auth_service.role_rank("responder")


def postmortem_dict(ctx: Ctx, incident: Incident, postmortem: Postmortem, *, with_lint: bool = True) -> dict[str, Any]:
    """Everything about one post-mortem: sections, timeline, key instants, metrics, items, review."""
    events = incident_events(ctx.session, incident.id)
    entries = build_timeline(events, manual_entries(ctx.session, postmortem), postmortem)
    first = first_public_updates(ctx.session, [incident.id]).get(incident.id)
    items = postmortems.action_items_of(ctx, incident.id)
    stored = postmortem.sections or {}
    sections = {key: str(stored.get(key, "")) for key in SECTIONS}
    if not may_read_debrief(ctx, postmortem):
        sections["debrief"] = ""
    empty, actions_problem = postmortems.publish_problems(ctx, incident, postmortem)
    return {
        "id": postmortem.id,
        "incident_id": incident.id,
        "incident": {
            "id": incident.id,
            "title": incident.title,
            "severity": incident.severity,
            "status": incident.status,
            "exercise": incident.is_exercise,
        },
        "saved": postmortem.id is not None,
        "status": postmortem.status,
        "sections": sections,
        "headings": dict(SECTIONS),
        "required_sections": list(REQUIRED),
        "private_sections": list(PRIVATE),
        "empty_required_sections": empty,
        "action_items_problem": actions_problem,
        "public_sections": list(postmortem.public_sections or []),
        "debrief_shared": bool(postmortem.debrief_shared),
        "factors": list(postmortem.factors or []),
        "tags": list(postmortem.tags or []),
        "no_actions_reason": postmortem.no_actions_reason,
        "timeline": [entry.as_dict() for entry in entries],
        "key_instants": key_instants(incident, first),
        "metrics": metrics.metrics_for(ctx, incident).values,
        "action_items": [action_item_dict(ctx, item) for item in items],
        "reviewers": [
            {
                "user_id": r.user_id,
                "name": _user_name(ctx, r.user_id),
                "assigned_at": r.assigned_at,
                "approved_at": r.approved_at,
            }
            for r in collaboration.reviewers(ctx, postmortem)
        ],
        "comments": [
            {"id": c.id, "section": c.section, "body": c.body, "author": c.author_name, "created_at": c.created_at}
            for c in collaboration.comments(ctx, postmortem)
        ],
        "lint": checking.lint_postmortem(ctx, postmortem, items) if with_lint else [],
        "created_at": postmortem.created_at,
        "updated_at": postmortem.updated_at,
        "published_at": postmortem.published_at,
    }
