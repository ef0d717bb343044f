"""Rendering the post-mortem page, shared by the editor's form handlers (views.py) and action-item edits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from warroom.auth.models import User
from warroom.catalog.models import Team
from warroom.context import Ctx
from warroom.errors import AppError
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.incidents.view_forms import local_input_value
from warroom.review import service
from warroom.review.export import duration
from warroom.review.models import ACTION_PRIORITIES, ACTION_STATUSES, ACTION_TYPES, FACTOR_CATEGORIES
from warroom.review.sections import PUBLIC_CHOICES, SECTIONS
from warroom.web import render

# Submitted values of one action item's edit form, by item id, shown again when the change is refused.
Edits = dict[int, dict[str, str]]


def user_tz(request: Request) -> str:
    user = getattr(request.state, "user", None)
    return user.timezone if user is not None else "UTC"


def active_users(ctx: Ctx) -> list[User]:
    return list(ctx.session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.name)))


def item_form_vars(request: Request, ctx: Ctx) -> dict[str, Any]:
    """What the action-item edit form (review/_m.html item_edit) needs besides the item itself."""
    tz = user_tz(request)
    return {
        "users": active_users(ctx),
        "action_types": ACTION_TYPES,
        "priorities": ACTION_PRIORITIES,
        "statuses": ACTION_STATUSES,
        "due_input": lambda instant: local_input_value(instant, tz),
    }


def page(
    request: Request,
    ctx: Ctx,
    incident: Incident,
    *,
    errors: dict[str, str] | None = None,
    edits: Edits | None = None,
    status_code: int = 200,
) -> Response:
    """The post-mortem page (or, for an open incident without one, the invitation to start it)."""
    postmortem = service.get_postmortem(ctx, incident)
    if postmortem is None and incidents.is_open(incident):
        return render(request, "review/start.html", incident=incident, status_code=status_code)
    postmortem = postmortem or service.draft_for(ctx, incident)
    return render(
        request,
        "review/postmortem.html",
        status_code=status_code,
        incident=incident,
        doc=service.postmortem_dict(ctx, incident, postmortem),
        errors=errors or {},
        edits=edits or {},
        sections=SECTIONS,
        public_choices=PUBLIC_CHOICES,
        factor_categories=FACTOR_CATEGORIES,
        teams=list(ctx.session.scalars(select(Team).order_by(Team.name))),
        duration=duration,
        **item_form_vars(request, ctx),
    )


def back(incident_id: int, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"/incidents/{incident_id}/postmortem#{anchor}", status_code=303)


def attempt(
    request: Request,
    ctx: Ctx,
    incident: Incident,
    action: Callable[[], Any],
    *,
    anchor: str,
    field: Callable[[AppError], str],
) -> Response:
    """Run a change; on a refusal show the page again with the message next to `field(exc)`."""
    # A savepoint, so a refused change leaves nothing half-written when the page is shown again.
    try:
        with ctx.session.begin_nested():
            action()
    except AppError as exc:
        return page(request, ctx, incident, errors={field(exc): exc.message}, status_code=exc.status_code)
    return back(incident.id, anchor)
