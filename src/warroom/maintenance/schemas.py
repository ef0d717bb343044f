"""Maintenance request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from warroom.incidents.schemas import Instant, UtcTime
from warroom.lib.schema import MAX_ID, Request, Response
from warroom.maintenance.models import MaintenanceWindow

ServiceId = Annotated[int, Field(ge=1, le=MAX_ID)]


class MaintenanceCreate(Request):
    title: str = Field(min_length=1, max_length=300)
    message: str = Field(default="", max_length=20_000)
    service_ids: list[ServiceId] = Field(min_length=1, max_length=500)
    starts_at: Instant
    ends_at: Instant
    suppress_alerts: bool = Field(default=True, description="store alerts but open no incident while active")
    public: bool = Field(default=True, description="show on the status page (public services only)")


class MaintenanceUpdate(Request):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    message: str | None = Field(default=None, max_length=20_000)
    service_ids: list[ServiceId] | None = Field(default=None, min_length=1, max_length=500)
    starts_at: Instant | None = None
    ends_at: Instant | None = None


class MaintenanceServiceOut(Response):
    id: int
    name: str


class MaintenanceOut(Response):
    id: int
    title: str
    message: str
    status: str
    starts_at: UtcTime
    ends_at: UtcTime
    ended_early_at: UtcTime | None
    cancelled_at: UtcTime | None
    suppress_alerts: bool
    public: bool
    services: list[MaintenanceServiceOut]
    created_at: UtcTime

    @classmethod
    def of(cls, window: MaintenanceWindow, now: datetime) -> MaintenanceOut:
        return cls(
            id=window.id,
            title=window.title,
            message=window.message,
            status=window.status_at(now),
            starts_at=window.starts_at,
            ends_at=window.ends_at,
            ended_early_at=window.ended_early_at,
            cancelled_at=window.cancelled_at,
            suppress_alerts=window.suppress_alerts,
            public=window.is_public,
            services=[MaintenanceServiceOut(id=s.id, name=s.name) for s in window.services],
            created_at=window.created_at,
        )


class MaintenanceList(Response):
    items: list[MaintenanceOut]
    total: int
