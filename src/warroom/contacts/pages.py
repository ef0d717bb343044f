"""Paging one person: expand their notification rules into delivery jobs, one queue per channel."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warroom.auth.models import User
from warroom.contacts.methods import KIND_LABELS, get_contact_method, list_contact_methods, list_rules
from warroom.contacts.models import CHANNEL_QUEUES, ContactMethod, PageDelivery
from warroom.contacts.transports import TWILIO_NOT_CONFIGURED
from warroom.context import Ctx
from warroom.errors import Invalid
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.jobs import service as jobs
from warroom.lib.pagination import PageRequest, paginate
from warroom.notify.service import NOT_CONFIGURED_MESSAGE
from warroom.settings import Settings

DELIVER_JOB = "contacts.deliver_page"
HIGH_URGENCY = ("SEV1", "SEV2")
ACCOUNT_EMAIL = "account-email"
NO_METHODS_NOTE = "no contact methods: paged at the account email; add contact methods under My contact methods"


@dataclass(frozen=True)
class PageRecord:
    """One page a person received (however many methods carried it)."""

    user_id: int
    at: datetime
    incident_id: int | None
    page_key: str


def urgency_of(incident: Incident) -> str:
    """SEV1 and SEV2 page at high urgency; the rest at low."""
    return "high" if incident.severity in HIGH_URGENCY else "low"


def provider_missing(settings: Settings, channel: str) -> str | None:
    """Why `channel` cannot send at all right now (settings absent), or None."""
    if channel == "email" and not settings.smtp_configured:
        return NOT_CONFIGURED_MESSAGE
    if channel in ("sms", "voice") and not (
        settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from
    ):
        return TWILIO_NOT_CONFIGURED
    return None


def _plan(ctx: Ctx, user: User, urgency: str) -> list[tuple[ContactMethod | None, int]]:
    """(method, delay minutes) pairs; None stands for the account email of a person with no methods."""
    methods = {m.id: m for m in list_contact_methods(ctx, user_id=user.id)}
    if not methods:
        return [(None, 0)]
    rules = [
        r for r in list_rules(ctx, user_id=user.id) if r.urgency in ("any", urgency) and r.contact_method_id in methods
    ]
    if not rules:
        # No rule for this urgency: reach every method at once rather than nobody.
        return [(m, 0) for m in methods.values()]
    return [(methods[r.contact_method_id], r.delay_minutes) for r in rules]


def _insert(ctx: Ctx, row: PageDelivery) -> bool:
    """Add the row unless its delivery id exists (a repeated or concurrent page_user); True when added."""
    if ctx.session.scalar(select(PageDelivery.id).where(PageDelivery.delivery_id == row.delivery_id)) is not None:
        return False
    try:
        with ctx.session.begin_nested():
            ctx.session.add(row)
    except IntegrityError:
        return False
    return True


def _enqueue(ctx: Ctx, row: PageDelivery) -> None:
    jobs.enqueue(
        ctx,
        DELIVER_JOB,
        {"page_delivery_id": row.id},
        run_at=row.due_at,
        key=f"page-delivery:{row.id}",
        queue=CHANNEL_QUEUES[row.channel],
    )


def _new_row(ctx: Ctx, **fields: object) -> PageDelivery:
    now = ctx.now()
    missing = provider_missing(ctx.settings, str(fields["channel"]))
    return PageDelivery(
        status="not_configured" if missing else "queued",
        last_error=missing,
        attempts=0,
        created_at=now,
        updated_at=now,
        **fields,
    )


def page_user(ctx: Ctx, *, incident: Incident, user: User, page_key: str, reason: str) -> None:
    """Page one person for an incident through their rules; idempotent per delivery id (page_key:method)."""
    page_key = page_key.strip()
    if not page_key or len(page_key) > 200:
        raise Invalid("a page key is 1 to 200 characters", {"field": "page_key"})
    reason = " ".join(reason.split())[:300]
    now = ctx.now()
    seen: set[int | None] = set()
    added: list[PageDelivery] = []
    for method, delay in _plan(ctx, user, urgency_of(incident)):
        method_id = method.id if method is not None else None
        delivery_id = f"{page_key}:{method_id if method_id is not None else ACCOUNT_EMAIL}"
        if method_id in seen:
            delivery_id += f":+{delay}m"
        seen.add(method_id)
        row = _new_row(
            ctx,
            delivery_id=delivery_id,
            page_key=page_key,
            user_id=user.id,
            incident_id=incident.id,
            contact_method_id=method_id,
            channel=method.kind if method is not None else "email",
            target=method.target if method is not None else user.email,
            reason=reason if method is not None else f"{reason} ({NO_METHODS_NOTE})"[:300],
            delay_minutes=delay,
            due_at=now + timedelta(minutes=delay),
        )
        if not _insert(ctx, row):
            continue
        added.append(row)
        if row.status == "queued":
            _enqueue(ctx, row)
    if added:
        incidents.record_event(ctx, incident, kind="contacts.paged", data=_paged_event(user, page_key, added))


def _paged_event(user: User, page_key: str, rows: list[PageDelivery]) -> dict[str, object]:
    steps = [
        f"{KIND_LABELS.get(r.channel, r.channel)} {'now' if r.delay_minutes == 0 else f'after {r.delay_minutes} min'}"
        for r in rows
    ]
    summary = f"Paged {user.name}: {', '.join(steps)}"
    if any(r.contact_method_id is None for r in rows):
        summary += f" ({user.name} has no contact methods, so the account email was used)"
    off = [r.channel for r in rows if r.status == "not_configured"]
    if off:
        summary += f"; not sent by {', '.join(sorted(set(off)))}: not configured"
    return {"user_id": user.id, "page_key": page_key, "deliveries": len(rows), "summary": summary}


def send_test_notification(ctx: Ctx, *, user_id: int, method_id: int) -> PageDelivery:
    """Queue a test message through one method; success marks it verified, failure marks it failing."""
    method = get_contact_method(ctx, user_id=user_id, method_id=method_id)
    now = ctx.now()
    key = f"test:{method.id}:{secrets.token_hex(6)}"
    row = _new_row(
        ctx,
        delivery_id=key,
        page_key=key,
        user_id=user_id,
        incident_id=None,
        contact_method_id=method.id,
        channel=method.kind,
        target=method.target,
        reason=f"test notification requested by {ctx.actor.name}",
        delay_minutes=0,
        due_at=now,
        is_test=True,
    )
    ctx.session.add(row)
    ctx.session.flush()
    if row.status == "queued":
        _enqueue(ctx, row)
    else:
        method.status = "failing"
        method.last_error = row.last_error
        method.last_error_at = now
    return row


def _log_query() -> Select[PageDelivery]:
    return select(PageDelivery).order_by(PageDelivery.created_at.desc(), PageDelivery.id.desc())


def incident_pages(ctx: Ctx, *, incident: Incident, limit: int = 50, offset: int = 0) -> tuple[list[PageDelivery], int]:
    """The page deliveries of one incident, newest first."""
    query = _log_query().where(PageDelivery.incident_id == incident.id)
    return paginate(ctx.session, query, PageRequest(limit=limit, offset=offset))


def user_pages(ctx: Ctx, *, user_id: int, limit: int = 50, offset: int = 0) -> tuple[list[PageDelivery], int]:
    """The page deliveries (and test notifications) to one person, newest first."""
    query = _log_query().where(PageDelivery.user_id == user_id)
    return paginate(ctx.session, query, PageRequest(limit=limit, offset=offset))


def pages_received(session: Session, user_ids: Sequence[int], start: datetime, end: datetime) -> list[PageRecord]:
    """One record per page (page_key) per person that started in [start, end), oldest first; tests excluded."""
    if not user_ids:
        return []
    at = func.min(PageDelivery.created_at)
    query = (
        select(PageDelivery.user_id, PageDelivery.page_key, at, func.min(PageDelivery.incident_id))
        .where(
            PageDelivery.user_id.in_(list(user_ids)),
            PageDelivery.created_at >= start,
            PageDelivery.created_at < end,
            PageDelivery.is_test.is_(False),
        )
        .group_by(PageDelivery.user_id, PageDelivery.page_key)
        .order_by(at, PageDelivery.user_id)
    )
    return [
        PageRecord(user_id=user_id, at=when, incident_id=incident_id, page_key=page_key)
        for user_id, page_key, when, incident_id in session.execute(query)
    ]
