"""The job side of a delivery: read it, send it outside the write lock, record the outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from warroom.context import Ctx
from warroom.jobs.registry import Failure, PermanentFailure
from warroom.notify.channels import SmtpNotConfigured
from warroom.notify.channels import email as email_channel
from warroom.notify.channels import webhook as webhook_channel
from warroom.notify.models import Delivery, WebhookEndpoint

FINISHED = ("sent", "failed", "not_configured")

# Extra mail headers other domains attach to their own deliveries (comms: RFC 8058 List-Unsubscribe).
EmailHeaderProvider = Callable[[Ctx, Delivery], dict[str, str]]
EMAIL_HEADER_PROVIDERS: list[EmailHeaderProvider] = []


# Called when a delivery has failed for good (comms counts hard failures towards quarantine).
FailureListener = Callable[[Ctx, Delivery], None]
FAILURE_LISTENERS: list[FailureListener] = []


def register_failure_listener(listener: FailureListener) -> None:
    """Run `listener` in the transaction that marks a delivery failed."""
    if listener not in FAILURE_LISTENERS:
        FAILURE_LISTENERS.append(listener)


def register_email_headers(provider: EmailHeaderProvider) -> None:
    """Ask `provider` for extra headers before each email is sent (read-only; return {} for none)."""
    if provider not in EMAIL_HEADER_PROVIDERS:
        EMAIL_HEADER_PROVIDERS.append(provider)


def prepare(ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any]:
    """Runs read-only: everything the send needs, so the handler touches the database only afterwards."""
    delivery = ctx.session.get(Delivery, payload.get("delivery_id"))
    if delivery is None or delivery.status in FINISHED:
        return {"skip": True}  # deleted, or already settled by an earlier run
    prepared: dict[str, Any] = {
        "skip": False,
        "channel": delivery.channel,
        "target": delivery.target,
        "subject": delivery.subject,
        "body": delivery.body,
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
    }
    if delivery.channel == "webhook":
        prepared["secret"] = _signing_secret(ctx, delivery)
    else:
        headers: dict[str, str] = {}
        for provider in EMAIL_HEADER_PROVIDERS:
            headers.update(provider(ctx, delivery))
        if headers:
            prepared["headers"] = headers
    return prepared


def _signing_secret(ctx: Ctx, delivery: Delivery) -> str:
    if delivery.signing_secret:
        return delivery.signing_secret
    endpoint = ctx.session.get(WebhookEndpoint, delivery.endpoint_id) if delivery.endpoint_id else None
    if endpoint is None:
        raise PermanentFailure("the webhook endpoint was deleted before this delivery went out")
    if not endpoint.is_active:
        raise PermanentFailure(f"webhook endpoint {endpoint.id} was disabled before this delivery went out")
    return endpoint.secret


def deliver(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Send one delivery, then mark it sent in the same transaction that finishes the job."""
    if payload.get("skip"):
        return
    now = ctx.now()
    if payload["channel"] == "email":
        code = email_channel.send(ctx.settings, payload, now=now)
    else:
        code = webhook_channel.send(ctx.settings, payload, now=now)
    delivery = ctx.session.get(Delivery, payload["delivery_id"])
    if delivery is None:
        return
    delivery.status = "sent"
    delivery.sent_at = now
    delivery.updated_at = now
    delivery.attempts += 1
    delivery.response_code = code
    delivery.last_error = None
    delivery.next_attempt_at = None


def record_failure(ctx: Ctx, payload: dict[str, Any], failure: Failure) -> None:
    """Mirror a failed attempt onto the delivery: retrying (with the next instant) or failed."""
    delivery = ctx.session.get(Delivery, payload.get("delivery_id"))
    if delivery is None:
        return
    if isinstance(failure.error, SmtpNotConfigured):
        delivery.status = "not_configured"
    else:
        delivery.status = "failed" if failure.dead else "retrying"
    delivery.attempts += 1
    delivery.last_error = failure.message
    delivery.response_code = getattr(failure.error, "response_code", None)
    delivery.next_attempt_at = failure.retry_at
    delivery.updated_at = ctx.now()
    if delivery.status == "failed":
        for listener in FAILURE_LISTENERS:
            listener(ctx, delivery)
