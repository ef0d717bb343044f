"""Intake API: integrations lifecycle and roles, alert filters, stats, attach and move; `warroom alert list`."""

from __future__ import annotations

import json

from test_intake_support import integration, make_service, path_of
from warroom.cli import CliApp, main
from warroom.incidents import service as incidents
from warroom.intake import service as intake


def _send(client, url, title, severity="critical", labels=None):
    body = {"title": title, "severity": severity, "dedup_key": title, "labels": labels or {}}
    assert client.post(url, json=body).status_code == 202


def test_integrations_are_listed_rotated_and_revoked_by_admins_only(client, alice_api, bob_api, charlie_api, make_ctx):
    service_id = make_service(make_ctx)
    assert bob_api.post(f"/api/v1/services/{service_id}/integrations", json={"type": "generic"}).status_code == 403
    assert alice_api.post(f"/api/v1/services/{service_id}/integrations", json={"type": "nagios"}).status_code == 422
    assert alice_api.post("/api/v1/services/999/integrations", json={"type": "generic"}).status_code == 404
    hook = integration(alice_api, service_id, "generic")

    rotated = alice_api.post(f"/api/v1/integrations/{hook['id']}/rotate")

    assert rotated.status_code == 200
    new = rotated.json()
    assert new["key"] != hook["key"] and new["url"].endswith(new["key"])
    assert client.post(path_of(hook["url"]), json={"title": "x"}).status_code == 404
    assert client.post(path_of(new["url"]), json={"title": "x"}).status_code == 202
    listed = charlie_api.get(f"/api/v1/services/{service_id}/integrations").json()
    assert listed["total"] == 1
    assert listed["items"][0]["key_hint"] == new["key"][-4:]
    assert "key" not in listed["items"][0]
    assert listed["items"][0]["last_used_at"] == "2026-03-01T12:00:00+00:00"
    assert alice_api.post(f"/api/v1/integrations/{hook['id']}/revoke").json()["revoked_at"] is not None
    assert client.post(path_of(new["url"]), json={"title": "x"}).status_code == 404
    assert alice_api.post(f"/api/v1/integrations/{hook['id']}/rotate").status_code == 422


def test_alerts_filter_by_service_status_and_label(client, alice_api, charlie_api, make_ctx):
    a = make_service(make_ctx, "A")
    b = make_service(make_ctx, "B")
    _send(client, path_of(integration(alice_api, a, "generic")["url"]), "one", "info", {"env": "prod"})
    _send(client, path_of(integration(alice_api, b, "generic")["url"]), "two", "info", {"env": "dev"})

    def titles(**params):
        response = charlie_api.get("/api/v1/alerts", params=params)
        assert response.status_code == 200, response.text
        return sorted(item["title"] for item in response.json()["items"])

    assert titles() == ["one", "two"]
    assert titles(service_id=a) == ["one"]
    assert titles(label="env=dev") == ["two"]
    assert titles(status="resolved") == []
    assert charlie_api.get("/api/v1/alerts", params={"label": "env"}).status_code == 422
    assert charlie_api.get("/api/v1/alerts/999").status_code == 404


def test_the_noise_ratio_is_alerts_received_over_incidents_opened(client, alice_api, make_ctx):
    service_id = make_service(make_ctx)
    url = path_of(integration(alice_api, service_id, "generic")["url"])
    _send(client, url, "critical one")
    for n in range(5):
        _send(client, url, f"warning {n}", "warning")

    stats = alice_api.get(f"/api/v1/services/{service_id}/intake-stats").json()

    assert stats == {
        "service_id": service_id,
        "alerts": 6,
        "alerts_received": 6,
        "firing": 6,
        "suppressed": 0,
        "incidents_opened": 1,
        "noise_ratio": 6.0,
    }


def test_attach_and_move_alerts_between_incidents(client, alice_api, bob_api, charlie_api, make_ctx, alice):
    service_id = make_service(make_ctx)
    _send(client, path_of(integration(alice_api, service_id, "generic")["url"]), "warn", "warning")
    alert_id = alice_api.get("/api/v1/alerts").json()["items"][0]["id"]
    with make_ctx(actor=alice.user) as ctx:
        first = incidents.declare_incident(ctx, title="First", severity="SEV2").id
        second = incidents.declare_incident(ctx, title="Second", severity="SEV2").id

    assert charlie_api.post(f"/api/v1/alerts/{alert_id}/attach", json={"incident_id": first}).status_code == 403
    attached = bob_api.post(f"/api/v1/alerts/{alert_id}/attach", json={"incident_id": first})
    assert attached.status_code == 200 and attached.json()["incident_id"] == first
    assert bob_api.post(f"/api/v1/alerts/{alert_id}/attach", json={"incident_id": first}).status_code == 409
    events = alice_api.get(f"/api/v1/incidents/{first}/timeline").json()["items"]
    assert events[-1]["kind"] == "intake.alert_attached"
    assert events[-1]["data"]["summary"] == "Bob attached alert “warn” (firing)."

    with make_ctx(actor=alice.user) as ctx:
        assert intake.move_alerts(ctx, from_incident_id=first, to_incident_id=second) == 1
    with make_ctx() as ctx:
        assert [a.id for a in intake.alerts_for_incident(ctx.session, second)] == [alert_id]
        assert intake.alerts_for_incident(ctx.session, first) == []


def test_the_alert_list_command(client, alice_api, make_ctx, settings, clock, db, capsys):
    service_id = make_service(make_ctx, "WMS")
    _send(client, path_of(integration(alice_api, service_id, "generic")["url"]), "Picker down")

    def run(*args: str) -> tuple[int, str]:
        code = main(list(args), app=CliApp(settings=settings, clock=clock, _db=db))
        return code, capsys.readouterr().out

    code, out = run("alert", "list", "--service", "WMS", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["total"] == 1 and data["items"][0]["title"] == "Picker down"
    code, out = run("alert", "list", "--status", "firing")
    assert code == 0 and "FIRING" in out and "Picker down" in out and "incident #" in out
    assert run("alert", "list", "--status", "resolved")[1].startswith("no alerts match")
