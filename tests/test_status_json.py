"""/status/api/v2/*.json: Statuspage-compatible shapes, CORS, indicator and impact rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from status_helpers import add_service, declare
from warroom.incidents import service as incidents
from warroom.maintenance import service as maintenance
from warroom.status import service
from warroom.status.public import indicator_for

PAGE_KEYS = {"id", "name", "url", "time_zone", "updated_at"}
COMPONENT_KEYS = {
    "id", "name", "status", "created_at", "updated_at", "position", "description", "showcase", "start_date",
    "group_id", "page_id", "group", "only_show_if_degraded",
}  # fmt: skip
INCIDENT_KEYS = {
    "id", "name", "status", "impact", "shortlink", "created_at", "updated_at", "monitoring_at", "resolved_at",
    "started_at", "page_id", "incident_updates", "components",
}  # fmt: skip
UPDATE_KEYS = {"id", "status", "body", "incident_id", "created_at", "updated_at", "display_at", "affected_components"}
MAINTENANCE_KEYS = INCIDENT_KEYS - {"started_at"} | {"scheduled_for", "scheduled_until"}
DOCUMENTS = {
    "summary.json": {"page", "status", "components", "incidents", "scheduled_maintenances"},
    "status.json": {"page", "status"},
    "components.json": {"page", "components"},
    "incidents.json": {"page", "incidents"},
    "incidents/unresolved.json": {"page", "incidents"},
    "scheduled-maintenances.json": {"page", "scheduled_maintenances"},
    "scheduled-maintenances/upcoming.json": {"page", "scheduled_maintenances"},
    "scheduled-maintenances/active.json": {"page", "scheduled_maintenances"},
}


@pytest.fixture
def world(make_ctx, alice, clock):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        web = add_service(ctx, "Website")
        open_incident = declare(ctx, title="internal: api pool exhausted", services=[api.id])
        service.publish_update(
            ctx, open_incident, status="investigating", body="Looking.", name="API errors",
            components={api.id: "partial_outage"},
        )  # fmt: skip
        closed = declare(ctx, title="internal: old one", severity="SEV3", services=[web.id])
        service.publish_update(ctx, closed, status="resolved", body="Fixed.", name="Website slow")
        maintenance.schedule(
            ctx, title="Upgrade", service_ids=[web.id], starts_at=ctx.now() + timedelta(days=2),
            ends_at=ctx.now() + timedelta(days=2, hours=1), message="Short downtime.",
        )  # fmt: skip
        maintenance.schedule(
            ctx, title="Now", service_ids=[api.id], starts_at=ctx.now() - timedelta(minutes=5),
            ends_at=ctx.now() + timedelta(hours=1),
        )  # fmt: skip
        return {"api": api.id, "web": web.id, "open": open_incident.id, "closed": closed.id}


def test_every_document_has_exactly_the_statuspage_keys(client, world):
    for name, keys in DOCUMENTS.items():
        response = client.get(f"/status/api/v2/{name}")
        assert response.status_code == 200, name
        body = response.json()
        assert set(body) == keys, name
        assert set(body["page"]) == PAGE_KEYS
    summary = client.get("/status/api/v2/summary.json").json()
    assert all(set(c) == COMPONENT_KEYS for c in summary["components"])
    assert all(set(i) == INCIDENT_KEYS for i in summary["incidents"])
    assert all(set(u) == UPDATE_KEYS for i in summary["incidents"] for u in i["incident_updates"])
    assert all(set(m) == MAINTENANCE_KEYS for m in summary["scheduled_maintenances"])
    assert set(summary["status"]) == {"indicator", "description"}


def test_the_documents_hold_the_right_items(client, world):
    summary = client.get("/status/api/v2/summary.json").json()
    assert [(c["name"], c["status"]) for c in summary["components"]] == [
        ("Public API", "under_maintenance"),
        ("Website", "operational"),
    ]
    assert [i["name"] for i in summary["incidents"]] == ["API errors"]
    assert [(m["name"], m["status"]) for m in summary["scheduled_maintenances"]] == [
        ("Now", "in_progress"),
        ("Upgrade", "scheduled"),
    ]
    incidents_json = client.get("/status/api/v2/incidents.json").json()["incidents"]
    assert sorted((i["name"], i["status"], i["impact"]) for i in incidents_json) == [
        ("API errors", "investigating", "major"),
        ("Website slow", "resolved", "minor"),
    ]
    unresolved = client.get("/status/api/v2/incidents/unresolved.json").json()["incidents"]
    assert [i["id"] for i in unresolved] == [str(world["open"])]
    update = unresolved[0]["incident_updates"][0]
    assert (update["status"], update["body"]) == ("investigating", "Looking.")
    assert update["affected_components"] == [
        {"code": str(world["api"]), "name": "Public API", "old_status": None, "new_status": "partial_outage"}
    ]
    upcoming = client.get("/status/api/v2/scheduled-maintenances/upcoming.json").json()["scheduled_maintenances"]
    assert [(m["name"], m["scheduled_for"], m["scheduled_until"]) for m in upcoming] == [
        ("Upgrade", "2026-03-03T12:00:00Z", "2026-03-03T13:00:00Z")
    ]
    active = client.get("/status/api/v2/scheduled-maintenances/active.json").json()["scheduled_maintenances"]
    assert [m["name"] for m in active] == ["Now"]
    assert client.get("/status/api/v2/status.json").json()["status"] == {
        "indicator": "major",
        "description": "Partial System Outage",
    }


def test_json_is_readable_from_other_sites(client, world):
    for name in DOCUMENTS:
        assert client.get(f"/status/api/v2/{name}").headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    ("impacts", "components", "maintenance_active", "expected"),
    [
        ([], ["operational"], False, "none"),
        ([], [], False, "none"),
        ([], ["degraded_performance", "operational"], False, "minor"),
        ([], ["partial_outage"], False, "major"),
        ([], ["major_outage", "degraded_performance"], False, "critical"),
        (["minor"], ["operational"], False, "minor"),
        (["none"], ["operational"], False, "none"),
        (["critical"], ["degraded_performance"], False, "critical"),
        (["minor"], ["partial_outage"], False, "major"),
        ([], ["under_maintenance", "operational"], False, "maintenance"),
        ([], ["operational"], True, "maintenance"),
        (["minor"], ["under_maintenance"], True, "minor"),
    ],
)
def test_the_indicator_is_the_worst_of_incidents_and_components(impacts, components, maintenance_active, expected):
    assert indicator_for(impacts, components, maintenance_active) == expected


@pytest.mark.parametrize(
    ("severity", "impact"), [("SEV1", "critical"), ("SEV2", "major"), ("SEV3", "minor"), ("SEV4", "none")]
)
def test_impact_follows_severity(client, make_ctx, alice, severity, impact):
    with make_ctx(actor=alice.user) as ctx:
        incident = declare(ctx, severity=severity)
        service.publish_update(ctx, incident, status="investigating", body="Looking.", name="Trouble")

    (listed,) = client.get("/status/api/v2/incidents.json").json()["incidents"]

    assert listed["impact"] == impact


def test_an_internally_resolved_incident_is_resolved_then_postmortem(client, make_ctx, alice):
    with make_ctx(actor=alice.user) as ctx:
        incident = declare(ctx)
        service.publish_update(ctx, incident, status="monitoring", body="Watching.", name="Trouble")
        incidents.change_status(ctx, incident, status="resolved")
        incident_id = incident.id
    (listed,) = client.get("/status/api/v2/incidents.json").json()["incidents"]
    assert listed["status"] == "resolved"
    assert client.get("/status/api/v2/incidents/unresolved.json").json()["incidents"] == []

    with make_ctx(actor=alice.user) as ctx:
        service.mark_postmortem_published(ctx, incident_id, "https://blog.example.com/postmortem")

    (listed,) = client.get("/status/api/v2/incidents.json").json()["incidents"]
    assert listed["status"] == "postmortem"
