"""Response metrics from fixed timestamps: exact values, nearest-rank median and p90, exercises apart."""

from __future__ import annotations

from datetime import timedelta

import pytest

from test_incidents_support import add_service
from test_review_support import T0
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.review.metrics import nearest_rank, parse_since

ACK_MINUTES = [1, 2, 5, 10, 20]


@pytest.mark.parametrize(
    ("values", "percent", "expected"),
    [
        ([], 50, None),
        ([7], 90, 7),
        ([60, 120, 300, 600, 1200], 50, 300),
        ([60, 120, 300, 600, 1200], 90, 1200),
        ([4, 1, 3, 2], 50, 2),
        (list(range(1, 11)), 90, 9),
        (list(range(1, 21)), 90, 18),
    ],
)
def test_nearest_rank_percentiles(values, percent, expected):
    assert nearest_rank(values, percent) == expected


def _incident(make_ctx, clock, alice, *, start, ack_after, resolve_after, services, severity="SEV2", exercise=False):
    clock.set(start)
    with make_ctx(actor=alice.user) as ctx:
        incident = incidents.declare_incident(
            ctx,
            title="Outage",
            severity=severity,
            services=services,
            exercise=exercise,
            detected_at=start - timedelta(minutes=2),
            impact_started_at=start - timedelta(minutes=5),
        )
        incident_id = incident.id
    clock.set(start + timedelta(minutes=ack_after))
    with make_ctx(actor=alice.user) as ctx:
        incidents.acknowledge(ctx, ctx.session.get(Incident, incident_id))
    clock.set(start + timedelta(minutes=resolve_after))
    with make_ctx(actor=alice.user) as ctx:
        incidents.change_status(ctx, ctx.session.get(Incident, incident_id), status="resolved")
    return incident_id


@pytest.fixture
def history(make_ctx, clock, alice):
    wms = add_service(make_ctx, "WMS")
    labels = add_service(make_ctx, "Labels")
    for index, ack in enumerate(ACK_MINUTES):
        start = T0 + timedelta(days=index * 10)  # Mar 1, 11, 21, 31, Apr 10
        _incident(
            make_ctx,
            clock,
            alice,
            start=start,
            ack_after=ack,
            resolve_after=60 * (index + 1),
            services=[wms] if index % 2 == 0 else [labels],
            severity="SEV1" if index == 0 else "SEV2",
        )
    _incident(
        make_ctx,
        clock,
        alice,
        start=T0 + timedelta(days=3),
        ack_after=30,
        resolve_after=90,
        services=[wms],
        exercise=True,
    )
    clock.set(T0 + timedelta(days=60))


def test_metrics_aggregate_median_and_p90_from_fixed_timestamps(history, alice_api):
    response = alice_api.get("/api/v1/metrics", params={"since": "2026-02-01"})
    assert response.status_code == 200, response.text
    body = response.json()
    overall = body["overall"]
    assert overall["incidents"] == 5
    # detected 2 min before declare: acknowledge = ack_after + 2 minutes.
    assert overall["time_to_acknowledge"] == {"count": 5, "median": 420, "p90": 1320}
    assert overall["time_to_detect"] == {"count": 5, "median": 180, "p90": 180}
    # resolve = 60·k + 2 minutes for k = 1..5
    assert overall["time_to_resolve"] == {"count": 5, "median": 10920, "p90": 18120}
    assert overall["time_to_mitigate"] == overall["time_to_resolve"]
    assert overall["time_to_first_public_update"] == {"count": 0, "median": None, "p90": None}
    assert body["by_severity"]["SEV1"]["time_to_acknowledge"] == {"count": 1, "median": 180, "p90": 180}
    assert body["by_severity"]["SEV2"]["time_to_acknowledge"] == {"count": 4, "median": 420, "p90": 1320}
    assert body["by_service"]["WMS"]["time_to_acknowledge"] == {"count": 3, "median": 420, "p90": 1320}
    assert body["by_service"]["Labels"]["time_to_acknowledge"] == {"count": 2, "median": 240, "p90": 720}
    assert sorted(body["by_month"]) == ["2026-03", "2026-04"]
    assert body["by_month"]["2026-03"]["incidents"] == 4
    assert body["incidents_per_service_month"] == {"Labels": {"2026-03": 2}, "WMS": {"2026-03": 2, "2026-04": 1}}
    assert [i["time_to_acknowledge"] for i in body["incidents"]] == [180, 240, 420, 720, 1320]


def test_exercises_are_reported_separately(history, alice_api):
    body = alice_api.get("/api/v1/metrics", params={"since": "2026-02-01"}).json()
    assert body["exercises"]["overall"]["incidents"] == 1
    assert body["exercises"]["overall"]["time_to_acknowledge"] == {"count": 1, "median": 1920, "p90": 1920}
    assert all(not i["exercise"] for i in body["incidents"])


def test_since_limits_the_period(history, alice_api):
    body = alice_api.get("/api/v1/metrics", params={"since": "2026-03-30T00:00:00Z"}).json()
    assert body["overall"]["incidents"] == 2


def test_a_bad_since_is_a_clear_422(alice_api):
    response = alice_api.get("/api/v1/metrics", params={"since": "last tuesday"})
    assert response.status_code == 422
    assert "ISO date" in response.json()["error"]


def test_since_accepts_days_dates_and_datetimes():
    assert parse_since("90d", T0) == T0 - timedelta(days=90)
    assert parse_since("2026-01-31", T0).isoformat() == "2026-01-31T00:00:00+00:00"
    assert parse_since("2026-01-31T10:00:00+02:00", T0).isoformat() == "2026-01-31T08:00:00+00:00"
    assert parse_since(None, T0) == T0 - timedelta(days=90)


def test_action_item_completion_rate(history, alice_api, clock):
    items = []
    for title in ("Add alert", "Fix pool", "Write runbook", "Rotate keys"):
        response = alice_api.post("/api/v1/incidents/1/action-items", json={"title": title, "type": "prevent"})
        assert response.status_code == 201, response.text
        items.append(response.json()["id"])
    alice_api.patch(f"/api/v1/action-items/{items[0]}", json={"status": "done"})
    body = alice_api.get("/api/v1/metrics", params={"since": "2026-02-01"}).json()
    assert body["action_items"] == {"total": 4, "done": 1, "overdue": 0, "completion_rate": 0.25}
