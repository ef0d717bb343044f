"""Outbound messages: every send is a delivery row plus a job on the queue; the rows are the log."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from warroom.context import Ctx
from warroom.errors import Invalid, NotConfigured, NotFound
from warroom.jobs import service as jobs
from warroom.lib.pagination import PageRequest, paginate
from warroom.lib.schema import MAX_ID
from warroom.notify.models import CHANNELS, DELIVERY_STATUSES, Delivery
from warroom.settings import Settings

DELIVER_JOB = "notify.deliver"
SMTP_VARIABLES = (
    "WARROOM_SMTP_HOST",
    "WARROOM_SMTP_PORT",
    "WARROOM_SMTP_FROM",
    "WARROOM_SMTP_TLS",
    "WARROOM_SMTP_USER",
    "WARROOM_SMTP_PASSWORD",
)
NOT_CONFIGURED_MESSAGE = (
    "email is off because SMTP is not configured: set WARROOM_SMTP_HOST (and WARROOM_SMTP_PORT, "
    "WARROOM_SMTP_FROM, WARROOM_SMTP_TLS; WARROOM_SMTP_USER and WARROOM_SMTP_PASSWORD if the server "
    "needs a login), then restart Warroom"
)
MAX_BODY_CHARS = 100_000
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$|^[^@\s<>,;\"]+@localhost$")


@dataclass(frozen=True)
class SmtpStatus:
    """What the UI and CLI may show about the mail server. Never the password."""

    configured: bool
    host: str | None
    port: int
    sender: str
    tls: str
    user: str | None


def smtp_status(settings: Settings) -> SmtpStatus:
    """Whether email can be sent, and to which server."""
    return SmtpStatus(
        configured=settings.smtp_configured,
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        tls=settings.smtp_tls,
        user=settings.smtp_user,
    )


def check_email(address: str, *, field: str = "to") -> str:
    """A single plain address (no display name), or Invalid."""
    address = address.strip()
    if len(address) > 320 or not _EMAIL.match(address):
        raise Invalid(f"{address!r} is not an email address; use the form name@example.com", {"field": field})
    return address


def check_url(url: str, *, field: str = "url") -> str:
    """An absolute http(s) URL, or Invalid."""
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > 2000 or parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise Invalid(f"{url!r} is not a usable URL; use an absolute http:// or https:// URL", {"field": field})
    return url


def _one_line(text: str, limit: int = 300) -> str:
    # Line breaks in a subject would let text reach the mail headers; collapse them.
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _existing(ctx: Ctx, key: str | None) -> Delivery | None:
    if key is None:
        return None
    return ctx.session.scalar(select(Delivery).where(Delivery.idempotency_key == key))


def _insert(ctx: Ctx, delivery: Delivery) -> tuple[Delivery, bool]:
    """Add the row; with a key, a concurrent twin may win, and then we return the twin."""
    if delivery.idempotency_key is None:
        ctx.session.add(delivery)
        ctx.session.flush()
        return delivery, True
    try:
        with ctx.session.begin_nested():
            ctx.session.add(delivery)
    except IntegrityError:
        twin = _existing(ctx, delivery.idempotency_key)
        if twin is None:
            raise
        return twin, False
    return delivery, True


def _new_delivery(ctx: Ctx, **fields: Any) -> Delivery:
    now = ctx.now()
    return Delivery(attempts=0, created_at=now, updated_at=now, **fields)


def _enqueue_delivery(ctx: Ctx, delivery: Delivery) -> None:
    # One queue per channel, so workers can be dedicated and a dead SMTP server never delays webhooks.
    jobs.enqueue(ctx, DELIVER_JOB, {"delivery_id": delivery.id}, key=f"delivery:{delivery.id}", queue=delivery.channel)


def send_email(
    ctx: Ctx, *, to: str, subject: str, body: str, incident_id: int | None = None, key: str | None = None
) -> Delivery:
    """Queue an email. Without SMTP settings the delivery is recorded as not_configured and nothing is sent."""
    to = check_email(to)
    if len(body) > MAX_BODY_CHARS:
        raise Invalid(f"an email body is at most {MAX_BODY_CHARS} characters", {"field": "body"})
    found = _existing(ctx, key)
    if found is not None:
        return found
    configured = ctx.settings.smtp_configured
    delivery, created = _insert(
        ctx,
        _new_delivery(
            ctx,
            channel="email",
            target=to,
            subject=_one_line(subject) or "(no subject)",
            body=body,
            status="queued" if configured else "not_configured",
            last_error=None if configured else NOT_CONFIGURED_MESSAGE,
            incident_id=incident_id,
            idempotency_key=key,
        ),
    )
    if created and configured:
        _enqueue_delivery(ctx, delivery)
    return delivery


def encode_json(payload: Any) -> str:
    """The exact text a webhook sends: compact, sorted keys, so retries send identical bytes."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str, ensure_ascii=False)


def send_webhook(
    ctx: Ctx,
    *,
    url: str,
    secret: str,
    payload: Any,
    event: str | None = None,
    incident_id: int | None = None,
    key: str | None = None,
) -> Delivery:
    """Queue a JSON POST to `url`, signed with `secret` (X-Warroom-Signature), retried on failure."""
    if not secret or len(secret) > 200:
        raise Invalid("a webhook secret must be 1 to 200 characters", {"field": "secret"})
    return queue_webhook(
        ctx,
        url=check_url(url),
        body=encode_json(payload),
        summary=f"{event or 'webhook'} to {urlsplit(url.strip()).hostname}",
        event=event,
        incident_id=incident_id,
        key=key,
        signing_secret=secret,
    )


def queue_webhook(
    ctx: Ctx,
    *,
    url: str,
    body: str,
    summary: str,
    event: str | None,
    incident_id: int | None,
    key: str | None,
    signing_secret: str | None = None,
    endpoint_id: int | None = None,
) -> Delivery:
    """Record and enqueue one webhook delivery (the secret comes from the endpoint or the caller)."""
    if len(body) > MAX_BODY_CHARS:
        raise Invalid(f"a webhook body is at most {MAX_BODY_CHARS} characters of JSON", {"field": "payload"})
    found = _existing(ctx, key)
    if found is not None:
        return found
    delivery, created = _insert(
        ctx,
        _new_delivery(
            ctx,
            channel="webhook",
            target=url,
            subject=_one_line(summary),
            body=body,
            event=event,
            status="queued",
            incident_id=incident_id,
            endpoint_id=endpoint_id,
            signing_secret=signing_secret,
            idempotency_key=key,
        ),
    )
    if created:
        _enqueue_delivery(ctx, delivery)
    return delivery


def send_test_email(ctx: Ctx, *, to: str) -> Delivery:
    """Queue a test message; refuses with NotConfigured (409) when SMTP is unset."""
    if not ctx.settings.smtp_configured:
        raise NotConfigured(NOT_CONFIGURED_MESSAGE, {"variables": list(SMTP_VARIABLES)})
    when = ctx.now().strftime("%Y-%m-%d %H:%M:%S UTC")
    return send_email(
        ctx,
        to=to,
        subject="Warroom test email",
        body=(
            f"This is a test message from Warroom, sent by {ctx.actor.name} at {when}.\n\n"
            "If you can read it, Warroom can reach you by email."
        ),
    )


def list_deliveries(
    ctx: Ctx,
    *,
    status: str | None = None,
    channel: str | None = None,
    incident_id: int | None = None,
    endpoint_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Delivery], int]:
    """The delivery log, newest first, with optional filters; returns one page and the total."""
    if status and status not in DELIVERY_STATUSES:
        raise Invalid(f"unknown delivery status {status!r}; use one of {', '.join(DELIVERY_STATUSES)}")
    if channel and channel not in CHANNELS:
        raise Invalid(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
    query = select(Delivery).order_by(Delivery.id.desc())
    if status:
        query = query.where(Delivery.status == status)
    if channel:
        query = query.where(Delivery.channel == channel)
    if incident_id is not None:
        query = query.where(Delivery.incident_id == incident_id)
    if endpoint_id is not None:
        query = query.where(Delivery.endpoint_id == endpoint_id)
    return paginate(ctx.session, query, PageRequest(limit=limit, offset=offset))


def get_delivery(ctx: Ctx, delivery_id: int) -> Delivery:
    """One delivery, or NotFound."""
    delivery = ctx.session.get(Delivery, delivery_id) if 0 < delivery_id <= MAX_ID else None
    if delivery is None:
        raise NotFound(f"delivery {delivery_id} does not exist; `warroom notify deliveries` lists them")
    return delivery
