"""Silences tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, JSONType, UTCDateTime

# Derived from the instants and the clock, never stored.
SILENCE_STATUSES = ("pending", "active", "expired")


class Silence(Base):
    """Alertmanager-style silence: alerts whose labels match are stored and shown but open nothing."""

    __tablename__ = "silences"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="silence_order"),
        Index("ix_silences_span", "ends_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # [{"name": "env", "op": "=", "value": "staging"}, ...]; never changed after creation.
    matchers: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # Only alerts of this service match; None means any service.
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), nullable=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when someone expires the silence before its end.
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    comment: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_by_name: Mapped[str] = mapped_column(String(200))
    expired_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def effective_end(self) -> datetime:
        """When the silence stops: its planned end, or earlier if it was expired early."""
        if self.expired_at is not None and self.expired_at < self.ends_at:
            return self.expired_at
        return self.ends_at

    def status_at(self, now: datetime) -> str:
        """One of SILENCE_STATUSES at `now`."""
        if self.expired_at is not None or now >= self.ends_at:
            return "expired"
        if now < self.starts_at:
            return "pending"
        return "active"
