"""Request and response bodies of /api/v1/incidents.

Times in requests are ISO 8601; one without a zone is taken as UTC. Responses give UTC with its offset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field, PlainSerializer, model_validator

from warroom.errors import Invalid
from warroom.incidents import checks
from warroom.lib.schema import Request, Response

Severity = Literal["SEV1", "SEV2", "SEV3", "SEV4"]
Status = Literal["investigating", "identified", "monitoring", "resolved", "closed"]
Role = Literal["incident_commander", "technical_lead", "communications_lead", "scribe", "support_liaison"]
TaskStatus = Literal["open", "in_progress", "done", "cancelled"]


def _instant(value: datetime) -> datetime:
    try:
        return checks.as_utc(value, field="time")
    except Invalid as exc:
        raise ValueError(exc.message) from None


def _printable(value: str) -> str:
    if checks.has_control_chars(value, allow_newlines=True):
        raise ValueError("contains control characters; use printable text")
    return value


Instant = Annotated[datetime, AfterValidator(_instant), Field(description="ISO 8601; without a zone it is UTC")]
UtcTime = Annotated[datetime, PlainSerializer(lambda d: d.astimezone(UTC).isoformat(), return_type=str)]
Title = Annotated[str, Field(min_length=1, max_length=checks.MAX_TITLE), AfterValidator(_printable)]
LongText = Annotated[str, Field(max_length=checks.MAX_TEXT), AfterValidator(_printable)]
Item = Annotated[str, Field(max_length=checks.MAX_LIST_ITEM), AfterValidator(_printable)]
Items = Annotated[list[Item], Field(max_length=checks.MAX_LIST_ITEMS)]
ServiceRef = Annotated[
    Annotated[int, Field(ge=1, le=checks.MAX_ID)]
    | Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_printable)],
    Field(description="a service id or name"),
]
Id = Annotated[int, Field(ge=1, le=checks.MAX_ID)]
Count = Annotated[int, Field(ge=0, le=checks.MAX_CUSTOMERS)]


class IncidentCreate(Request):
    title: Title
    severity: Severity
    summary: LongText = ""
    services: Annotated[list[ServiceRef], Field(max_length=100)] = []
    private: bool = False
    exercise: bool = False
    impact: LongText = ""
    customers_affected: Count | None = None
    regions: Items = []
    segments: Items = []
    detected_at: Instant | None = Field(default=None, description="when it was noticed; defaults to now")
    impact_started_at: Instant | None = None
    commander_id: Id | None = Field(default=None, description="user id of the Incident Commander")


class Partial(Request):
    """A PATCH body: only the fields sent change; `null` is refused for fields that cannot be empty."""

    required_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_null_for_required(self) -> Partial:
        for name in self.required_fields:
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null; leave it out to keep the current value")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class IncidentPatch(Partial):
    required_fields = ("title", "summary", "private", "exercise", "impact", "regions", "segments", "detected_at")

    title: Title | None = None
    summary: LongText | None = None
    private: bool | None = None
    exercise: bool | None = None
    impact: LongText | None = None
    customers_affected: Count | None = Field(default=None, description="null clears it")
    regions: Items | None = None
    segments: Items | None = None
    detected_at: Instant | None = Field(default=None, description="not later than declared_at")
    impact_started_at: Instant | None = Field(default=None, description="null clears it")
    mitigated_at: Instant | None = Field(default=None, description="null clears it; else first entry into monitoring")


class StatusChange(Request):
    status: Status
    note: LongText | None = None


class SeverityChange(Request):
    severity: Severity
    reason: LongText | None = None


class ServicesPut(Request):
    services: Annotated[list[ServiceRef], Field(max_length=100)]


class RoleAssign(Request):
    role: Role
    user_id: Id | None = Field(description="the new holder; null clears the role")


class NoteCreate(Request):
    body: Annotated[str, Field(min_length=1, max_length=checks.MAX_NOTE), AfterValidator(_printable)]
    occurred_at: Instant | None = Field(default=None, description="backdate the note; never in the future")


class CorrectionCreate(Request):
    body: Annotated[str, Field(min_length=1, max_length=checks.MAX_NOTE), AfterValidator(_printable)]


class TaskCreate(Request):
    title: Title
    assignee_id: Id | None = None
    due_at: Instant | None = None


class TaskPatch(Partial):
    required_fields = ("title", "status")

    title: Title | None = None
    status: TaskStatus | None = None
    assignee_id: Id | None = Field(default=None, description="null unassigns")
    due_at: Instant | None = Field(default=None, description="null clears it")


class UserRef(Response):
    id: int
    name: str
    email: str


class ActorRef(Response):
    id: int | None
    name: str


class ServiceOut(Response):
    id: int
    name: str
    tier: int


class ReachedService(ServiceOut):
    hops: int
    path: list[str] = Field(description="service names from this one down to an affected service")


class FunctionOut(Response):
    id: int
    name: str
    via: list[str] = Field(description="the reached services this business function uses")


class IncidentOut(Response):
    id: int
    title: str
    summary: str
    severity: Severity
    severity_description: str
    status: Status
    private: bool
    exercise: bool
    impact: str
    customers_affected: int | None
    regions: list[str]
    segments: list[str]
    services: list[ServiceOut]
    roles: dict[str, list[UserRef]]
    unfilled_roles: list[str]
    needs_commander: bool
    allowed_transitions: list[str]
    detected_at: UtcTime
    impact_started_at: UtcTime | None
    declared_at: UtcTime
    declared_by: UserRef | None
    acknowledged_at: UtcTime | None
    acknowledged_by: UserRef | None
    mitigated_at: UtcTime | None
    resolved_at: UtcTime | None
    closed_at: UtcTime | None
    updated_at: UtcTime
    url: str


class IncidentList(Response):
    items: list[IncidentOut]
    total: int
    limit: int
    offset: int


class EventOut(Response):
    id: int
    incident_id: int
    kind: str
    at: UtcTime = Field(description="when it happened (occurred_at); notes may be backdated")
    recorded_at: UtcTime
    backdated: bool
    actor: ActorRef
    source: str
    data: dict[str, Any]
    corrects_id: int | None
    text: str


class EventList(Response):
    items: list[EventOut]
    total: int


class TaskOut(Response):
    id: int
    incident_id: int
    title: str
    status: TaskStatus
    assignee: UserRef | None
    due_at: UtcTime | None
    overdue: bool
    created_at: UtcTime
    updated_at: UtcTime
    completed_at: UtcTime | None


class TaskList(Response):
    items: list[TaskOut]
    total: int


class RoleAssignmentOut(Response):
    role: Role
    user: UserRef
    started_at: UtcTime
    ended_at: UtcTime | None


class RoleHistory(Response):
    items: list[RoleAssignmentOut]
    total: int


class BlastRadiusOut(Response):
    roots: list[ServiceOut] = Field(description="the incident's affected services")
    services: list[ReachedService] = Field(description="services that depend on them, with hop distance")
    business_functions: list[FunctionOut]
