"""Request and response models for the schedules API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from warroom.lib.schema import MAX_ID, Page, Request, Response

Name = Annotated[str, Field(min_length=1, max_length=200)]
Zone = Annotated[str, Field(min_length=1, max_length=64, description="IANA time zone, e.g. Europe/Berlin")]
Clock = Annotated[str, Field(pattern=r"^\d\d:\d\d$", description="local wall time HH:MM")]
UserId = Annotated[int, Field(ge=1, le=MAX_ID)]
Unit = Literal["hours", "days", "weeks"]


class RestrictionIn(Request):
    days: list[Annotated[int, Field(ge=0, le=6)]] = Field(min_length=1, max_length=7, description="0 = Monday")
    start: Clock
    end: Clock


class RestrictionOut(Response):
    days: list[int]
    start: str
    end: str


class ScheduleCreate(Request):
    name: Name
    description: str = Field("", max_length=5000)
    time_zone: Zone = "UTC"
    team_id: UserId | None = None
    handoff_notices: bool = False


class ScheduleUpdate(Request):
    name: Name | None = None
    description: str | None = Field(None, max_length=5000)
    time_zone: Zone | None = None
    team_id: UserId | None = None
    handoff_notices: bool | None = None


class LayerCreate(Request):
    name: Name
    rotation_start: AwareDatetime
    turn_length: int = Field(ge=-MAX_ID, le=MAX_ID, description="a positive whole number of turn_unit")
    turn_unit: Unit
    members: list[UserId] = Field(default_factory=list, max_length=100, description="user ids in rotation order")
    handoff_time: Clock | None = None
    time_zone: Zone | None = None
    restrictions: list[RestrictionIn] = Field(default_factory=list, max_length=20)
    position: int | None = Field(None, ge=0, le=1000, description="higher wins; default: above the others")


class LayerUpdate(Request):
    name: Name | None = None
    rotation_start: AwareDatetime | None = None
    turn_length: int | None = Field(None, ge=-MAX_ID, le=MAX_ID)
    turn_unit: Unit | None = None
    members: list[UserId] | None = Field(None, max_length=100)
    handoff_time: Clock | None = None
    time_zone: Zone | None = None
    restrictions: list[RestrictionIn] | None = Field(None, max_length=20)
    position: int | None = Field(None, ge=0, le=1000)


class LayerOut(Response):
    id: int
    position: int
    name: str
    rotation_start: datetime
    turn_length: int
    turn_unit: str
    handoff_time: str
    time_zone: str | None
    members: list[int]
    restrictions: list[RestrictionOut]


class OverrideCreate(Request):
    user_id: UserId
    start: AwareDatetime
    end: AwareDatetime
    reason: str = Field("", max_length=500)


class OverrideOut(Response):
    id: int
    user_id: int
    start: datetime = Field(validation_alias="start_at")
    end: datetime = Field(validation_alias="end_at")
    reason: str
    created_by_id: int | None


class ScheduleOut(Response):
    id: int
    name: str
    description: str
    time_zone: str
    team_id: int | None
    handoff_notices: bool
    created_at: datetime
    updated_at: datetime


class ScheduleDetail(ScheduleOut):
    layers: list[LayerOut]
    overrides: list[OverrideOut]


class SchedulePage(Page[ScheduleOut]):
    pass


class PersonOut(Response):
    id: int
    name: str
    email: str


class OnCallOut(Response):
    schedule_id: int
    at: datetime
    users: list[PersonOut]
    until: datetime | None
    next: PersonOut | None
    next_start: datetime | None


class ShiftOut(Response):
    start: datetime
    end: datetime
    user_id: int
    user_name: str
    source: str


class GapOut(Response):
    start: datetime
    end: datetime


class ShiftsOut(Response):
    schedule_id: int
    since: datetime
    until: datetime
    shifts: list[ShiftOut]
    gaps: list[GapOut]


class FeedTokenCreate(Request):
    user_id: UserId | None = Field(None, description="whose personal feed; default: yours")


class FeedTokenOut(Response):
    id: int
    schedule_id: int | None
    user_id: int | None
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class FeedTokenIssued(FeedTokenOut):
    token: str
    url: str


class FeedTokenList(Response):
    items: list[FeedTokenOut]


class PersonHealthOut(Response):
    user_id: int
    name: str
    time_zone: str
    pages: int
    night_pages: int
    incident_hours: float
    incidents_commanded: int
    flags: list[str]
    time_off_suggested: list[str]


class SpreadOut(Response):
    min: int
    median: float
    max: int


class FairnessOut(Response):
    schedule_id: int
    schedule: str
    layer: str
    members: list[str]
    pages: SpreadOut
    night_pages: SpreadOut


class TeamHealthOut(Response):
    team_id: int
    name: str
    people: int
    pages: int
    night_pages: int
    incident_hours: float
    incidents_commanded: int


class ThresholdsOut(Response):
    night_pages: int
    window_days: int
    sev1_hours: float


class HealthOut(Response):
    since: datetime
    until: datetime
    thresholds: ThresholdsOut
    people: list[PersonHealthOut]
    teams: list[TeamHealthOut]
    fairness: list[FairnessOut]
