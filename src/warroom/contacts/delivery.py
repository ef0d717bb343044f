"""The job side of a page delivery: read it (read-only), send it outside the write lock, record the outcome."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from warroom.auth.models import User
from warroom.contacts.ack import LINK_LIFETIME, ack_url, make_token
from warroom.contacts.message import TEST_SUBJECT, page_content, test_text
from warroom.contacts.methods import KIND_LABELS, mark_failing, mark_verified
from warroom.contacts.models import ContactMethod, PageDelivery
from warroom.contacts.transports import Outgoing, ProviderNotConfigured, send
from warroom.context import Ctx
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.jobs.registry import Failure
from warroom.notify.channels import SmtpNotConfigured
from warroom.notify.service import encode_json

FINISHED = ("sent", "failed", "skipped", "not_configured")
GONE = "gone"


def _skip_reason(ctx: Ctx, row: PageDelivery) -> str | None:
    """Why this page should no longer go out, checked at send time (delayed rules, retries)."""
    if row.is_test:
        return None
    incident = ctx.session.get(Incident, row.incident_id) if row.incident_id else None
    if incident is None:
        return "not sent: the incident was deleted"
    if incident.status in ("resolved", "closed"):
        return f"not sent: the incident was {incident.status} before this step was due"
    # An acknowledgement after the page began stops its later steps; a page started after an
    # acknowledgement (a re-trigger) still goes out.
    if incident.acknowledged_at is not None and incident.acknowledged_at >= row.created_at:
        return "not sent: the incident was acknowledged before this step was due"
    return None


def prepare(ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any]:
    """Runs read-only: build the message, so the handler touches the database only after sending."""
    row = ctx.session.get(PageDelivery, payload.get("page_delivery_id"))
    if row is None or row.status in FINISHED:
        return {"skip": GONE}
    reason = _skip_reason(ctx, row)
    if reason is not None:
        return {"skip": reason}
    method = ctx.session.get(ContactMethod, row.contact_method_id) if row.contact_method_id else None
    if method is None and row.channel != "email":
        return {"skip": "not sent: the contact method was deleted before this step was due"}
    outgoing = _test_message(ctx, row, method) if row.is_test else _page_message(ctx, row, method)
    return {"skip": None, "outgoing": outgoing}


def _page_message(ctx: Ctx, row: PageDelivery, method: ContactMethod | None) -> Outgoing:
    incident = ctx.session.get(Incident, row.incident_id)
    assert incident is not None  # _skip_reason checked it
    token = make_token(ctx.settings, page_delivery_id=row.id, user_id=row.user_id, expires_at=ctx.now() + LINK_LIFETIME)
    content = page_content(
        ctx, incident, reason=row.reason, ack_url=ack_url(ctx.settings, token), delivery_id=row.delivery_id
    )
    text = {"email": content.email_body(), "sms": content.sms(), "voice": content.twiml()}.get(row.channel, "")
    json_body = ""
    if row.channel == "webhook":
        json_body = encode_json(content.json())
    elif row.channel == "slack":
        json_body = encode_json(content.slack())
    return Outgoing(
        channel=row.channel,
        target=row.target,
        delivery_id=row.delivery_id,
        subject=content.subject,
        text=text,
        json_body=json_body,
        secret=method.secret if method is not None else None,
    )


def _test_message(ctx: Ctx, row: PageDelivery, method: ContactMethod | None) -> Outgoing:
    user = ctx.session.get(User, row.user_id)
    said = test_text(user.name if user else "you", ctx.now())
    text = said
    if row.channel == "voice":
        text = f"<Response><Say>{escape(said)}</Say></Response>"
    json_body = ""
    if row.channel == "webhook":
        json_body = encode_json({"type": "test", "delivery_id": row.delivery_id, "message": said})
    elif row.channel == "slack":
        json_body = encode_json(
            {"text": said, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": said}}]}
        )
    return Outgoing(
        channel=row.channel,
        target=row.target,
        delivery_id=row.delivery_id,
        subject=TEST_SUBJECT,
        text=text,
        json_body=json_body,
        secret=method.secret if method is not None else None,
    )


def deliver(ctx: Ctx, payload: dict[str, Any]) -> None:
    """Send one page delivery, then mark it sent in the transaction that finishes the job."""
    skip = payload.get("skip")
    if skip == GONE:
        return
    if skip is None:
        send(ctx.settings, payload["outgoing"], now=ctx.now())
    row = ctx.session.get(PageDelivery, payload["page_delivery_id"])
    if row is None:
        return
    now = ctx.now()
    row.updated_at = now
    row.next_attempt_at = None
    if skip is not None:
        row.status = "skipped"
        row.last_error = str(skip)
        return
    row.status = "sent"
    row.sent_at = now
    row.attempts += 1
    row.last_error = None
    method = ctx.session.get(ContactMethod, row.contact_method_id) if row.contact_method_id else None
    if method is not None and method.status != "verified":
        mark_verified(ctx, method)


def record_failure(ctx: Ctx, payload: dict[str, Any], failure: Failure) -> None:
    """Mirror a failed attempt onto the delivery and its method (failing, with the reason)."""
    row = ctx.session.get(PageDelivery, payload.get("page_delivery_id"))
    if row is None:
        return
    now = ctx.now()
    if isinstance(failure.error, SmtpNotConfigured | ProviderNotConfigured):
        row.status = "not_configured"
    else:
        row.status = "failed" if failure.dead else "retrying"
    row.attempts += 1
    row.last_error = failure.message[:4000]
    row.next_attempt_at = failure.retry_at
    row.updated_at = now
    method = ctx.session.get(ContactMethod, row.contact_method_id) if row.contact_method_id else None
    if method is not None:
        mark_failing(ctx, method, error=failure.message)
    if failure.dead and row.incident_id is not None and not row.is_test:
        _record_failed_page(ctx, row, failure)


def _record_failed_page(ctx: Ctx, row: PageDelivery, failure: Failure) -> None:
    incident = ctx.session.get(Incident, row.incident_id)
    user = ctx.session.get(User, row.user_id)
    if incident is None or user is None:
        return
    channel = KIND_LABELS.get(row.channel, row.channel)
    summary = f"Page to {user.name} by {channel} failed after {row.attempts} attempt(s): {failure.message[:200]}"
    data = {"user_id": user.id, "delivery_id": row.delivery_id, "channel": row.channel, "summary": summary}
    incidents.record_event(ctx, incident, kind="contacts.page_failed", data=data)
