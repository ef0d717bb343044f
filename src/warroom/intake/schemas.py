"""Intake API request and response bodies."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from warroom.incidents.schemas import UtcTime
from warroom.intake.integrations import IssuedIntegration
from warroom.intake.models import Alert, ChangeEvent, Integration, RoutingRule
from warroom.lib.schema import MAX_ID, Request, Response

IntegrationType = Literal["alertmanager", "prometheus", "pagerduty", "generic"]
Label = Annotated[str, Field(min_length=1, max_length=200)]


class IntegrationCreate(Request):
    type: IntegrationType
    name: str | None = Field(default=None, min_length=1, max_length=200)


class IntegrationOut(Response):
    id: int
    service_id: int
    type: str
    name: str
    key_hint: str
    created_at: UtcTime
    rotated_at: UtcTime | None
    revoked_at: UtcTime | None
    last_used_at: UtcTime | None


class IntegrationIssued(Response):
    """Returned once at create and rotate: the key is never shown again."""

    id: int
    service_id: int
    type: str
    name: str
    key: str
    url: str
    path_prefix: str | None = None

    @classmethod
    def of(cls, issued: IssuedIntegration) -> IntegrationIssued:
        i = issued.integration
        return cls(
            id=i.id,
            service_id=i.service_id,
            type=i.type,
            name=i.name,
            key=issued.key,
            url=issued.url,
            path_prefix=issued.path_prefix,
        )


class IntegrationList(Response):
    items: list[IntegrationOut]
    total: int


class AlertOut(Response):
    id: int
    integration_id: int | None
    service_id: int
    fingerprint: str
    status: str
    severity: str
    title: str
    description: str
    labels: dict[str, Any]
    annotations: dict[str, Any]
    source: str
    links: list[dict[str, Any]]
    starts_at: UtcTime
    ends_at: UtcTime | None
    first_seen: UtcTime
    last_seen: UtcTime
    firing_count: int
    acknowledged_at: UtcTime | None
    flapping: bool
    group_id: int | None
    incident_id: int | None
    silenced_by_id: int | None
    suppressed_reason: str | None

    @classmethod
    def of(cls, alert: Alert) -> AlertOut:
        return cls.model_validate(alert)


class AlertPage(Response):
    items: list[AlertOut]
    total: int
    limit: int
    offset: int


class AlertAttach(Request):
    incident_id: int = Field(ge=1, le=MAX_ID)


class StatsOut(Response):
    service_id: int
    alerts: int
    alerts_received: int
    firing: int
    suppressed: int
    incidents_opened: int
    noise_ratio: float | None


class ChangeOut(Response):
    id: int
    service_id: int
    summary: str
    source: str
    timestamp: UtcTime
    received_at: UtcTime
    links: list[dict[str, Any]]
    custom_details: dict[str, Any]

    @classmethod
    def of(cls, change: ChangeEvent) -> ChangeOut:
        return cls.model_validate(change)


class ChangeList(Response):
    items: list[ChangeOut]
    total: int


class Matcher(Request):
    label: Label
    op: Literal["=", "!="] = "="
    value: str = Field(default="", max_length=2000)


class RuleCreate(Request):
    name: str = Field(default="", max_length=200)
    matchers: list[Matcher] = Field(default_factory=list, max_length=20)
    severities: list[Literal["critical", "error", "warning", "info"]] = Field(default_factory=list, max_length=4)
    open_incident: bool = True
    incident_severity: Literal["by_tier", "SEV1", "SEV2", "SEV3", "SEV4"] = "by_tier"
    group_by: list[Label] = Field(default_factory=list, max_length=10)
    monitoring_on_resolve: bool = False
    position: int | None = Field(default=None, ge=0, le=10_000)


class RuleOut(Response):
    id: int
    service_id: int
    position: int
    name: str
    matchers: list[dict[str, Any]]
    severities: list[str]
    open_incident: bool
    incident_severity: str
    group_by: list[str]
    monitoring_on_resolve: bool

    @classmethod
    def of(cls, rule: RoutingRule) -> RuleOut:
        return cls.model_validate(rule)


class RuleList(Response):
    items: list[RuleOut]
    total: int


def integration_out(integration: Integration) -> IntegrationOut:
    return IntegrationOut.model_validate(integration)
