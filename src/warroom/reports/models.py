"""Reports tables: user and customer reports, and incident merges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, UTCDateTime

CHANNELS = {
    "support_ticket": "Support ticket",
    "phone": "Phone",
    "chat": "Chat",
    "email": "Email",
    "social": "Social media",
}
# How a report found its incident: its own service, a service it depends on, region and time, a merge.
MATCH_REASONS = ("service", "dependency", "region", "merge")


class UserReport(Base):
    """Someone outside the team says something is broken: a support ticket, a call, a chat."""

    __tablename__ = "user_reports"
    __table_args__ = (Index("ix_user_reports_received", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporter: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"), nullable=True)
    region: Mapped[str] = mapped_column(String(100), default="")
    segment: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), nullable=True, index=True
    )
    matched_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_by_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IncidentMerge(Base):
    """Incident `incident_id` was merged into `into_id`: its alerts and reports now live there."""

    __tablename__ = "incident_merges"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    into_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    merged_by_name: Mapped[str] = mapped_column(String(200))
    alerts_moved: Mapped[int] = mapped_column(Integer, default=0)
    reports_moved: Mapped[int] = mapped_column(Integer, default=0)
    events_referenced: Mapped[int] = mapped_column(Integer, default=0)
