"""Contacts tables: how each person is reached, when, and the log of every page delivery."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, UTCDateTime

CONTACT_KINDS = ("email", "webhook", "slack", "sms", "voice")
METHOD_STATUSES = ("unverified", "verified", "failing")
URGENCIES = ("high", "low", "any")
PAGE_STATUSES = ("queued", "sent", "retrying", "failed", "skipped", "not_configured")
# One queue per channel, each with its own worker threads: a hanging webhook never delays an email page.
# Voice shares the SMS queue because both go to the same provider (and its rate limit).
CHANNEL_QUEUES = {
    "email": "page-email",
    "webhook": "page-webhook",
    "slack": "page-slack",
    "sms": "page-sms",
    "voice": "page-sms",
}


class ContactMethod(Base):
    """One way to reach a person: an address, a URL or a phone number, with its verification state."""

    __tablename__ = "contact_methods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(100), default="")
    # An email address, a webhook/Slack URL, or an E.164 phone number.
    target: Mapped[str] = mapped_column(String(2000))
    # HMAC secret for generic webhooks (shown once at creation; needed to sign every request).
    secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="unverified")
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NotificationRule(Base):
    """ "Use this method `delay_minutes` after a page starts, for pages of this urgency"."""

    __tablename__ = "notification_rules"
    __table_args__ = (UniqueConstraint("contact_method_id", "delay_minutes", "urgency"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    contact_method_id: Mapped[int] = mapped_column(ForeignKey("contact_methods.id", ondelete="CASCADE"))
    delay_minutes: Mapped[int] = mapped_column(Integer, default=0)
    urgency: Mapped[str] = mapped_column(String(10), default="any")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PageDelivery(Base):
    """One message of one page to one contact method: the page delivery log."""

    __tablename__ = "page_deliveries"
    __table_args__ = (
        Index("ix_page_deliveries_user_created", "user_id", "created_at"),
        Index("ix_page_deliveries_incident", "incident_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # f"{page_key}:{contact_method_id}": travels with the message so receivers can drop duplicates.
    delivery_id: Mapped[str] = mapped_column(String(255), unique=True)
    page_key: Mapped[str] = mapped_column(String(200), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), nullable=True)
    contact_method_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_methods.id", ondelete="SET NULL"), nullable=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(2000))
    reason: Mapped[str] = mapped_column(String(300), default="")
    delay_minutes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A "test notification" (no incident), and rows the demo wrote as history without sending anything.
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
