"""Intake pages: alerts list with URL filters, alert detail, integrations page with a once-shown key, panel."""

from __future__ import annotations

import re

from conftest import ui_login
from test_intake_support import integration, make_service, path_of


def _alert(client, url, title, severity="critical", dedup=None, labels=None):
    body = {"title": title, "severity": severity, "dedup_key": dedup or title, "labels": labels or {}}
    assert client.post(url, json=body).status_code == 202


def test_the_alerts_page_filters_by_service_status_and_label(client, alice, alice_api, make_ctx):
    wms = make_service(make_ctx, "WMS")
    labels = make_service(make_ctx, "Labels", tier=3)
    _alert(client, path_of(integration(alice_api, wms, "generic")["url"]), "Picker down", labels={"env": "prod"})
    _alert(client, path_of(integration(alice_api, labels, "generic")["url"]), "Printer jam", "warning")
    ui_login(client, alice)

    everything = client.get("/alerts")
    by_label = client.get("/alerts", params={"label": "env=prod"})
    by_service = client.get("/alerts", params={"service_id": str(labels), "status": "firing"})
    fragment = client.get("/alerts/fragment", params={"service_id": str(wms)})

    assert everything.status_code == 200
    assert "Picker down" in everything.text and "Printer jam" in everything.text
    assert "Picker down" in by_label.text and "Printer jam" not in by_label.text
    assert "Printer jam" in by_service.text and "Picker down" not in by_service.text
    assert "Picker down" in fragment.text and "<html" not in fragment.text
    assert client.get("/alerts", params={"label": "nonsense"}).status_code == 200


def test_the_alert_page_shows_labels_and_its_incident(client, alice, alice_api, make_ctx):
    url = path_of(integration(alice_api, make_service(make_ctx, "WMS"), "generic")["url"])
    _alert(client, url, "Picker down", labels={"zone": "a"})
    alert = alice_api.get("/api/v1/alerts").json()["items"][0]
    ui_login(client, alice)

    page = client.get(f"/alerts/{alert['id']}")

    assert page.status_code == 200
    assert "zone=a" in page.text
    assert f'href="/incidents/{alert["incident_id"]}"' in page.text
    assert client.get("/alerts/999999").status_code == 404


def test_creating_an_integration_in_the_ui_shows_the_key_once_with_snippets(client, alice, make_ctx):
    service_id = make_service(make_ctx, "WMS")
    csrf = ui_login(client, alice)

    created = client.post(f"/services/{service_id}/integrations", data={"type": "prometheus", "csrf_token": csrf})

    assert created.status_code == 201
    key = re.search(r'id="new-key" class="mono wide" readonly value="([a-z0-9]{32})"', created.text)
    assert key is not None
    assert f"path_prefix: /integrations/prometheus/{key.group(1)}" in created.text
    again = client.get(f"/services/{service_id}/integrations")
    assert again.status_code == 200 and key.group(1) not in again.text and key.group(1)[-4:] in again.text


def test_the_incident_page_lists_its_alerts_and_changes_before_detection(client, alice, alice_api, make_ctx, clock):
    service_id = make_service(make_ctx, "WMS")
    key = integration(alice_api, service_id, "pagerduty")["key"]
    change = {"routing_key": key, "payload": {"summary": "Deploy wms 4.2", "timestamp": "2026-03-01T11:00:00Z"}}
    assert client.post("/v2/change/enqueue", json=change).status_code == 202
    _alert(client, path_of(integration(alice_api, service_id, "generic")["url"]), "Picker down")
    incident = alice_api.get("/api/v1/incidents").json()["items"][0]
    ui_login(client, alice)

    page = client.get(f"/incidents/{incident['id']}")

    assert page.status_code == 200
    assert 'id="intake-alerts"' in page.text
    assert "Picker down" in page.text and "Deploy wms 4.2" in page.text
