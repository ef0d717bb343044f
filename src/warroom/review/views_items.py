"""Changing an action item from a page: its edit form and the Done button, on the post-mortem or the list."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.context import Ctx
from warroom.errors import AppError
from warroom.incidents import service as incidents
from warroom.incidents.view_forms import Form, FormReader, field_of, local_input_value
from warroom.lib.schema import MAX_ID
from warroom.review import service
from warroom.review.models import ACTION_PRIORITIES, ACTION_STATUSES, ACTION_TYPES, ActionItem
from warroom.review.pages import active_users, page, user_tz
from warroom.review.views_dashboard import ListFilters, list_page
from warroom.web import UiResponder

router = APIRouter()
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
FIELDS = ("status", "priority", "type", "owner_id", "due_at", "ticket_url")
LIST = "/action-items"


def _target(raw: str, item: ActionItem) -> str:
    # Only back to one of the two pages that carry the form, so `next` cannot send anyone off-site.
    postmortem = f"/incidents/{item.incident_id}/postmortem"
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or parts.path not in (LIST, postmortem) or "\\" in raw:
        return postmortem + "#actions"
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def _refused(
    request: Request, ctx: Ctx, item: ActionItem, target: str, errors: dict[str, str], edits: dict[str, str], code: int
) -> Response:
    """The page the form was on, again, with the message next to the field and the values as sent."""
    parts = urlsplit(target)
    if parts.path == LIST:
        filters = ListFilters.from_query(parts.query)
        return list_page(
            request, ctx, filters, query=parts.query, errors=errors, edits={item.id: edits}, status_code=code
        )
    incident = incidents.get_incident(ctx, item.incident_id)
    return page(request, ctx, incident, errors=errors, edits={item.id: edits}, status_code=code)


def _changes(reader: FormReader, ctx: Ctx, item: ActionItem, tz: str) -> dict[str, Any]:
    """The fields whose submitted value differs from the item's (unchanged ones are not sent to the service)."""
    owners = {user.id for user in active_users(ctx)} | ({item.owner_id} if item.owner_id else set())
    wanted: dict[str, Any] = {
        "status": reader.choice("status", ACTION_STATUSES, label="Status"),
        "priority": reader.choice("priority", ACTION_PRIORITIES, label="Priority"),
        "type": reader.choice("type", ACTION_TYPES, label="Type"),
        "owner_id": reader.optional_user_id("owner_id", label="Owner", user_ids=owners),
        "ticket_url": reader.text("ticket_url", label="Ticket link", max_length=2000) or None,
    }
    # The form shows the due date to the minute in the person's zone: the same text means "not changed", so an
    # item already past due can still get a new owner or status without its old date being refused.
    if reader.raw("due_at") != local_input_value(item.due_at, tz):
        wanted["due_at"] = reader.local_datetime("due_at", label="Due")
    current = {name: getattr(item, name) for name in wanted}
    return {name: value for name, value in wanted.items() if value != current[name]}


@router.post("/action-items/{item_id}", response_class=HTMLResponse)
def edit_action_item(request: Request, ctx: UiResponder, item_id: ItemId, form: Form) -> Response:
    """Change an item's status, priority, type, owner, due date (in the future) and ticket link."""
    item = service.get_action_item(ctx, item_id)
    prefix = f"ai-{item.id}-"
    tz = user_tz(request)
    reader = FormReader(form, tz=tz, prefix=prefix)
    target = _target(reader.raw("next"), item)
    sent = {name: reader.raw(name) for name in FIELDS}
    changes = _changes(reader, ctx, item, tz)
    if reader.errors:
        return _refused(request, ctx, item, target, reader.errors, sent, 422)
    if changes:
        # A savepoint, so a refused change leaves nothing half-written when the page is shown again.
        try:
            with ctx.session.begin_nested():
                service.update_action_item(ctx, item, **changes)
        except AppError as exc:
            field = field_of(exc, prefix=prefix, names=FIELDS, default=prefix + "status")
            return _refused(request, ctx, item, target, {field: exc.message}, sent, exc.status_code)
    return RedirectResponse(target, status_code=303)


@router.post("/action-items/{item_id}/status", response_class=HTMLResponse)
def action_item_status(request: Request, ctx: UiResponder, item_id: ItemId, form: Form) -> Response:
    """Mark an action item open, in progress, done or won't do; back to where the form was."""
    item = service.get_action_item(ctx, item_id)
    reader = FormReader(form)
    service.update_action_item(ctx, item, status=reader.raw("status"))
    return RedirectResponse(_target(reader.raw("next"), item), status_code=303)
