"""Noise control: silenced and in-maintenance alerts are stored but open nothing until released; flapping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from test_intake_support import integration, make_service, path_of
from warroom.intake import noise
from warroom.intake import service as intake
from warroom.jobs import service as jobs
from warroom.jobs.worker import Worker
from warroom.maintenance import service as maintenance


@dataclass
class FakeSilence:
    id: int


def _critical(client, url, dedup="k", state="firing"):
    body = {"title": "Picker down", "severity": "critical", "dedup_key": dedup, "state": state}
    assert client.post(url, json=body).status_code == 202


def test_a_silenced_alert_is_stored_and_opens_nothing_until_the_silence_ends(
    client, alice_api, make_ctx, monkeypatch, db, clock, settings
):
    url = path_of(integration(alice_api, make_service(make_ctx), "generic")["url"])
    seen = []

    def matching(session, labels, at, service_id):
        seen.append((dict(labels), at, service_id))
        return FakeSilence(7)

    monkeypatch.setattr(noise, "matching_silence", lambda ctx, alert, at, *rest: matching(None, alert.labels, at, 1))
    _critical(client, url)

    alert = alice_api.get("/api/v1/alerts").json()["items"][0]
    assert (alert["silenced_by_id"], alert["suppressed_reason"], alert["incident_id"]) == (7, "silenced", None)
    assert alice_api.get("/api/v1/incidents").json()["total"] == 0

    monkeypatch.setattr(noise, "matching_silence", lambda ctx, alert, at, *rest: None)
    with make_ctx() as ctx:
        jobs.publish(ctx, "silence.ended", {"silence_id": 7})
    Worker(db, clock, settings).run_due()

    alert = alice_api.get("/api/v1/alerts").json()["items"][0]
    assert (alert["silenced_by_id"], alert["suppressed_reason"]) == (None, None)
    incidents = alice_api.get("/api/v1/incidents").json()["items"]
    assert len(incidents) == 1 and alert["incident_id"] == incidents[0]["id"]


def test_without_a_matching_silence_nothing_is_silenced(make_ctx):
    with make_ctx() as ctx:
        alert = intake.Alert(labels={"alertname": "x"}, severity="info", service_id=1)
        assert noise.matching_silence(ctx, alert, ctx.now()) is None


def test_alerts_during_maintenance_open_nothing_until_it_ends(client, alice_api, make_ctx, clock, db, settings):
    service_id = make_service(make_ctx)
    url = path_of(integration(alice_api, service_id, "generic")["url"])
    with make_ctx() as ctx:
        window = maintenance.schedule(
            ctx,
            title="Upgrade",
            service_ids=[service_id],
            starts_at=clock.now(),
            ends_at=clock.now() + timedelta(hours=1),
        )
        window_id = window.id
    _critical(client, url)
    alert = alice_api.get("/api/v1/alerts").json()["items"][0]
    assert alert["suppressed_reason"] == "maintenance"
    assert alice_api.get("/api/v1/incidents").json()["total"] == 0

    with make_ctx() as ctx:
        maintenance.end_now(ctx, maintenance.get_window(ctx, window_id))
    Worker(db, clock, settings).run_due()

    assert alice_api.get("/api/v1/alerts").json()["items"][0]["suppressed_reason"] is None
    assert alice_api.get("/api/v1/incidents").json()["total"] == 1


def test_an_alert_changing_state_more_than_six_times_in_30_minutes_is_flapping(client, alice_api, make_ctx, clock):
    url = path_of(integration(alice_api, make_service(make_ctx), "generic")["url"])
    body = {"title": "Picker down", "severity": "warning", "dedup_key": "k"}
    for state in ("firing", "resolved", "firing", "resolved", "firing", "resolved"):
        clock.advance(minutes=2)
        assert client.post(url, json={**body, "state": state}).status_code == 202
    alert = alice_api.get("/api/v1/alerts").json()["items"][0]
    assert (alert["flapping"], alert["status"]) == (False, "resolved")

    clock.advance(minutes=2)
    assert client.post(url, json={**body, "severity": "critical", "state": "firing"}).status_code == 202

    alert = alice_api.get("/api/v1/alerts").json()["items"][0]
    assert (alert["flapping"], alert["suppressed_reason"], alert["incident_id"]) == (True, "flapping", None)
    assert alice_api.get("/api/v1/incidents").json()["total"] == 0
