"""Status request and response bodies."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from warroom.incidents.schemas import Instant, UtcTime
from warroom.lib.schema import MAX_ID, Request, Response

UpdateStatus = Literal["investigating", "identified", "monitoring", "resolved"]
ComponentStatus = Literal["operational", "degraded_performance", "partial_outage", "major_outage"]


class PublicUpdateCreate(Request):
    status: UpdateStatus
    body: str = Field(min_length=1, max_length=5_000)
    name: str | None = Field(default=None, max_length=300, description="public name; required on the first update")
    components: dict[str, ComponentStatus] = Field(
        default_factory=dict, max_length=500, description="{service id: component status}"
    )
    notify_subscribers: bool = True
    next_update_by: Instant | None = None

    @field_validator("components")
    @classmethod
    def _ids(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not key.isdigit() or not 1 <= int(key) <= MAX_ID:
                raise ValueError(f"component key {key[:20]!r} must be a service id (a positive integer)")
        return value

    def component_statuses(self) -> dict[int, str]:
        return {int(k): v for k, v in self.components.items()}


class PublicUpdateOut(Response):
    id: int
    incident_id: int
    name: str
    status: str
    body: str
    components: dict[str, str]
    published_at: UtcTime
    next_update_by: UtcTime | None
    notify_subscribers: bool
    url: str


class PublicUpdateList(Response):
    items: list[PublicUpdateOut]
    total: int
