"""Intake tables: integrations (keyed receivers), alerts, alert groups, change events and routing rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, JSONType, UTCDateTime

INTEGRATION_TYPES = ("alertmanager", "prometheus", "pagerduty", "generic")
ALERT_STATUSES = ("firing", "resolved")
ALERT_SEVERITIES = ("critical", "error", "warning", "info")


class Integration(Base):
    """A receiver for one service. The key is shown once; only its SHA-256 is stored."""

    __tablename__ = "intake_integrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The last four characters, so people can tell keys apart without the key being stored.
    key_hint: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AlertGroup(Base):
    """Alerts that belong together (one Alertmanager group, one dedup key, one rule's label values)."""

    __tablename__ = "intake_alert_groups"
    __table_args__ = (UniqueConstraint("service_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="firing")
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # True when this group declared its incident (the noise ratio counts these).
    opened_incident: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether resolving every alert moves the incident to monitoring (from the routing rule).
    monitoring_on_resolve: Mapped[bool] = mapped_column(Boolean, default=False)
    last_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Alert(Base):
    """One normalised alert; repeats of its fingerprint update this row."""

    __tablename__ = "intake_alerts"
    __table_args__ = (
        UniqueConstraint("service_id", "fingerprint"),
        Index("ix_intake_alerts_status_last_seen", "status", "last_seen"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int | None] = mapped_column(
        ForeignKey("intake_integrations.id", ondelete="SET NULL"), nullable=True
    )
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(1024))
    description: Mapped[str] = mapped_column(Text, default="")
    labels: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    annotations: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    source: Mapped[str] = mapped_column(String(255), default="")
    links: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    firing_count: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Recent state changes (ISO instants) inside the flapping window, newest last.
    state_changes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    flapping: Mapped[bool] = mapped_column(Boolean, default=False)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("intake_alert_groups.id", ondelete="SET NULL"), nullable=True, index=True
    )
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # A silence id (no foreign key: silences are another domain and may be deleted).
    silenced_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    # Why this alert opened nothing: silenced, maintenance, flapping (None when it routed normally).
    suppressed_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)


class ChangeEvent(Base):
    """A deploy or config change reported for a service. Informational: it never pages."""

    __tablename__ = "intake_change_events"
    __table_args__ = (Index("ix_intake_change_events_service_at", "service_id", "timestamp"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    integration_id: Mapped[int | None] = mapped_column(
        ForeignKey("intake_integrations.id", ondelete="SET NULL"), nullable=True
    )
    summary: Mapped[str] = mapped_column(String(1024))
    source: Mapped[str] = mapped_column(String(255), default="")
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    links: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    custom_details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class RoutingRule(Base):
    """Per service, first match wins: which alerts open an incident, at what severity, grouped how."""

    __tablename__ = "intake_routing_rules"
    __table_args__ = (Index("ix_intake_routing_rules_service_position", "service_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    # [{"label": "env", "op": "=" | "!=", "value": "prod"}]; every matcher must hold.
    matchers: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    # Alert severities this rule applies to; empty means any.
    severities: Mapped[list[str]] = mapped_column(JSONType, default=list)
    open_incident: Mapped[bool] = mapped_column(Boolean, default=True)
    # "SEV1".."SEV4", or "by_tier" (tier 1 → SEV1, 2 → SEV2, 3–4 → SEV3).
    incident_severity: Mapped[str] = mapped_column(String(10), default="by_tier")
    group_by: Mapped[list[str]] = mapped_column(JSONType, default=list)
    monitoring_on_resolve: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
