from __future__ import annotations

from datetime import datetime

from pydantic import Field

from warroom.lib.schema import Request, Response

# Ids are PostgreSQL integers; larger path values get a 422 instead of a database overflow.


class DeliveryOut(Response):
    id: int
    channel: str
    target: str
    subject: str
    event: str | None
    status: str
    attempts: int
    last_error: str | None
    response_code: int | None
    next_attempt_at: datetime | None
    incident_id: int | None
    endpoint_id: int | None
    idempotency_key: str | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None


class DeliveryPage(Response):
    items: list[DeliveryOut]
    total: int
    limit: int
    offset: int


class SmtpStatusOut(Response):
    configured: bool
    host: str | None
    port: int
    sender: str
    tls: str
    user: str | None
    message: str | None = Field(default=None, description="What to set when email is off")


class TestEmailIn(Request):
    to: str = Field(min_length=3, max_length=320, description="Address to send the test message to")


class WebhookEndpointOut(Response):
    id: int
    url: str
    description: str
    event_kinds: list[str]
    include_private: bool
    is_active: bool
    created_at: datetime
    updated_at: datetime


class WebhookEndpointCreated(WebhookEndpointOut):
    secret: str = Field(description="HMAC signing secret. Shown once; store it in the receiver now.")


class WebhookEndpointList(Response):
    items: list[WebhookEndpointOut]
    total: int


class WebhookEndpointIn(Request):
    url: str = Field(min_length=8, max_length=2000)
    description: str = Field(default="", max_length=300)
    event_kinds: list[str] = Field(default_factory=list, max_length=50, description="Empty: every event kind")
    include_private: bool = False


class WebhookEndpointPatch(Request):
    url: str | None = Field(default=None, min_length=8, max_length=2000)
    description: str | None = Field(default=None, max_length=300)
    event_kinds: list[str] | None = Field(default=None, max_length=50)
    include_private: bool | None = None
    is_active: bool | None = None
