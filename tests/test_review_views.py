"""The review pages: post-mortem editor, metrics dashboard, action items, search, panel, public version."""

from __future__ import annotations

import re

from conftest import ui_login
from test_review_support import FILLED, publish, resolved_incident, write_sections


def _post(client, csrf, url, **data):
    return client.post(url, data={"csrf_token": csrf, **data}, follow_redirects=False)


def test_the_postmortem_page_shows_the_draft_with_timeline_and_instants(client, alice, alice_api):
    incident = resolved_incident(alice_api, title="Labels fail")
    ui_login(client, alice)
    page = client.get(f"/incidents/{incident['id']}/postmortem")
    assert page.status_code == 200
    assert "Post-mortem: Labels fail" in page.text
    assert "declared a SEV3 incident: Labels fail" in page.text
    assert "This draft was generated from the timeline" in page.text
    assert "Still empty: Summary, Response, Trigger and root cause, Mitigation and resolution." in page.text


def test_saving_sections_shows_lint_findings_next_to_the_section(client, alice, alice_api):
    incident = resolved_incident(alice_api)
    csrf = ui_login(client, alice)
    data = {f"section-{k}": v for k, v in FILLED.items()}
    data["section-went_wrong"] = "It was human error."
    data["public-summary"] = "on"
    response = _post(client, csrf, f"/incidents/{incident['id']}/postmortem/sections", **data, tags="carrier, dpd")
    assert response.status_code == 303
    page = client.get(f"/incidents/{incident['id']}/postmortem")
    assert "“human error”" in page.text
    body = alice_api.get(f"/api/v1/incidents/{incident['id']}/postmortem").json()
    assert (body["sections"]["went_wrong"], body["public_sections"], body["tags"]) == (
        "It was human error.",
        ["summary"],
        ["carrier", "dpd"],
    )


def test_publishing_an_incomplete_postmortem_names_the_sections_on_the_page(client, alice, alice_api):
    incident = resolved_incident(alice_api)
    csrf = ui_login(client, alice)
    response = _post(client, csrf, f"/incidents/{incident['id']}/postmortem/status", status="published")
    assert response.status_code == 422
    assert re.search(
        r'id="status-error" role="alert">cannot publish: these required sections are empty: Summary', response.text
    )


def test_an_action_item_due_in_the_past_is_refused_next_to_the_field(client, alice, alice_api):
    incident = resolved_incident(alice_api)
    csrf = ui_login(client, alice)
    url = f"/incidents/{incident['id']}/postmortem/action-items"
    response = _post(client, csrf, url, title="Add alert", type="detect", priority="high", due_at="2026-02-01T10:00")
    assert response.status_code == 422
    assert 'id="item-due_at-error" role="alert">due_at 2026-02-01T09:00:00+00:00 is not in the future' in response.text
    ok = _post(client, csrf, url, title="Add alert", type="detect", priority="high", due_at="2026-04-01T10:00")
    assert ok.status_code == 303
    assert [i["due_at"] for i in alice_api.get("/api/v1/action-items").json()["items"]] == ["2026-04-01T08:00:00+00:00"]


def test_viewers_read_but_cannot_change(client, charlie, alice_api):
    incident = resolved_incident(alice_api)
    csrf = ui_login(client, charlie)
    page = client.get(f"/incidents/{incident['id']}/postmortem")
    assert page.status_code == 200
    assert "Save and check language" not in page.text
    response = _post(client, csrf, f"/incidents/{incident['id']}/postmortem/status", status="published")
    assert response.status_code == 403


def test_the_dashboard_renders_svg_charts_and_tables(client, alice, alice_api):
    resolved_incident(alice_api)
    ui_login(client, alice)
    page = client.get("/metrics?since=30d")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 2
    assert "<title>Median response times per month (minutes)</title>" in page.text
    assert '<th scope="row">Time to resolve</th><td>0 s</td><td>0 s</td><td>1</td>' in page.text
    bad = client.get("/metrics?since=someday")
    assert bad.status_code == 422
    assert 'id="since-error"' in bad.text


def test_action_items_page_filters_overdue(client, alice, alice_api):
    incident = resolved_incident(alice_api)
    alice_api.post(f"/api/v1/incidents/{incident['id']}/action-items", json={"title": "Add alert", "type": "detect"})
    ui_login(client, alice)
    assert "Add alert" in client.get("/action-items").text
    assert "No action items match" in client.get("/action-items?overdue=1").text
    assert client.get("/action-items?status=bogus").status_code == 422


def test_search_and_similar_incidents_panel(client, alice, alice_api):
    past = resolved_incident(alice_api, title="DPD labels rejected", regions=["DE"])
    write_sections(alice_api, past["id"])
    alice_api.patch(f"/api/v1/incidents/{past['id']}/postmortem", json={"tags": ["carrier"]})
    current = alice_api.post(
        "/api/v1/incidents", json={"title": "DPD labels rejected again", "severity": "SEV2", "regions": ["DE"]}
    ).json()
    similar = alice_api.get(f"/api/v1/incidents/{current['id']}/similar").json()["items"]
    assert [(h["incident_id"], h["reasons"]["labels"], h["reasons"]["words"]) for h in similar] == [
        (past["id"], 1, ["labels", "rejected"])
    ]
    ui_login(client, alice)
    assert "Similar past incidents" in client.get(f"/incidents/{current['id']}").text
    found = client.get("/postmortems?q=credentials&tag=carrier")
    assert f"#{past['id']} DPD labels rejected" in found.text
    assert "No post-mortem matches" in client.get("/postmortems?q=nothing-like-this").text


def test_the_public_page_shows_only_public_sections(client, alice_api):
    incident = resolved_incident(alice_api, title="Labels fail")
    write_sections(alice_api, incident["id"])
    assert client.get(f"/postmortems/{incident['id']}/public").status_code == 404
    alice_api.patch(f"/api/v1/incidents/{incident['id']}/postmortem", json={"public_sections": ["summary"]})
    publish(alice_api, incident["id"])
    page = client.get(f"/postmortems/{incident['id']}/public")
    assert page.status_code == 200
    assert FILLED["summary"] in page.text
    assert FILLED["impact"] not in page.text
