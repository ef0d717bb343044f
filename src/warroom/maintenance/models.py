"""Maintenance tables: one model for alert suppression (intake) and the public status page (status)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warroom.catalog.models import Service
from warroom.db import Base, UTCDateTime

# Derived from the window and the clock, never stored: a window is `scheduled` before it starts,
# `in_progress` inside it, `completed` after it (or when ended early), `cancelled` if called off.
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "completed", "cancelled")

maintenance_services = Table(
    "maintenance_services",
    Base.metadata,
    Column("maintenance_id", ForeignKey("maintenance_windows.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)


class MaintenanceWindow(Base):
    __tablename__ = "maintenance_windows"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="window_order"),
        Index("ix_maintenance_windows_span", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())  # Statuspage: scheduled_for
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())  # Statuspage: scheduled_until
    # Alerts for the window's services are stored but open no incident while it is active.
    suppress_alerts: Mapped[bool] = mapped_column(Boolean, default=True)
    # Shown on the public status page (only its public services appear there).
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_early_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    services: Mapped[list[Service]] = relationship(secondary=maintenance_services, order_by=Service.name)

    @property
    def effective_end(self) -> datetime:
        """When the window actually stops: the planned end, or earlier if it was ended early."""
        if self.ended_early_at is not None and self.ended_early_at < self.ends_at:
            return self.ended_early_at
        return self.ends_at

    def status_at(self, now: datetime) -> str:
        """One of MAINTENANCE_STATUSES at `now`."""
        if self.cancelled_at is not None:
            return "cancelled"  # called off before it started; ending a running window sets ended_early_at
        if now < self.starts_at:
            return "scheduled"
        if now < self.effective_end:
            return "in_progress"
        return "completed"

    def is_active(self, now: datetime) -> bool:
        """True while the window is in progress."""
        return self.status_at(now) == "in_progress"
