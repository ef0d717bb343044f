"""Request and response models for the paging API. Ranges the service explains better are checked there."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from warroom.lib.schema import MAX_ID, Request, Response

RoleName = Literal["incident_commander", "technical_lead", "communications_lead", "scribe", "support_liaison"]
# Numbers the service range-checks (with a message saying what is allowed) are bounded here only so that
# they can never overflow: ±1,000,000.


class TargetIn(Request):
    type: Literal["user", "schedule"]
    id: int = Field(ge=1, le=MAX_ID)


class RuleIn(Request):
    delay_minutes: int = Field(ge=-1_000_000, le=1_000_000, description="minutes before the next rule, at least 1")
    targets: list[TargetIn] = Field(max_length=10)


class PolicyIn(Request):
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    repeat_count: int = Field(default=0, ge=-1_000_000, le=1_000_000, description="extra passes, 0 to 10")
    rules: list[RuleIn] = Field(max_length=20)


class TargetOut(Response):
    type: str
    id: int
    name: str


class RuleOut(Response):
    delay_minutes: int
    targets: list[TargetOut]
    empty_last_time: bool


class ServiceRef(Response):
    id: int
    name: str


class PolicyOut(Response):
    id: int
    name: str
    description: str
    repeat_count: int
    rules: list[RuleOut]
    empty_rule_flags: dict[str, Any]
    services: list[ServiceRef]
    created_at: datetime
    updated_at: datetime


class PolicyPage(Response):
    items: list[PolicyOut]
    total: int
    limit: int
    offset: int


class WindowIn(Request):
    days: list[int] = Field(max_length=7, description="weekdays, 0 = Monday … 6 = Sunday")
    start: str = Field(max_length=5, description="HH:MM")
    end: str = Field(max_length=5, description="HH:MM, after start; 24:00 for midnight")


class SupportHoursIn(Request):
    timezone: str = Field(max_length=64)
    windows: list[WindowIn] = Field(max_length=14)


class ServicePagingIn(Request):
    policy_id: int = Field(ge=1, le=MAX_ID)
    ack_timeout_minutes: int | None = Field(default=None, ge=-1_000_000, le=1_000_000)
    support_hours: SupportHoursIn | None = None
    low_urgency: Literal["wait_for_support_hours", "notify_without_paging"] = "wait_for_support_hours"


class ServicePagingOut(Response):
    service_id: int
    service_name: str
    policy_id: int
    policy_name: str
    ack_timeout_minutes: int | None
    support_hours: dict[str, Any]
    support_hours_text: str
    low_urgency: str
    updated_at: datetime


class HistoryEntry(Response):
    id: int
    kind: str
    occurred_at: datetime
    actor_name: str
    summary: str


class EscalationOut(Response):
    incident_id: int
    state: str  # "none" when the incident never had an escalation
    escalation_id: int | None = None
    policy_id: int | None = None
    policy_name: str | None = None
    urgency: str | None = None
    loop: int | None = None  # 1-based, of the next step
    rule: int | None = None  # 1-based, of the next step
    retrigger: int | None = None
    next_step_at: datetime | None = None
    next_rule_targets: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    history: list[HistoryEntry]


class ReassignIn(Request):
    user_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    policy_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class PageRoleIn(Request):
    role: RoleName
    schedule_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="page this schedule's on-call")


class ResponderIn(Request):
    user_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    schedule_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class PagedOut(Response):
    users: list[ServiceRef]
