"""Alertmanager webhook v4: parse, group on groupKey, open an incident, resolve, errors in its own shape."""

from __future__ import annotations

from test_intake_support import am_alert, am_webhook, integration, make_service, path_of


def test_a_critical_alertmanager_group_opens_one_incident_carrying_the_service(client, alice_api, make_ctx):
    service_id = make_service(make_ctx, "WMS", tier=1)
    hook = integration(alice_api, service_id, "alertmanager")
    assert hook["url"] == f"http://localhost:8000/integrations/alertmanager/{hook['key']}"
    body = am_webhook([am_alert("PickerDown", "aaa1"), am_alert("PickerDown", "aaa2")])

    response = client.post(path_of(hook["url"]), json=body)

    assert response.status_code == 200, response.text
    assert response.json() == {"status": "success", "alerts": 2}
    incidents = alice_api.get("/api/v1/incidents").json()["items"]
    assert len(incidents) == 1
    assert incidents[0]["severity"] == "SEV1"
    alerts = alice_api.get(f"/api/v1/incidents/{incidents[0]['id']}/alerts").json()["items"]
    assert sorted(a["fingerprint"] for a in alerts) == ["aaa1", "aaa2"]
    assert {a["status"] for a in alerts} == {"firing"}
    assert {a["service_id"] for a in alerts} == {service_id}
    assert alerts[0]["title"] == "PickerDown is failing"
    assert alerts[0]["labels"] == {"alertname": "PickerDown", "severity": "critical", "env": "prod"}


def test_a_resolved_group_records_an_event_and_moves_the_incident_to_monitoring(client, alice_api, make_ctx, clock):
    service_id = make_service(make_ctx)
    url = path_of(integration(alice_api, service_id, "alertmanager")["url"])
    client.post(url, json=am_webhook([am_alert("PickerDown", "f1"), am_alert("PickerDown", "f2")]))
    clock.advance(minutes=3)
    client.post(url, json=am_webhook([am_alert("PickerDown", "f1", status="resolved"), am_alert("PickerDown", "f2")]))
    incident = alice_api.get("/api/v1/incidents").json()["items"][0]
    assert incident["status"] == "investigating"

    clock.advance(minutes=1)
    resolved = [am_alert("PickerDown", "f1", status="resolved"), am_alert("PickerDown", "f2", status="resolved")]
    response = client.post(url, json=am_webhook(resolved))

    assert response.status_code == 200
    incident = alice_api.get(f"/api/v1/incidents/{incident['id']}").json()
    assert incident["status"] == "monitoring"
    events = alice_api.get(f"/api/v1/incidents/{incident['id']}/timeline").json()["items"]
    kinds = [e["kind"] for e in events]
    assert kinds.count("intake.alerts_firing") == 1
    assert kinds.count("intake.group_resolved") == 1
    resolved_event = next(e for e in events if e["kind"] == "intake.group_resolved")
    assert resolved_event["data"]["summary"] == (
        "All 2 alert(s) of group “PickerDown is failing” resolved. Moving the incident to monitoring."
    )


def test_unknown_fields_are_ignored_and_bad_fields_are_named(client, alice_api, make_ctx):
    service_id = make_service(make_ctx)
    url = path_of(integration(alice_api, service_id, "alertmanager")["url"])
    body = am_webhook([am_alert("DiskFull", "d1", severity="warning")])
    body["somethingNew"] = {"x": 1}
    body["alerts"][0]["extra"] = True
    assert client.post(url, json=body).status_code == 200

    response = client.post(url, json={"alerts": [{"labels": "nope"}]})

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid alertmanager payload: alerts[0].labels must be an object of strings",
        "detail": {"errors": ["alerts[0].labels must be an object of strings"]},
    }
    assert alice_api.get("/api/v1/incidents").json()["total"] == 0


def test_unknown_and_revoked_keys_get_the_same_404(client, alice_api, make_ctx):
    service_id = make_service(make_ctx)
    hook = integration(alice_api, service_id, "alertmanager")
    assert alice_api.post(f"/api/v1/integrations/{hook['id']}/revoke").status_code == 200
    body = am_webhook([am_alert("PickerDown", "x")])

    revoked = client.post(path_of(hook["url"]), json=body)
    unknown = client.post("/integrations/alertmanager/" + "z" * 32, json=body)

    assert revoked.status_code == unknown.status_code == 404
    assert revoked.json() == unknown.json()


def test_a_body_over_512_kb_gets_413(client, alice_api, make_ctx):
    service_id = make_service(make_ctx)
    url = path_of(integration(alice_api, service_id, "alertmanager")["url"])

    response = client.post(url, content=b"[" + b" " * (512 * 1024) + b"]", headers={"Content-Type": "application/json"})

    assert response.status_code == 413
    assert response.json()["error"] == "the body is over 512 KB; send fewer alerts per request"
