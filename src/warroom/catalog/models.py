from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, UTCDateTime

# Criticality tiers, most critical first. Incidents and paging use these to prioritise.
TIERS = {
    1: "Tier 1 — mission critical: customers or revenue stop when it stops",
    2: "Tier 2 — business critical: a core workflow degrades, workarounds exist",
    3: "Tier 3 — important: internal or partial impact",
    4: "Tier 4 — low: can wait for business hours",
}

team_members = Table(
    "team_members",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

service_dependencies = Table(
    "service_dependencies",
    Base.metadata,
    # `service_id` depends on `depends_on_id`: if the latter fails, the former is in the blast radius.
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    Column("depends_on_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)

business_function_services = Table(
    "business_function_services",
    Base.metadata,
    Column("function_id", ForeignKey("business_functions.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (CheckConstraint("tier BETWEEN 1 AND 4", name="tier_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), nullable=True)
    tier: Mapped[int] = mapped_column(Integer)
    runbook_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BusinessFunction(Base):
    """Something the business does ("order picking", "label printing") that needs services to run."""

    __tablename__ = "business_functions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
