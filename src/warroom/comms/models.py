"""Comms tables: stakeholder subscriptions and webhooks, bridges, public subscribers, and the update cadence record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, JSONType, UTCDateTime

STAKEHOLDER_SCOPES = ("all", "service", "business_function", "severity")
SUBSCRIBER_KINDS = ("email", "webhook")
SUBSCRIBER_MAIL_KINDS = ("confirm", "update", "maintenance")
INTERVAL_KINDS = ("first", "next")
INTERVAL_OUTCOMES = ("open", "met", "missed", "cancelled")


class StakeholderSubscription(Base):
    """An internal user or a whole team that hears about incidents matching a scope."""

    __tablename__ = "stakeholder_subscriptions"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (team_id IS NULL)", name="one_subscriber"),
        Index("ix_stakeholder_subscriptions_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=True)
    scope: Mapped[str] = mapped_column(String(20))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), nullable=True)
    function_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_functions.id", ondelete="CASCADE"), nullable=True
    )
    severity: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IncidentBridge(Base):
    """The conference or chat link responders join, shown on top of the incident and in every notice."""

    __tablename__ = "incident_bridges"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    label: Mapped[str] = mapped_column(String(200))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StatusSubscriber(Base):
    """A member of the public who gets status page updates by email (double opt-in) or webhook."""

    __tablename__ = "status_subscribers"
    __table_args__ = (Index("ix_status_subscribers_email", "email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    webhook_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    # Needed in clear to sign each delivery; shown once at creation, never again.
    webhook_secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Catalog service ids (public components); empty means every component.
    component_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    # Links are HMAC(secret key, purpose, id, nonce): nothing in this table alone can forge one.
    token_nonce: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    quarantined_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SubscriberMail(Base):
    """Which delivery went to which subscriber: for the unsubscribe headers and for counting hard failures."""

    __tablename__ = "subscriber_deliveries"
    __table_args__ = (Index("ix_subscriber_deliveries_subscriber", "subscriber_id"),)

    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"), primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("status_subscribers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))


class SubscribeAttempt(Base):
    """One POST of the public subscribe form, for the per-IP rate limit (shared by every process)."""

    __tablename__ = "subscribe_attempts"
    __table_args__ = (Index("ix_subscribe_attempts_ip_at", "ip_hash", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 of the address: enough to count, not a log of who visited.
    ip_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class CadenceSetting(Base):
    """Per severity: minutes from declaration to the first public update (None: no deadline) and between updates."""

    __tablename__ = "cadence_settings"

    severity: Mapped[str] = mapped_column(String(8), primary_key=True)
    first_update_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    interval_minutes: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CadenceInterval(Base):
    """One stretch in which a public update was due, and whether it came in time (for the metrics issue)."""

    __tablename__ = "cadence_intervals"
    __table_args__ = (Index("ix_cadence_intervals_incident", "incident_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(10), default="open")
    # When the update that closed it was published (or the incident resolved).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    update_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


STAKEHOLDER_WEBHOOK_KINDS = ("webhook", "slack")


class StakeholderWebhook(Base):
    """A signed webhook or a Slack-format incoming webhook that hears about incidents matching a scope."""

    __tablename__ = "stakeholder_webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    # Needed in clear to sign each delivery; shown once at creation, never again.
    secret: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(20))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), nullable=True)
    function_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_functions.id", ondelete="CASCADE"), nullable=True
    )
    severity: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # Private incidents stay inside Warroom unless an admin opts this target in.
    include_private: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
