"""Routing: defaults by severity and tier, first matching rule wins, rule label keys group alerts."""

from __future__ import annotations

import pytest

from test_intake_support import integration, make_service, path_of


def _send(client, url, title, severity, dedup, labels=None):
    body = {"title": title, "severity": severity, "dedup_key": dedup, "labels": labels or {}}
    response = client.post(url, json=body)
    assert response.status_code == 202, response.text


@pytest.mark.parametrize(
    ("tier", "severity", "expected"),
    [
        (1, "critical", "SEV1"),
        (2, "critical", "SEV2"),
        (3, "critical", "SEV3"),
        (4, "critical", "SEV3"),
        (1, "error", "SEV3"),
        (1, "warning", None),
        (1, "info", None),
    ],
)
def test_default_routing_by_severity_and_tier(client, alice_api, make_ctx, tier, severity, expected):
    service_id = make_service(make_ctx, f"Tier {tier}", tier=tier)
    _send(client, path_of(integration(alice_api, service_id, "generic")["url"]), "Broken", severity, "k")

    incidents = alice_api.get("/api/v1/incidents").json()["items"]

    assert [i["severity"] for i in incidents] == ([expected] if expected else [])
    if expected:
        assert [s["id"] for s in incidents[0]["services"]] == [service_id]


def test_later_alerts_of_the_group_join_the_same_incident(client, alice_api, make_ctx):
    service_id = make_service(make_ctx)
    rule = {"name": "by zone", "group_by": ["zone"], "incident_severity": "SEV2"}
    assert alice_api.post(f"/api/v1/services/{service_id}/routing-rules", json=rule).status_code == 201
    url = path_of(integration(alice_api, service_id, "generic")["url"])

    _send(client, url, "Picker 1 down", "warning", "p1", {"zone": "a"})
    _send(client, url, "Picker 2 down", "critical", "p2", {"zone": "a"})
    _send(client, url, "Picker 9 down", "critical", "p9", {"zone": "b"})

    incidents = alice_api.get("/api/v1/incidents").json()["items"]
    assert sorted(i["severity"] for i in incidents) == ["SEV2", "SEV2"]
    by_title = {a["title"]: a for a in alice_api.get("/api/v1/alerts").json()["items"]}
    assert by_title["Picker 1 down"]["group_id"] == by_title["Picker 2 down"]["group_id"]
    assert by_title["Picker 1 down"]["incident_id"] == by_title["Picker 2 down"]["incident_id"]
    assert by_title["Picker 9 down"]["incident_id"] != by_title["Picker 1 down"]["incident_id"]


def test_a_rule_that_does_not_open_incidents_wins_over_the_defaults(client, alice_api, make_ctx):
    service_id = make_service(make_ctx)
    rule = {"matchers": [{"label": "env", "op": "=", "value": "staging"}], "open_incident": False}
    alice_api.post(f"/api/v1/services/{service_id}/routing-rules", json=rule)
    url = path_of(integration(alice_api, service_id, "generic")["url"])

    _send(client, url, "Staging down", "critical", "s", {"env": "staging"})
    assert alice_api.get("/api/v1/incidents").json()["total"] == 0
    _send(client, url, "Prod down", "critical", "p", {"env": "prod"})
    assert alice_api.get("/api/v1/incidents").json()["total"] == 1


def test_a_storm_in_one_group_writes_one_timeline_event(client, alice_api, make_ctx, clock):
    service_id = make_service(make_ctx)
    alice_api.post(f"/api/v1/services/{service_id}/routing-rules", json={"group_by": ["zone"]})
    url = path_of(integration(alice_api, service_id, "generic")["url"])
    for n in range(12):
        _send(client, url, f"Scanner {n} offline", "critical", f"s{n}", {"zone": "a"})
        clock.advance(seconds=10)

    incident = alice_api.get("/api/v1/incidents").json()["items"][0]
    events = alice_api.get(f"/api/v1/incidents/{incident['id']}/timeline").json()["items"]

    assert [e["kind"] for e in events].count("intake.alerts_firing") == 1
    assert len(alice_api.get(f"/api/v1/incidents/{incident['id']}/alerts").json()["items"]) == 12
