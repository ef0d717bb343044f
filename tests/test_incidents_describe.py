from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warroom.incidents.describe import describe_event
from warroom.incidents.models import TimelineEvent

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def event(kind: str, **data) -> TimelineEvent:
    return TimelineEvent(kind=kind, data=data, occurred_at=AT, recorded_at=AT, actor_name="Alice", source="api")


@pytest.mark.parametrize(
    ("kind", "data", "sentence"),
    [
        ("incident.declared", {"severity": "SEV1", "title": "WMS down"}, "declared a SEV1 incident: WMS down"),
        (
            "status.changed",
            {"from": "investigating", "to": "identified"},
            "changed status from investigating to identified",
        ),
        (
            "incident.reopened",
            {"from": "monitoring", "to": "investigating"},
            "reopened the incident (monitoring → investigating)",
        ),
        ("severity.changed", {"from": "SEV3", "to": "SEV2"}, "changed severity from SEV3 to SEV2"),
        ("incident.updated", {"changes": {"private": {"from": False, "to": True}}}, "made the incident private"),
        (
            "incident.updated",
            {"changes": {"exercise": {"from": True, "to": False}}},
            "marked the incident as real, not an exercise",
        ),
        (
            "incident.updated",
            {
                "changes": {
                    "summary": {"from": "", "to": "x"},
                    "detected_at": {"from": None, "to": "2026-03-01T11:20:00+00:00"},
                }
            },
            "updated the summary; changed the detection time to 2026-03-01 11:20 UTC",
        ),
        (
            "impact.updated",
            {"changes": {"regions": {"from": [], "to": ["EU", "US"]}}},
            "updated the customer impact: the regions to EU, US",
        ),
        (
            "services.changed",
            {"added": [{"id": 1, "name": "WMS"}], "removed": []},
            "changed affected services: added WMS",
        ),
        ("incident.acknowledged", {}, "acknowledged the incident"),
        (
            "role.assigned",
            {"role": "scribe", "user": {"id": 2, "name": "Bob"}, "handover": False},
            "assigned Bob as Scribe",
        ),
        ("role.removed", {"role": "technical_lead", "user": {"id": 2, "name": "Bob"}}, "removed Bob as Technical Lead"),
        ("role.cleared", {"role": "scribe", "previous": []}, "cleared the Scribe role (was nobody)"),
        ("task.added", {"title": "Reindex", "assignee_name": None, "due_at": None}, "added task “Reindex”"),
        (
            "task.updated",
            {"title": "Reindex", "changes": {"assignee_id": {"from": None, "to": 2, "to_name": "Bob"}}},
            "updated task “Reindex”: the assignee to Bob",
        ),
        ("note.added", {"body": "line one\nline two"}, "line one\nline two"),
        ("note.corrected", {"body": "It was wms-8"}, "corrected a note: It was wms-8"),
        ("event.corrected", {"body": "wrong time"}, "corrected the record: wrong time"),
    ],
)
def test_each_kind_reads_as_one_sentence(kind, data, sentence):
    assert describe_event(event(kind, **data)) == sentence


def test_a_kind_from_another_domain_is_described_from_its_summary():
    assert describe_event(event("page.sent", summary="paged Bob by SMS")) == "page sent: paged Bob by SMS"
    assert describe_event(event("status_page.published")) == "status page published"


def test_missing_data_never_breaks_the_page():
    assert describe_event(event("status.changed")) == "changed status from None to None"
    assert describe_event(event("task.updated", changes="garbage")) == "updated task “”: nothing"
    assert describe_event(event("services.changed", added=[1], removed=None)) == "services changed"


def test_long_titles_are_shortened():
    text = describe_event(event("incident.declared", severity="SEV2", title="x" * 500))
    assert text == "declared a SEV2 incident: " + "x" * 199 + "…"
