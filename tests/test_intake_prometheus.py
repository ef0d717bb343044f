"""The Alertmanager v2 push API (what Prometheus sends with path_prefix): fingerprint = label set, endsAt expiry."""

from __future__ import annotations

from datetime import UTC, datetime

from test_intake_support import integration, make_service
from warroom.jobs.worker import Worker


def _alert(name: str = "HighLatency", **extra: str) -> dict[str, object]:
    return {"labels": {"alertname": name, "severity": "warning", "instance": "wms-1"}, **extra}


def test_prometheus_integration_returns_a_path_prefix_and_accepts_the_push_api(client, alice_api, make_ctx, clock):
    service_id = make_service(make_ctx)
    hook = integration(alice_api, service_id, "prometheus")
    assert hook["path_prefix"] == f"/integrations/prometheus/{hook['key']}"
    assert hook["url"] == f"http://localhost:8000/integrations/prometheus/{hook['key']}/api/v2/alerts"

    response = client.post(hook["path_prefix"] + "/api/v2/alerts", json=[_alert(), _alert("Other", foo="bar")])

    assert response.status_code == 200
    assert response.content == b""
    alerts = alice_api.get("/api/v1/alerts", params={"service_id": service_id}).json()["items"]
    assert sorted(a["title"] for a in alerts) == ["HighLatency", "Other"]
    # A missing endsAt means 5 minutes after this receipt (Alertmanager's resolve_timeout).
    assert {a["ends_at"] for a in alerts} == {"2026-03-01T12:05:00+00:00"}
    assert {a["source"] for a in alerts} == {"wms-1"}


def test_the_same_label_set_is_one_alert(client, alice_api, make_ctx, clock):
    service_id = make_service(make_ctx)
    prefix = integration(alice_api, service_id, "prometheus")["path_prefix"]
    client.post(prefix + "/api/v2/alerts", json=[_alert()])
    clock.advance(minutes=1)
    client.post(prefix + "/api/v2/alerts", json=[_alert()])

    alerts = alice_api.get("/api/v1/alerts").json()["items"]

    assert len(alerts) == 1
    assert alerts[0]["firing_count"] == 1
    assert alerts[0]["last_seen"] == "2026-03-01T12:01:00+00:00"
    assert alerts[0]["ends_at"] == "2026-03-01T12:06:00+00:00"


def test_a_job_resolves_an_alert_whose_ends_at_passed_without_a_resend(
    client, alice_api, make_ctx, clock, db, settings
):
    service_id = make_service(make_ctx)
    prefix = integration(alice_api, service_id, "prometheus")["path_prefix"]
    client.post(prefix + "/api/v2/alerts", json=[_alert()])
    worker = Worker(db, clock, settings)
    clock.advance(minutes=3)
    client.post(prefix + "/api/v2/alerts", json=[_alert()])  # re-sent: now expires at 12:08

    clock.set(datetime(2026, 3, 1, 12, 5, 0, tzinfo=UTC))
    worker.run_due()
    assert alice_api.get("/api/v1/alerts").json()["items"][0]["status"] == "firing"

    clock.set(datetime(2026, 3, 1, 12, 7, 59, tzinfo=UTC))
    worker.run_due()
    assert alice_api.get("/api/v1/alerts").json()["items"][0]["status"] == "firing"

    clock.set(datetime(2026, 3, 1, 12, 8, 0, tzinfo=UTC))
    worker.run_due()
    alert = alice_api.get("/api/v1/alerts").json()["items"][0]
    assert alert["status"] == "resolved"
    assert alert["ends_at"] == "2026-03-01T12:08:00+00:00"


def test_an_alert_whose_ends_at_is_in_the_past_arrives_resolved(client, alice_api, make_ctx):
    service_id = make_service(make_ctx)
    prefix = integration(alice_api, service_id, "prometheus")["path_prefix"]

    client.post(prefix + "/api/v2/alerts", json=[_alert(endsAt="2026-03-01T11:00:00Z")])

    alert = alice_api.get("/api/v1/alerts").json()["items"][0]
    assert alert["status"] == "resolved"
    assert alert["ends_at"] == "2026-03-01T11:00:00+00:00"


def test_errors_use_alertmanagers_shape(client, alice_api, make_ctx):
    service_id = make_service(make_ctx)
    prefix = integration(alice_api, service_id, "prometheus")["path_prefix"]

    response = client.post(prefix + "/api/v2/alerts", json=[{"labels": {"job": "x"}}])

    assert response.status_code == 400
    assert response.json() == {
        "code": 400,
        "message": "invalid prometheus payload: alerts[0].labels.alertname is required",
    }
