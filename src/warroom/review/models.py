"""Review tables: post-mortems, their manual timeline entries, reviewers, comments, action items, lint rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, JSONType, UTCDateTime

POSTMORTEM_STATUSES = ("draft", "in_review", "published")
ACTION_TYPES = ("detect", "mitigate", "prevent", "process", "training")
ACTION_PRIORITIES = ("high", "medium", "low")
ACTION_STATUSES = ("open", "in_progress", "done", "wont_do")
ACTION_FINISHED = ("done", "wont_do")
FACTOR_CATEGORIES = ("technical", "process", "monitoring", "training")


class Postmortem(Base):
    """One blameless review per incident. Sections are text by key (see sections.py)."""

    __tablename__ = "postmortems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    sections: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    public_sections: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Contributing factors: [{"category": "technical", "text": "..."}].
    factors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Timeline marks on incident events, by event id (manual entries carry their own flags).
    starred_events: Mapped[list[int]] = mapped_column(JSONType, default=list)
    hidden_events: Mapped[list[int]] = mapped_column(JSONType, default=list)
    # For a SEV1/SEV2 without action items: why none are needed.
    no_actions_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The human debrief is private by default: only responders and up read it until the author shares it.
    debrief_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ManualEntry(Base):
    """A timeline entry the author added afterwards (possibly backdated); always shown as added later."""

    __tablename__ = "postmortem_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    author_name: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    starred: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)


class Reviewer(Base):
    __tablename__ = "postmortem_reviewers"

    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Comment(Base):
    __tablename__ = "postmortem_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"), index=True)
    section: Mapped[str | None] = mapped_column(String(40), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    author_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Dismissal(Base):
    """A lint finding someone chose to keep, with their reason (findings are advisory)."""

    __tablename__ = "postmortem_lint_dismissals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(40))
    rule_id: Mapped[str] = mapped_column(String(60))
    match: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    user_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ActionItem(Base):
    """A follow-up from a review, tracked across incidents until done."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    status: Mapped[str] = mapped_column(String(20), default="open")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ticket_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reminded_before_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reminded_after_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LintRule(Base):
    """A team's own blameless-language rule: phrases (whole words, any case) or one regular expression."""

    __tablename__ = "postmortem_lint_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(60), unique=True)
    phrases: Mapped[list[str]] = mapped_column(JSONType, default=list)
    pattern: Mapped[str | None] = mapped_column(String(300), nullable=True)
    sections: Mapped[list[str]] = mapped_column(JSONType, default=list)
    why: Mapped[str] = mapped_column(Text)
    suggestion: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
