"""Re-deliveries update one alert cheaply: count transitions to firing, touch last_seen, write no timeline."""

from __future__ import annotations

from sqlalchemy import func, select

from test_intake_support import integration, make_service
from warroom.incidents.models import TimelineEvent
from warroom.jobs.models import Job


def _counts(db):
    with db.transaction(readonly=True) as session:
        events = session.scalar(select(func.count()).select_from(TimelineEvent))
        jobs = session.scalar(select(func.count()).select_from(Job))
        return events, jobs


def test_a_redelivered_firing_alert_only_touches_last_seen(client, alice_api, make_ctx, clock, db):
    url = "/" + integration(alice_api, make_service(make_ctx), "generic")["url"].split("/", 3)[3]
    body = {"title": "Picker down", "severity": "critical", "dedup_key": "p1", "labels": {"zone": "a"}}
    first = client.post(url, json=body)
    assert first.status_code == 202
    before = _counts(db)

    clock.advance(minutes=2)
    for _ in range(3):
        assert client.post(url, json=body).status_code == 202

    alerts = alice_api.get("/api/v1/alerts").json()["items"]
    assert len(alerts) == 1
    assert alerts[0]["id"] == first.json()["alert_id"]
    assert alerts[0]["firing_count"] == 1
    assert alerts[0]["first_seen"] == "2026-03-01T12:00:00+00:00"
    assert alerts[0]["last_seen"] == "2026-03-01T12:02:00+00:00"
    assert _counts(db) == before
    assert alice_api.get("/api/v1/incidents").json()["total"] == 1


def test_firing_count_counts_transitions_to_firing(client, alice_api, make_ctx, clock):
    url = "/" + integration(alice_api, make_service(make_ctx), "generic")["url"].split("/", 3)[3]
    body = {"title": "Queue slow", "severity": "warning", "dedup_key": "q"}
    for state in ("firing", "firing", "resolved", "resolved", "firing", "resolved", "firing"):
        clock.advance(minutes=1)
        assert client.post(url, json={**body, "state": state}).status_code == 202

    alert = alice_api.get("/api/v1/alerts").json()["items"][0]

    assert (alert["firing_count"], alert["status"], alert["flapping"]) == (3, "firing", False)
    assert alice_api.get("/api/v1/incidents").json()["total"] == 0  # warning never opens one


def test_generic_errors_name_the_field(client, alice_api, make_ctx):
    url = "/" + integration(alice_api, make_service(make_ctx), "generic")["url"].split("/", 3)[3]

    response = client.post(url, json={"title": "x", "state": "open", "severity": "sev1"})

    assert response.status_code == 400
    assert response.json()["detail"] == {
        "errors": ["state must be 'firing' or 'resolved'", "severity must be one of critical, error, warning, info"]
    }


def test_malformed_json_is_a_400(client, alice_api, make_ctx):
    url = "/" + integration(alice_api, make_service(make_ctx), "generic")["url"].split("/", 3)[3]

    response = client.post(url, content=b"{oops", headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json()["detail"] == {"errors": ["the body is not valid JSON"]}
