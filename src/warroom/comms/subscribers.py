"""Public status subscribers: double opt-in email, webhooks, one-click unsubscribe, rate limit, quarantine."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, delete, func, select

from warroom.catalog.models import Service
from warroom.comms import links
from warroom.comms.models import StatusSubscriber, SubscribeAttempt, SubscriberMail
from warroom.context import Ctx
from warroom.errors import Invalid, NotConfigured, NotFound
from warroom.lib.schema import MAX_ID
from warroom.notify import service as notify
from warroom.notify.models import Delivery
from warroom.settings import Settings

RATE_LIMIT = 5
RATE_WINDOW = timedelta(minutes=10)
DEFAULT_QUARANTINE_AFTER = 3
SUBSCRIBER_FILTERS = ("all", "confirmed", "pending", "quarantined", "unsubscribed")


class RateLimited(Exception):
    """Too many subscribe attempts from one address; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many subscribe attempts; try again in {retry_after // 60 + 1} minutes")
        self.retry_after = retry_after


@dataclass(frozen=True)
class NewSubscriber:
    """What subscribing returns: the row and, for a webhook, its secret (shown once)."""

    subscriber: StatusSubscriber
    secret: str | None


def quarantine_after(settings: Settings) -> int:
    """Hard failures after which a subscriber stops getting mail (WARROOM extra `comms_quarantine_after`)."""
    value = settings.extra.get("comms_quarantine_after", DEFAULT_QUARANTINE_AFTER)
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_QUARANTINE_AFTER


def public_components(ctx: Ctx) -> list[Service]:
    """Catalog services shown on the status page, by name: what a visitor may subscribe to."""
    return list(ctx.session.scalars(select(Service).where(Service.is_public.is_(True)).order_by(Service.name)))


def _check_components(ctx: Ctx, component_ids: Sequence[int]) -> list[int]:
    wanted = sorted(set(component_ids))
    if len(wanted) > 500:
        raise Invalid("pick at most 500 components", {"field": "components"})
    public = {s.id for s in public_components(ctx)}
    unknown = [i for i in wanted if i not in public]
    if unknown:
        raise Invalid(
            f"unknown component {unknown[0]}; pick components listed on the status page", {"field": "components"}
        )
    return wanted


def check_rate(ctx: Ctx, ip: str) -> None:
    """Count this attempt; RateLimited when the address made RATE_LIMIT attempts in the last RATE_WINDOW."""
    now = ctx.now()
    ip_hash = hashlib.sha256(f"{ctx.settings.secret_key}:{ip}".encode()).hexdigest()
    since = now - RATE_WINDOW
    ctx.session.execute(delete(SubscribeAttempt).where(SubscribeAttempt.at < now - RATE_WINDOW * 6))
    recent = list(
        ctx.session.scalars(
            select(SubscribeAttempt.at)
            .where(SubscribeAttempt.ip_hash == ip_hash, SubscribeAttempt.at > since)
            .order_by(SubscribeAttempt.at)
        )
    )
    if len(recent) >= RATE_LIMIT:
        retry = int((recent[0] + RATE_WINDOW - now).total_seconds()) + 1
        raise RateLimited(max(retry, 1))
    ctx.session.add(SubscribeAttempt(ip_hash=ip_hash, at=now))
    ctx.session.flush()


def _confirm_body(ctx: Ctx, subscriber: StatusSubscriber) -> str:
    url = links.confirm_url(ctx.settings, subscriber.id, subscriber.token_nonce)
    return (
        "Someone (hopefully you) asked to get status updates at this address.\n\n"
        f"Confirm the subscription by opening this link:\n{url}\n\n"
        "If you did not ask for this, ignore this message: you will get nothing more from us."
    )


def _send_confirm(ctx: Ctx, subscriber: StatusSubscriber) -> None:
    assert subscriber.email is not None
    delivery = notify.send_email(
        ctx, to=subscriber.email, subject="Confirm your status update subscription", body=_confirm_body(ctx, subscriber)
    )
    ctx.session.add(SubscriberMail(delivery_id=delivery.id, subscriber_id=subscriber.id, kind="confirm"))
    ctx.session.flush()


def subscribe_email(ctx: Ctx, *, email: str, component_ids: Sequence[int] = ()) -> StatusSubscriber:
    """Start a double opt-in: store the address unconfirmed and mail it a signed confirmation link."""
    if not ctx.settings.smtp_configured:
        raise NotConfigured("email subscriptions are off because this status page cannot send mail yet")
    address = notify.check_email(email, field="email").lower()
    components = _check_components(ctx, component_ids)
    existing = ctx.session.scalar(
        select(StatusSubscriber).where(
            StatusSubscriber.kind == "email",
            StatusSubscriber.email == address,
            StatusSubscriber.unsubscribed_at.is_(None),
        )
    )
    if existing is not None and existing.confirmed_at is not None:
        # Same answer as a new address, so the form does not reveal who subscribes; nothing is mailed.
        return existing
    if existing is None:
        existing = StatusSubscriber(
            kind="email",
            email=address,
            component_ids=components,
            token_nonce=secrets.token_hex(16),
            created_at=ctx.now(),
        )
        ctx.session.add(existing)
        ctx.session.flush()
    else:
        existing.component_ids = components
    _send_confirm(ctx, existing)
    return existing


def subscribe_webhook(ctx: Ctx, *, url: str, component_ids: Sequence[int] = ()) -> NewSubscriber:
    """Add a webhook subscriber; the signing secret is returned once and never shown again."""
    target = notify.check_url(url, field="url")
    components = _check_components(ctx, component_ids)
    secret = "whsec_" + secrets.token_urlsafe(24)
    subscriber = StatusSubscriber(
        kind="webhook",
        webhook_url=target,
        webhook_secret=secret,
        component_ids=components,
        token_nonce=secrets.token_hex(16),
        # A webhook has no inbox to confirm; the secret is its proof of intent.
        confirmed_at=ctx.now(),
        created_at=ctx.now(),
    )
    ctx.session.add(subscriber)
    ctx.session.flush()
    return NewSubscriber(subscriber, secret)


def _by_token(ctx: Ctx, purpose: str, token: str) -> StatusSubscriber:
    parsed = links.parse_token(token)
    subscriber = ctx.session.get(StatusSubscriber, parsed[0]) if parsed and parsed[0] <= MAX_ID else None
    if (
        parsed is None
        or subscriber is None
        or not links.token_matches(ctx.settings, purpose, subscriber.id, subscriber.token_nonce, parsed[1])
    ):
        raise NotFound("this link is not valid (it may be incomplete); copy the whole link from the email")
    return subscriber


def confirm(ctx: Ctx, token: str) -> StatusSubscriber:
    """Confirm an address from its signed link; repeats are harmless. Unsubscribed addresses stay off."""
    subscriber = _by_token(ctx, "confirm", token)
    if subscriber.confirmed_at is None and subscriber.unsubscribed_at is None:
        subscriber.confirmed_at = ctx.now()
    return subscriber


def subscriber_for_unsubscribe(ctx: Ctx, token: str) -> StatusSubscriber:
    """The subscriber an unsubscribe link names (the GET page shows it without changing anything)."""
    return _by_token(ctx, "unsubscribe", token)


def unsubscribe(ctx: Ctx, token: str) -> StatusSubscriber:
    """One-click unsubscribe (RFC 8058): stop all mail to this subscriber; repeats are harmless."""
    subscriber = _by_token(ctx, "unsubscribe", token)
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = ctx.now()
    return subscriber


def get_subscriber(ctx: Ctx, subscriber_id: int) -> StatusSubscriber:
    """One subscriber, or NotFound."""
    found = ctx.session.get(StatusSubscriber, subscriber_id) if 1 <= subscriber_id <= MAX_ID else None
    if found is None:
        raise NotFound(f"status subscriber {subscriber_id} does not exist; `warroom subscribers list` lists them")
    return found


def subscriber_state(subscriber: StatusSubscriber) -> str:
    """unsubscribed, quarantined, confirmed or pending (waiting for the confirm link)."""
    if subscriber.unsubscribed_at is not None:
        return "unsubscribed"
    if subscriber.quarantined_at is not None:
        return "quarantined"
    return "confirmed" if subscriber.confirmed_at is not None else "pending"


def list_subscribers(ctx: Ctx, *, state: str = "all") -> list[StatusSubscriber]:
    """Every subscriber (newest first), optionally only those in one state."""
    if state not in SUBSCRIBER_FILTERS:
        raise Invalid(f"unknown state {state!r}; use one of {', '.join(SUBSCRIBER_FILTERS)}", {"field": "state"})
    rows = list(ctx.session.scalars(select(StatusSubscriber).order_by(StatusSubscriber.id.desc())))
    return rows if state == "all" else [s for s in rows if subscriber_state(s) == state]


def counts(ctx: Ctx) -> dict[str, int]:
    """How many subscribers are in each state, plus the total."""
    result = dict.fromkeys(SUBSCRIBER_FILTERS, 0)
    for subscriber in list_subscribers(ctx):
        result[subscriber_state(subscriber)] += 1
        result["all"] += 1
    return result


def remove_subscriber(ctx: Ctx, subscriber: StatusSubscriber) -> None:
    """Delete a subscriber and its delivery links (the delivery log keeps the messages)."""
    ctx.session.delete(subscriber)
    ctx.session.flush()


def remove_by_email(ctx: Ctx, email: str) -> int:
    """Delete every subscriber with this address; returns how many; NotFound when none."""
    address = email.strip().lower()
    rows = list(ctx.session.scalars(select(StatusSubscriber).where(StatusSubscriber.email == address)))
    if not rows:
        raise NotFound(f"no status subscriber has the address {address!r}; `warroom subscribers list` lists them")
    for row in rows:
        ctx.session.delete(row)
    ctx.session.flush()
    return len(rows)


def release(ctx: Ctx, subscriber: StatusSubscriber) -> StatusSubscriber:
    """Lift a quarantine: earlier failures no longer count."""
    subscriber.quarantined_at = None
    # Forget the failures that led here, or the next fan-out would quarantine it again at once.
    ctx.session.execute(
        delete(SubscriberMail).where(
            SubscriberMail.subscriber_id == subscriber.id,
            SubscriberMail.delivery_id.in_(_failed_delivery_ids(subscriber.kind)),
        )
    )
    ctx.session.flush()
    return subscriber


def _failed_delivery_ids(kind: str) -> Select[Any]:
    query = select(Delivery.id).where(Delivery.status == "failed")
    if kind == "email":
        # Only an SMTP 5xx is a hard failure; a server that was down says nothing about the address.
        query = query.where(Delivery.response_code >= 500, Delivery.response_code < 600)
    return query


def hard_failures(ctx: Ctx, subscriber: StatusSubscriber) -> int:
    """Failed deliveries to this subscriber that count towards quarantine."""
    query = select(func.count()).where(
        SubscriberMail.subscriber_id == subscriber.id,
        SubscriberMail.delivery_id.in_(_failed_delivery_ids(subscriber.kind)),
    )
    return int(ctx.session.scalar(query) or 0)


def refresh_quarantine(ctx: Ctx, subscriber: StatusSubscriber) -> bool:
    """Quarantine the subscriber once its hard failures reach the limit; True when it is quarantined."""
    if subscriber.quarantined_at is not None:
        return True
    if hard_failures(ctx, subscriber) >= quarantine_after(ctx.settings):
        subscriber.quarantined_at = ctx.now()
        return True
    return False
