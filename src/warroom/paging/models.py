"""Paging tables: escalation policies, each service's paging settings, and one escalation per incident run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, JSONType, UTCDateTime

ESCALATION_STATES = ("active", "acknowledged", "resolved", "exhausted", "notified", "cancelled")
# States in which the engine still owes a future step (the auditor checks these).
RUNNING_STATES = ("active",)
LOW_URGENCY_MODES = ("wait_for_support_hours", "notify_without_paging")
TARGET_TYPES = ("user", "schedule")


# Which schedules a policy's rules target, kept in step with `rules`, so a schedule in use cannot be deleted.
escalation_policy_schedules = Table(
    "escalation_policy_schedules",
    Base.metadata,
    Column("policy_id", ForeignKey("escalation_policies.id", ondelete="CASCADE"), primary_key=True),
    Column("schedule_id", ForeignKey("schedules.id"), primary_key=True),
)


class EscalationPolicy(Base):
    """Ordered rules (targets + delay before the next rule), run `repeat_count` more times after the first pass.

    `rules` is a list of {"delay_minutes": int, "targets": [{"type": "user"|"schedule", "id": int}]}.
    A running escalation copies it when it opens, so editing a policy never changes one in flight.
    """

    __tablename__ = "escalation_policies"
    __table_args__ = (CheckConstraint("repeat_count BETWEEN 0 AND 10", name="repeat_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    repeat_count: Mapped[int] = mapped_column(Integer, default=0)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # Rule index (as text) → {"at", "incident_id"} for rules that resolved to nobody the last time they ran.
    empty_rule_flags: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ServicePaging(Base):
    """How a service pages: its policy, optional acknowledgement timeout, support hours and low-urgency mode.

    `support_hours` is {"timezone": "Europe/Berlin", "windows": [{"days": [0..6], "start": "HH:MM", "end": "HH:MM"}]}
    (Monday is 0) or empty, meaning "always within support hours".
    """

    __tablename__ = "service_paging"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("escalation_policies.id", ondelete="RESTRICT"), index=True)
    ack_timeout_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    support_hours: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    low_urgency: Mapped[str] = mapped_column(String(40), default="wait_for_support_hours")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Escalation(Base):
    """One run of a policy for an incident. (loop, rule_index) is the next step, due at next_step_at.

    `version` changes with every state change; a step job carries the version it was scheduled for, so a
    stale or duplicate job sees a different version and does nothing.
    """

    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_incident_state", "incident_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalation_policies.id", ondelete="SET NULL"), nullable=True
    )
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"), nullable=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType)
    state: Mapped[str] = mapped_column(String(20), default="active")
    urgency: Mapped[str] = mapped_column(String(10), default="high")
    loop: Mapped[int] = mapped_column(Integer, default=0)
    rule_index: Mapped[int] = mapped_column(Integer, default=0)
    retrigger: Mapped[int] = mapped_column(Integer, default=0)
    steps_run: Mapped[int] = mapped_column(Integer, default=0)
    next_step_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
