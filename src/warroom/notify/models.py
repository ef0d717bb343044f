from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, JSONType, UTCDateTime

CHANNELS = ("email", "webhook")
DELIVERY_STATUSES = ("queued", "sent", "retrying", "failed", "not_configured")


class Delivery(Base):
    """One outbound message and what became of it: the delivery log."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_status_created", "status", "created_at"),
        Index("ix_deliveries_incident", "incident_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    # An email address or a webhook URL.
    target: Mapped[str] = mapped_column(String(2000))
    # The email subject, or a one-line summary of a webhook ("incident.event note.added, incident 12").
    subject: Mapped[str] = mapped_column(String(300))
    # The email text, or the exact JSON bytes (as text) a webhook sends on every attempt.
    body: Mapped[str] = mapped_column(Text)
    event: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    response_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"), nullable=True)
    endpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="SET NULL"), nullable=True
    )
    # For one-off webhooks sent with a caller's secret. Endpoint deliveries sign with the endpoint's.
    signing_secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # One logical message, one delivery: a second send with the same key returns the first row.
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebhookEndpoint(Base):
    """A URL that receives signed JSON for incident events."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(300), default="")
    # Stored as-is, unlike API tokens: Warroom needs the secret itself to compute each HMAC signature.
    # It is shown once at creation and never returned by the API or UI afterwards.
    secret: Mapped[str] = mapped_column(String(200))
    # Timeline event kinds to send; empty means every kind.
    event_kinds: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Private incidents stay inside Warroom unless an admin opts this endpoint in.
    include_private: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
