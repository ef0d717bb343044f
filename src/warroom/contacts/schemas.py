"""Contacts API models."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from warroom.lib.schema import MAX_ID, Request, Response

Kind = Literal["email", "webhook", "slack", "sms", "voice"]
Urgency = Literal["high", "low", "any"]


class ContactMethodIn(Request):
    kind: Kind
    target: str = Field(
        min_length=1, max_length=2000, description="Email address, http(s) URL, or E.164 phone number (+4915112345678)"
    )
    label: str = Field(default="", max_length=100)


class ContactMethodOut(Response):
    id: int
    kind: str
    label: str
    target: str
    status: str = Field(description="unverified, verified (a message went out) or failing (see last_error)")
    last_error: str | None
    last_error_at: datetime | None
    verified_at: datetime | None
    created_at: datetime


class ContactMethodCreated(ContactMethodOut):
    secret: str | None = Field(description="Webhook signing secret, shown once (null for other kinds)")


class ContactMethodList(Response):
    items: list[ContactMethodOut]
    total: int


class RuleIn(Request):
    contact_method_id: int = Field(ge=1, le=MAX_ID)
    delay_minutes: int = Field(ge=0, le=1440, description="Minutes after the page starts; 0 means at once")
    urgency: Urgency = "any"


class RuleOut(Response):
    id: int
    contact_method_id: int
    delay_minutes: int
    urgency: str
    created_at: datetime


class RuleList(Response):
    items: list[RuleOut]
    total: int


class PageDeliveryOut(Response):
    id: int
    delivery_id: str
    page_key: str
    user_id: int
    incident_id: int | None
    contact_method_id: int | None
    channel: str
    reason: str
    delay_minutes: int
    status: str = Field(description="queued, sent, retrying, failed, skipped or not_configured")
    attempts: int
    last_error: str | None
    due_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    created_at: datetime
    is_test: bool


class PageDeliveryPage(Response):
    items: list[PageDeliveryOut]
    total: int
    limit: int
    offset: int
