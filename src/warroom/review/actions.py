"""Action items: follow-ups tracked across incidents, with reminders before and after the due date."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select

from warroom.auth import service as auth_service
from warroom.catalog import service as catalog
from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.incidents import service as incidents
from warroom.incidents.checks import as_utc, clean_title
from warroom.incidents.models import Incident, incident_services
from warroom.jobs import service as jobs
from warroom.lib.pagination import PageRequest, paginate
from warroom.lib.schema import MAX_ID
from warroom.notify import service as notify
from warroom.review.models import ACTION_FINISHED, ACTION_PRIORITIES, ACTION_STATUSES, ACTION_TYPES, ActionItem

REMINDER_JOB = "review.action_item_reminder"
REMIND_BEFORE = timedelta(days=1)
REMIND_AFTER = timedelta(days=1)
ACTIVE = ("open", "in_progress")


def _choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    cleaned = value.strip().lower()
    if cleaned not in allowed:
        raise Invalid(
            f"unknown {field} {value!r}; use one of {', '.join(allowed)}", {"field": field, "allowed": list(allowed)}
        )
    return cleaned


def _due(ctx: Ctx, due_at: datetime | None, *, allow_past: bool) -> datetime | None:
    if due_at is None:
        return None
    due = as_utc(due_at, field="due_at")
    if not allow_past and due <= ctx.now():
        raise Invalid(
            f"due_at {due.isoformat()} is not in the future (now is {ctx.now().isoformat()}); pick a later date",
            {"field": "due_at"},
        )
    return due


def _ticket(url: str | None) -> str | None:
    if url is None or not url.strip():
        return None
    return notify.check_url(url.strip(), field="ticket_url")


def _owner_id(ctx: Ctx, owner_id: int | None) -> int | None:
    return auth_service.get_user(ctx, owner_id).id if owner_id is not None else None


def _default_team(ctx: Ctx, incident: Incident) -> int | None:
    query = (
        select(Service.team_id)
        .join(incident_services, incident_services.c.service_id == Service.id)
        .where(incident_services.c.incident_id == incident.id, Service.team_id.is_not(None))
        .order_by(Service.tier, Service.id)
    )
    return ctx.session.scalar(query.limit(1))


def create_action_item(
    ctx: Ctx,
    incident: Incident,
    *,
    title: str,
    type: str,
    owner_id: int | None = None,
    team_id: int | None = None,
    due_at: datetime | None = None,
    priority: str = "medium",
    ticket_url: str | None = None,
    allow_past_due: bool = False,
) -> ActionItem:
    """Add a follow-up to the incident's review. Due dates must be in the future unless imported (allow_past_due)."""
    now = ctx.now()
    item = ActionItem(
        incident_id=incident.id,
        title=clean_title(title),
        type=_choice(type, ACTION_TYPES, "type"),
        priority=_choice(priority, ACTION_PRIORITIES, "priority"),
        status="open",
        owner_id=_owner_id(ctx, owner_id),
        team_id=catalog.get_team(ctx, team_id).id if team_id is not None else _default_team(ctx, incident),
        due_at=_due(ctx, due_at, allow_past=allow_past_due),
        ticket_url=_ticket(ticket_url),
        created_by_id=ctx.actor.user_id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(item)
    ctx.session.flush()
    _schedule_reminders(ctx, item)
    return item


def get_action_item(ctx: Ctx, item_id: int) -> ActionItem:
    """One action item, or NotFound (also for items of incidents the actor may not see)."""
    item = ctx.session.get(ActionItem, item_id) if 1 <= item_id <= MAX_ID else None
    if item is None:
        raise NotFound(f"action item {item_id} does not exist; see GET /api/v1/action-items")
    incidents.get_incident(ctx, item.incident_id)
    return item


def update_action_item(ctx: Ctx, item: ActionItem, **changes: Any) -> ActionItem:
    """Change fields of an item; a new due date must be in the future and moves its reminders."""
    if "title" in changes:
        item.title = clean_title(changes["title"])
    if "type" in changes:
        item.type = _choice(changes["type"], ACTION_TYPES, "type")
    if "priority" in changes:
        item.priority = _choice(changes["priority"], ACTION_PRIORITIES, "priority")
    if "owner_id" in changes:
        item.owner_id = _owner_id(ctx, changes["owner_id"])
    if "team_id" in changes:
        item.team_id = catalog.get_team(ctx, changes["team_id"]).id if changes["team_id"] is not None else None
    if "ticket_url" in changes:
        item.ticket_url = _ticket(changes["ticket_url"])
    if "status" in changes:
        status = _choice(changes["status"], ACTION_STATUSES, "status")
        if status != item.status:
            item.completed_at = ctx.now() if status in ACTION_FINISHED else None
        item.status = status
    if "due_at" in changes:
        due = _due(ctx, changes["due_at"], allow_past=False)
        if due != item.due_at:
            _cancel_reminders(ctx, item)
            item.due_at = due
            item.reminded_before_at = item.reminded_after_at = None
            _schedule_reminders(ctx, item)
    item.updated_at = ctx.now()
    ctx.session.flush()
    return item


def is_overdue(item: ActionItem, now: datetime) -> bool:
    return item.status in ACTIVE and item.due_at is not None and item.due_at < now


def _reminder_key(item: ActionItem, when: str) -> str:
    due = item.due_at.isoformat() if item.due_at else "none"
    return f"action-reminder:{item.id}:{when}:{due}"


def reminder_instants(item: ActionItem) -> dict[str, datetime]:
    """When the reminders for this item run: a day before and a day after its due date."""
    if item.due_at is None:
        return {}
    return {"before": item.due_at - REMIND_BEFORE, "after": item.due_at + REMIND_AFTER}


def _schedule_reminders(ctx: Ctx, item: ActionItem) -> None:
    for when, run_at in reminder_instants(item).items():
        if when == "before" and run_at <= ctx.now():
            continue  # due within a day: the "before" reminder would say nothing new
        payload = {"action_item_id": item.id, "when": when, "due_at": item.due_at.isoformat() if item.due_at else None}
        jobs.enqueue(ctx, REMINDER_JOB, payload, run_at=run_at, key=_reminder_key(item, when))


def _cancel_reminders(ctx: Ctx, item: ActionItem) -> None:
    for when in ("before", "after"):
        jobs.cancel(ctx, key=_reminder_key(item, when))


def send_reminder(ctx: Ctx, *, item_id: int, when: str, due_at: str | None) -> bool:
    """Remind the owner about an unfinished item; False when it no longer applies (done, moved, deleted)."""
    item = ctx.session.get(ActionItem, item_id)
    current = item.due_at.isoformat() if item is not None and item.due_at else None
    if item is None or item.status in ACTION_FINISHED or current != due_at:
        return False
    owner = auth_service.get_user(ctx, item.owner_id) if item.owner_id else None
    due_text = item.due_at.strftime("%Y-%m-%d %H:%M UTC") if item.due_at else ""
    if owner is not None:
        subject = f"Action item due {due_text}: {item.title}" if when == "before" else f"Overdue: {item.title}"
        body = (
            f"Action item {item.id} from incident {item.incident_id}: {item.title}\n"
            f"Due: {due_text}. Status: {item.status}.\n"
            f"Update it at /action-items?incident_id={item.incident_id}\n"
        )
        notify.send_email(
            ctx, to=owner.email, subject=subject, body=body, incident_id=item.incident_id, key=_reminder_key(item, when)
        )
    if when == "before":
        item.reminded_before_at = ctx.now()
    else:
        item.reminded_after_at = ctx.now()
    return True


def _filtered(
    ctx: Ctx,
    *,
    overdue: bool | None,
    status: str | None,
    team_id: int | None,
    service_id: int | None,
    incident_id: int | None,
    owner_id: int | None,
) -> Select[Any]:
    query = select(ActionItem).join(Incident, Incident.id == ActionItem.incident_id)
    if not incidents.sees_everything(ctx):
        query = query.where(Incident.is_private.is_(False))
    now = ctx.now()
    if overdue is True:
        query = query.where(ActionItem.status.in_(ACTIVE), ActionItem.due_at < now)
    elif overdue is False:
        query = query.where(
            (ActionItem.due_at.is_(None)) | (ActionItem.due_at >= now) | ActionItem.status.not_in(ACTIVE)
        )
    if status == "active":
        query = query.where(ActionItem.status.in_(ACTIVE))
    elif status is not None:
        query = query.where(ActionItem.status == _choice(status, ACTION_STATUSES, "status"))
    if team_id is not None:
        query = query.where(ActionItem.team_id == team_id)
    if service_id is not None:
        on_service = select(incident_services.c.incident_id).where(incident_services.c.service_id == service_id)
        query = query.where(ActionItem.incident_id.in_(on_service))
    if incident_id is not None:
        query = query.where(ActionItem.incident_id == incident_id)
    if owner_id is not None:
        query = query.where(ActionItem.owner_id == owner_id)
    return query.order_by(ActionItem.due_at.is_(None), ActionItem.due_at, ActionItem.id)


def list_action_items(
    ctx: Ctx,
    *,
    overdue: bool | None = None,
    status: str | None = None,
    team_id: int | None = None,
    service_id: int | None = None,
    incident_id: int | None = None,
    owner_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ActionItem], int]:
    """Items across incidents, soonest due first; `status="active"` means open or in progress."""
    query = _filtered(
        ctx,
        overdue=overdue,
        status=status,
        team_id=team_id,
        service_id=service_id,
        incident_id=incident_id,
        owner_id=owner_id,
    )
    return paginate(ctx.session, query, PageRequest(limit=limit, offset=offset))
