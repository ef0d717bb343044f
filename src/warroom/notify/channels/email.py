"""Email channel: one plain-text message per delivery, through lib/mail.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from warroom.lib import mail
from warroom.notify.channels import DeliveryRejected, DeliveryRetry, SmtpNotConfigured
from warroom.notify.service import NOT_CONFIGURED_MESSAGE
from warroom.settings import Settings


def message_id(delivery_id: int, created_at: datetime, sender: str) -> str:
    """Stable across retries, so a receiving server can tell a resend from a new message."""
    domain = sender.rpartition("@")[2] or "warroom"
    return f"<warroom.delivery.{delivery_id}.{int(created_at.timestamp())}@{domain}>"


def send(settings: Settings, prepared: dict[str, Any], *, now: datetime) -> int | None:
    """Send the prepared email; returns no response code (SMTP success is just 250)."""
    config = mail.SmtpConfig.from_settings(settings)
    if config is None:
        raise SmtpNotConfigured(NOT_CONFIGURED_MESSAGE)
    message = mail.build_message(
        sender=config.sender,
        to=prepared["target"],
        subject=prepared["subject"],
        body=prepared["body"],
        date=now,
        message_id=message_id(prepared["delivery_id"], datetime.fromisoformat(prepared["created_at"]), config.sender),
        headers={
            **prepared.get("headers", {}),
            "Auto-Submitted": "auto-generated",
            "X-Warroom-Delivery": str(prepared["delivery_id"]),
        },
    )
    try:
        mail.send(config, message)
    except mail.MailError as exc:
        if exc.permanent:
            raise DeliveryRejected(str(exc), response_code=exc.code) from None
        raise DeliveryRetry(str(exc), response_code=exc.code) from None
    return None
