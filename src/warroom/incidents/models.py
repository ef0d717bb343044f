from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, JSONType, UTCDateTime

SEVERITIES = {
    "SEV1": "Critical: a tier-1 service is down or data is at risk for many customers. All hands, page now, "
    "public update within 15 minutes.",
    "SEV2": "Major: a core workflow is badly degraded or a tier-1/2 service is down for some customers. "
    "Page now, public update within 30 minutes.",
    "SEV3": "Minor: partial or internal impact, a workaround exists. Handle in working hours.",
    "SEV4": "Low: cosmetic or no customer impact; track and fix.",
}
STATUSES = ("investigating", "identified", "monitoring", "resolved", "closed")
ROLES = {
    "incident_commander": "Incident Commander",
    "technical_lead": "Technical Lead",
    "communications_lead": "Communications Lead",
    "scribe": "Scribe",
    "support_liaison": "Support Liaison",
}
# Roles that can be held by several people at once.
MULTI_HOLDER_ROLES = ("technical_lead",)
TASK_STATUSES = ("open", "in_progress", "done", "cancelled")

incident_services = Table(
    "incident_services",
    Base.metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)


class Incident(Base):
    """The incident's current state: a projection of its timeline events (see projection.py)."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_status_declared", "status", "declared_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20), default="investigating")
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    is_exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    # Customer impact: free text plus optional numbers and lists.
    impact: Mapped[str] = mapped_column(Text, default="")
    customers_affected: Mapped[int | None] = mapped_column(Integer, nullable=True)
    regions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    segments: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Key instants. detected_at and impact_started_at may be backdated; the others follow status events
    # (mitigated_at is the first entry into monitoring unless set explicitly).
    impact_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    mitigated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RoleAssignment(Base):
    """Who holds (or held) an incident role. A handover ends one row and starts another."""

    __tablename__ = "incident_roles"
    __table_args__ = (Index("ix_incident_roles_current", "incident_id", "role", "ended_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class TimelineEvent(Base):
    """One entry of the append-only incident log. Never updated or deleted; corrections are new events."""

    __tablename__ = "timeline_events"
    __table_args__ = (Index("ix_timeline_incident_at", "incident_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    # When it happened (notes may be backdated) and when Warroom recorded it.
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("timeline_events.id"), nullable=True)


class Task(Base):
    __tablename__ = "incident_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
