"""Request and response bodies for the comms API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from warroom.lib.schema import MAX_ID, Request, Response

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Minutes = Annotated[int, Field(ge=1, le=7 * 24 * 60, strict=True)]
Severity = Literal["SEV1", "SEV2", "SEV3", "SEV4"]


class StakeholderSubscriptionCreate(Request):
    scope: Literal["all", "service", "business_function", "severity"]
    service_id: Id | None = None
    function_id: Id | None = None
    severity: Severity | None = None
    team_id: Id | None = Field(default=None, description="subscribe a whole team (admins only); default: yourself")


class StakeholderSubscriptionOut(Response):
    id: int
    user_id: int | None
    team_id: int | None
    scope: str
    service_id: int | None
    function_id: int | None
    severity: str | None
    description: str
    created_at: datetime


class StakeholderSubscriptionList(Response):
    items: list[StakeholderSubscriptionOut]
    total: int
    limit: int
    offset: int


class StakeholderWebhookCreate(Request):
    kind: Literal["webhook", "slack"] = Field(description="webhook: signed JSON; slack: Slack incoming-webhook format")
    url: str = Field(min_length=1, max_length=2000, description="http:// or https:// receiver URL")
    description: str = Field(default="", max_length=200)
    scope: Literal["all", "service", "business_function", "severity"]
    service_id: Id | None = None
    function_id: Id | None = None
    severity: Severity | None = None
    include_private: bool = Field(default=False, description="also send private incidents (they leave Warroom)")


class StakeholderWebhookOut(Response):
    id: int
    kind: str
    host: str = Field(description="the receiver's host; the URL itself is not shown again (a Slack URL is a secret)")
    description: str
    scope: str
    service_id: int | None
    function_id: int | None
    severity: str | None
    include_private: bool
    summary: str
    created_at: datetime


class StakeholderWebhookCreated(StakeholderWebhookOut):
    secret: str = Field(description="HMAC-SHA256 signing secret for X-Warroom-Signature; shown only this once")


class StakeholderWebhookList(Response):
    items: list[StakeholderWebhookOut]
    total: int
    limit: int
    offset: int


class BridgeSet(Request):
    url: str = Field(min_length=1, max_length=2000, description="http:// or https:// conference or chat link")
    label: str = Field(default="", max_length=200)


class BridgeOut(Response):
    incident_id: int
    url: str
    label: str
    updated_at: datetime


class CadenceIntervalOut(Response):
    id: int
    kind: str
    started_at: datetime
    due_at: datetime
    outcome: str
    closed_at: datetime | None
    update_id: int | None


class CadenceOut(Response):
    incident_id: int
    tracked: bool
    declared_at: datetime
    first_public_update_at: datetime | None
    time_to_first_update_seconds: int | None
    next_update_due_at: datetime | None
    state: str
    seconds_until_due: int | None
    met: int
    missed: int
    intervals: list[CadenceIntervalOut]


class CadenceSettingOut(Response):
    severity: str
    first_update_minutes: int | None
    interval_minutes: int


class CadenceSettingList(Response):
    items: list[CadenceSettingOut]


class CadenceSettingSet(Request):
    first_update_minutes: Minutes | None = Field(description="minutes from declaration; null for no deadline")
    interval_minutes: Minutes


class SubscriberOut(Response):
    id: int
    kind: str
    email: str | None
    webhook_url: str | None
    component_ids: list[int]
    state: str
    hard_failures: int
    confirmed_at: datetime | None
    quarantined_at: datetime | None
    unsubscribed_at: datetime | None
    created_at: datetime


class SubscriberList(Response):
    items: list[SubscriberOut]
    total: int
    counts: dict[str, int]


class WebhookSubscriberCreate(Request):
    url: str = Field(min_length=1, max_length=2000)
    components: list[Id] = Field(default_factory=list, max_length=500, description="empty means every component")


class WebhookSubscriberCreated(SubscriberOut):
    secret: str = Field(description="shown once: verify X-Warroom-Signature with it")
