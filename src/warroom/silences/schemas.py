"""Silences request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from warroom.incidents.schemas import Instant, UtcTime
from warroom.lib.schema import MAX_ID, Request, Response
from warroom.silences.matchers import MAX_MATCHERS, MAX_VALUE
from warroom.silences.models import Silence

Op = Literal["=", "!=", "=~", "!~"]


class MatcherIn(Request):
    name: str = Field(min_length=1, max_length=100, description="label name, e.g. env")
    op: Op = Field(default="=", description="= equal, != not equal, =~ regex match, !~ regex non-match")
    value: str = Field(default="", max_length=MAX_VALUE, description="regexes are fully anchored (RE2 syntax)")


Matchers = Annotated[list[MatcherIn], Field(min_length=1, max_length=MAX_MATCHERS)]


class SilenceCreate(Request):
    matchers: Matchers
    comment: str = Field(min_length=1, max_length=2000, description="why; required, as in Alertmanager")
    ends_at: Instant
    starts_at: Instant | None = Field(default=None, description="defaults to now")
    service_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="only this service's alerts")


class SilencePreview(Request):
    matchers: Matchers
    service_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class MatcherOut(Response):
    name: str
    op: str
    value: str


class SilenceOut(Response):
    id: int
    status: str
    matchers: list[MatcherOut]
    service_id: int | None
    starts_at: UtcTime
    ends_at: UtcTime
    expired_at: UtcTime | None
    comment: str
    created_by: str
    created_by_id: int | None
    created_at: UtcTime

    @classmethod
    def of(cls, silence: Silence, now: datetime) -> SilenceOut:
        return cls(
            id=silence.id,
            status=silence.status_at(now),
            matchers=[MatcherOut(**m) for m in silence.matchers],
            service_id=silence.service_id,
            starts_at=silence.starts_at,
            ends_at=silence.ends_at,
            expired_at=silence.expired_at,
            comment=silence.comment,
            created_by=silence.created_by_name,
            created_by_id=silence.created_by_id,
            created_at=silence.created_at,
        )


class SilenceList(Response):
    items: list[SilenceOut]
    total: int
    limit: int
    offset: int


class PreviewAlert(Response):
    id: int
    title: str
    service_id: int
    severity: str
    labels: dict[str, Any]


class PreviewOut(Response):
    items: list[PreviewAlert]
    total: int
    intake_available: bool = Field(description="false until alert intake is installed: nothing to preview")
