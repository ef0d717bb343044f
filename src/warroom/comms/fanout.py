"""Mail and webhooks to public subscribers: public updates and maintenance notices, built from public fields only.

Nothing here reads an incident's internal title, summary, notes or timeline: a subscriber message is made from
what the status page already shows (public name, update text, component names), so internal text cannot leak.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from warroom.catalog.models import Service
from warroom.comms import links
from warroom.comms.models import StatusSubscriber, SubscriberMail
from warroom.comms.subscribers import refresh_quarantine
from warroom.context import Ctx
from warroom.incidents.models import Incident, incident_services
from warroom.notify import service as notify
from warroom.notify.models import Delivery

IMPACT = {"SEV1": "critical", "SEV2": "major", "SEV3": "minor", "SEV4": "none"}
UNSUBSCRIBE_KINDS = ("update", "maintenance")


@dataclass(frozen=True)
class PublicMessage:
    """One thing subscribers hear about: a public incident update or a maintenance notice."""

    kind: str  # "update" or "maintenance"
    key: str  # idempotency prefix, e.g. "update:12"
    subject: str
    text: str
    link: str
    component_ids: frozenset[int]
    webhook: dict[str, Any] = field(default_factory=dict)
    incident_id: int | None = None


def page_name(ctx: Ctx) -> str:
    """The status page's brand name (set by the status domain), or "Status"."""
    try:
        from warroom.status.models import StatusPageSettings
    except ImportError:  # pragma: no cover - status domain absent
        return "Status"
    row = ctx.session.scalar(select(StatusPageSettings).limit(1))
    return row.name if row is not None and row.name else "Status"


def _component_names(ctx: Ctx, ids: Iterable[int]) -> list[str]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    query = select(Service.name).where(Service.id.in_(wanted), Service.is_public.is_(True)).order_by(Service.name)
    return list(ctx.session.scalars(query))


def _utc(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%d %H:%M UTC")


def update_message(ctx: Ctx, *, incident_id: int, update_id: int) -> PublicMessage | None:
    """The subscriber message for one published update, or None when it must not go out (private, exercise)."""
    try:
        from warroom.status import updates as status_updates
    except ImportError:  # pragma: no cover - status domain absent
        return None
    incident = ctx.session.get(Incident, incident_id)
    if incident is None or incident.is_private or incident.is_exercise:
        return None
    history = status_updates.public_updates_for(ctx.session, incident_id)
    update = next((u for u in history if u.id == update_id), None)
    public = status_updates.public_incident_for(ctx.session, incident_id)
    if update is None or public is None:
        return None
    # Subscribers of a component hear about incidents touching it, even from an update that sets no statuses.
    linked = ctx.session.scalars(
        select(incident_services.c.service_id).where(incident_services.c.incident_id == incident_id)
    )
    components = frozenset(int(k) for k in update.components) | frozenset(linked)
    names = _component_names(ctx, (int(k) for k in update.components))
    link = status_updates.public_incident_url(ctx.settings, incident_id)
    if link.startswith("/"):
        link = links.base_url(ctx.settings) + link
    lines = [public.name, "", f"{update.status.capitalize()}: {update.body}", "", f"Posted {_utc(update.published_at)}"]
    if names:
        lines.append("Affected: " + ", ".join(names))
    if update.next_update_by is not None:
        lines.append(f"Next update by {update.next_update_by.strftime('%H:%M UTC')}")
    lines += ["", f"Details: {link}"]
    webhook = {
        "page": {"id": "warroom", "name": page_name(ctx), "url": links.base_url(ctx.settings) + "/status"},
        "incident": {
            "id": str(incident_id),
            "name": public.name,
            "status": update.status,
            "impact": IMPACT.get(incident.severity, "none"),
            "shortlink": link,
            "created_at": public.created_at.isoformat(),
            "updated_at": update.published_at.isoformat(),
            "incident_updates": [
                {
                    "id": str(u.id),
                    "status": u.status,
                    "body": u.body,
                    "created_at": u.published_at.isoformat(),
                    "display_at": u.published_at.isoformat(),
                }
                for u in reversed(history)
            ],
        },
    }
    return PublicMessage(
        kind="update",
        key=f"update:{update_id}",
        subject=f"[{page_name(ctx)}] {public.name}: {update.status}",
        text="\n".join(lines),
        link=link,
        component_ids=components,
        webhook=webhook,
        incident_id=incident_id,
    )


def maintenance_message(ctx: Ctx, *, maintenance_id: int, edge: str) -> PublicMessage | None:
    """The notice for a public maintenance window ahead of / at its start / at its end, or None."""
    from warroom.maintenance.models import MaintenanceWindow

    window = ctx.session.get(MaintenanceWindow, maintenance_id)
    if window is None or not window.is_public or window.cancelled_at is not None:
        return None
    components = frozenset(s.id for s in window.services if s.is_public)
    if not components:
        return None
    names = _component_names(ctx, components)
    span = f"{_utc(window.starts_at)} to {_utc(window.ends_at)}"
    heading = {
        "ahead": f"Scheduled maintenance: {window.title}",
        "started": f"Maintenance in progress: {window.title}",
        "ended": f"Maintenance completed: {window.title}",
    }[edge]
    link = links.base_url(ctx.settings) + "/status"
    lines = [heading, "", f"When: {span}", "Components: " + ", ".join(names)]
    if window.message:
        lines += ["", window.message]
    lines += ["", f"Status page: {link}"]
    status = {"ahead": "scheduled", "started": "in_progress", "ended": "completed"}[edge]
    webhook = {
        "page": {"id": "warroom", "name": page_name(ctx), "url": link},
        "scheduled_maintenance": {
            "id": str(window.id),
            "name": window.title,
            "status": status,
            "scheduled_for": window.starts_at.isoformat(),
            "scheduled_until": window.ends_at.isoformat(),
            "components": [{"id": str(i), "name": n} for i, n in zip(sorted(components), names, strict=False)],
        },
    }
    return PublicMessage(
        kind="maintenance",
        key=f"maintenance:{window.id}:{edge}:{window.starts_at.isoformat()}",
        subject=f"[{page_name(ctx)}] {heading}",
        text="\n".join(lines),
        link=link,
        component_ids=components,
        webhook=webhook,
    )


def recipients(ctx: Ctx, component_ids: frozenset[int]) -> list[StatusSubscriber]:
    """Confirmed, subscribed, unquarantined subscribers who want at least one of these components (or all)."""
    query = select(StatusSubscriber).where(
        StatusSubscriber.confirmed_at.is_not(None),
        StatusSubscriber.unsubscribed_at.is_(None),
        StatusSubscriber.quarantined_at.is_(None),
    )
    found = []
    for subscriber in ctx.session.scalars(query.order_by(StatusSubscriber.id)):
        wanted = set(subscriber.component_ids or [])
        if wanted and not wanted & component_ids:
            continue
        if refresh_quarantine(ctx, subscriber):
            continue
        found.append(subscriber)
    return found


def _mail_text(ctx: Ctx, message: PublicMessage, subscriber: StatusSubscriber) -> str:
    url = links.unsubscribe_url(ctx.settings, subscriber.id, subscriber.token_nonce)
    return (
        f"{message.text}\n\n--\nYou get this because you subscribed to {page_name(ctx)} updates.\nUnsubscribe: {url}\n"
    )


def send_to_subscribers(ctx: Ctx, message: PublicMessage) -> int:
    """Queue one mail or webhook per matching subscriber (idempotent per message × subscriber); returns how many."""
    sent = 0
    for subscriber in recipients(ctx, message.component_ids):
        key = f"comms:{message.key}:subscriber:{subscriber.id}"
        delivery: Delivery
        if subscriber.kind == "email" and subscriber.email:
            delivery = notify.send_email(
                ctx,
                to=subscriber.email,
                subject=message.subject,
                body=_mail_text(ctx, message, subscriber),
                key=key,
            )
        elif subscriber.kind == "webhook" and subscriber.webhook_url and subscriber.webhook_secret:
            unsubscribe = links.unsubscribe_url(ctx.settings, subscriber.id, subscriber.token_nonce)
            payload = {"meta": {"unsubscribe": unsubscribe, "documentation": message.link}, **message.webhook}
            delivery = notify.send_webhook(
                ctx,
                url=subscriber.webhook_url,
                secret=subscriber.webhook_secret,
                payload=payload,
                event=f"status.{message.kind}",
                key=key,
            )
        else:
            continue
        if ctx.session.get(SubscriberMail, delivery.id) is None:
            ctx.session.add(SubscriberMail(delivery_id=delivery.id, subscriber_id=subscriber.id, kind=message.kind))
            ctx.session.flush()
        sent += 1
    return sent


def unsubscribe_headers(ctx: Ctx, delivery: Delivery) -> dict[str, str]:
    """RFC 8058 headers for a subscriber mail (notify asks before sending each email)."""
    link = ctx.session.get(SubscriberMail, delivery.id)
    if link is None or link.kind not in UNSUBSCRIBE_KINDS:
        return {}
    subscriber = ctx.session.get(StatusSubscriber, link.subscriber_id)
    if subscriber is None:
        return {}
    url = links.unsubscribe_url(ctx.settings, subscriber.id, subscriber.token_nonce)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def on_delivery_failed(ctx: Ctx, delivery: Delivery) -> None:
    """A subscriber delivery failed for good: quarantine the subscriber once the failures reach the limit."""
    link = ctx.session.get(SubscriberMail, delivery.id)
    subscriber = ctx.session.get(StatusSubscriber, link.subscriber_id) if link is not None else None
    if subscriber is not None:
        ctx.session.flush()
        refresh_quarantine(ctx, subscriber)
