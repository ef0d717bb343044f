"""Status tables: page settings, components, their status history and daily uptime, public incidents and updates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, JSONType, UTCDateTime

COMPONENT_STATUSES = ("operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance")
# Statuses a person may set; under_maintenance is derived from an active maintenance window.
SETTABLE_STATUSES = COMPONENT_STATUSES[:4]
UPDATE_STATUSES = ("investigating", "identified", "monitoring", "resolved")


class StatusPageSettings(Base):
    """The single row (id 1) with the page's branding; absent means the defaults."""

    __tablename__ = "status_page_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="Status")
    logo_url: Mapped[str] = mapped_column(String(2000), default="")
    support_url: Mapped[str] = mapped_column(String(2000), default="")
    # [{"label": str, "url": str}] shown in the header.
    links: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    preview_exercises: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ComponentGroup(Base):
    __tablename__ = "status_component_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Component(Base):
    """How a public catalog service appears on the page, and its current (set) status."""

    __tablename__ = "status_components"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("status_component_groups.id", ondelete="SET NULL"), nullable=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    show_description: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(30), default="operational")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ComponentStatusChange(Base):
    """Append-only history of set statuses; uptime is computed from it."""

    __tablename__ = "status_component_changes"
    __table_args__ = (Index("ix_status_component_changes_service_at", "service_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class DailyUptime(Base):
    """Seconds per state for one component and one UTC day. Written by the daily job, kept indefinitely."""

    __tablename__ = "status_daily_uptime"
    __table_args__ = (UniqueConstraint("service_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    operational: Mapped[int] = mapped_column(Integer, default=0)
    degraded_performance: Mapped[int] = mapped_column(Integer, default=0)
    partial_outage: Mapped[int] = mapped_column(Integer, default=0)
    major_outage: Mapped[int] = mapped_column(Integer, default=0)
    maintenance: Mapped[int] = mapped_column(Integer, default=0)
    no_data: Mapped[int] = mapped_column(Integer, default=0)


class PublicIncident(Base):
    """An incident's public face: its own name, separate from the internal title."""

    __tablename__ = "status_public_incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    postmortem_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PublicUpdate(Base):
    __tablename__ = "status_public_updates"
    __table_args__ = (Index("ix_status_public_updates_incident", "public_incident_id", "published_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_incident_id: Mapped[int] = mapped_column(ForeignKey("status_public_incidents.id", ondelete="CASCADE"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    # {service id (str): component status} as set by this update.
    components: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_update_by: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    notify_subscribers: Mapped[bool] = mapped_column(Boolean, default=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class UpdateTemplate(Base):
    """The starting text for an update in one status; admins edit it. Placeholders: {services}, {next_update}."""

    __tablename__ = "status_update_templates"

    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StatusGeneration(Base):
    """One row (id 1) whose counter bumps on every public change, so every process drops its render cache."""

    __tablename__ = "status_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
