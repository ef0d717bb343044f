"""Schedules tables: schedules, their layers (rotations), overrides and iCal feed tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, JSONType, UTCDateTime

TURN_UNITS = ("hours", "days", "weeks")


class Schedule(Base):
    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), nullable=True)
    # Email the people coming on and going off shift at each handoff.
    handoff_notices: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ScheduleLayer(Base):
    """One rotation. Where several layers have someone on call, the highest `position` wins."""

    __tablename__ = "schedule_layers"
    __table_args__ = (CheckConstraint("turn_length > 0", name="positive_turn"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    rotation_start: Mapped[datetime] = mapped_column(UTCDateTime())
    turn_length: Mapped[int] = mapped_column(Integer)
    turn_unit: Mapped[str] = mapped_column(String(8))
    # Local wall time "HH:MM" of each handoff for days/weeks turns (hours turns count elapsed time).
    handoff_time: Mapped[str] = mapped_column(String(5))
    # None: the schedule's zone.
    time_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # User ids in rotation order; a list because the order is the rotation.
    members: Mapped[list[int]] = mapped_column(JSONType, default=list)
    # [{"days": [0..6] (0 = Monday), "start": "HH:MM", "end": "HH:MM"}] in the layer's zone; empty = always.
    restrictions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ScheduleOverride(Base):
    """Someone covers the schedule for a while; overrides win over every layer."""

    __tablename__ = "schedule_overrides"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="override_order"),
        Index("ix_schedule_overrides_span", "schedule_id", "start_at", "end_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedToken(Base):
    """A revocable credential for one iCal feed: a schedule's, or one person's shifts across schedules."""

    __tablename__ = "schedule_feed_tokens"
    __table_args__ = (CheckConstraint("(schedule_id IS NULL) <> (user_id IS NULL)", name="one_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), nullable=True, index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
