"""The paging pages: policies list and editor, service paging settings, the incident page's escalation panel."""

from __future__ import annotations

from conftest import ui_login
from test_incidents_support import add_service
from test_paging_support import at, declare, make_policy, paged_service, pages, run_jobs, user_rule
from warroom.incidents import panels


def test_an_admin_creates_a_policy_from_the_editor(client, alice, bob, make_ctx):
    csrf = ui_login(client, alice)
    assert "No escalation policies yet" in client.get("/paging/policies").text
    form = {
        "csrf_token": csrf,
        "name": "WMS escalation",
        "description": "",
        "repeat_count": "1",
        "targets_0": [f"user:{bob.id}"],
        "delay_0": "5",
        "targets_1": [f"user:{alice.id}", f"user:{bob.id}"],
        "delay_1": "10",
        "delay_2": "5",
    }
    response = client.post("/paging/policies/new", data=form, follow_redirects=True)
    assert response.status_code == 200
    assert "Saved." in response.text
    listing = client.get("/paging/policies").text
    assert "WMS escalation" in listing
    assert 'Alice, Bob <span class="muted small">then wait 10 min</span>' in listing


def test_the_editor_shows_the_error_next_to_the_rule(client, alice, bob):
    csrf = ui_login(client, alice)
    form = {"csrf_token": csrf, "name": "Loop", "repeat_count": "2", "targets_0": [f"user:{bob.id}"], "delay_0": "0"}
    response = client.post("/paging/policies/new", data=form)
    assert response.status_code == 422
    assert 'id="rules-0-delay_minutes-error"' in response.text
    assert "a zero delay would loop without pause" in response.text


def test_an_admin_sets_a_services_paging_settings(client, alice, bob, make_ctx):
    service_id = add_service(make_ctx, "WMS")
    policy = make_policy(make_ctx, user_rule(bob.id))
    csrf = ui_login(client, alice)
    form = {
        "csrf_token": csrf,
        "policy_id": str(policy),
        "ack_timeout_minutes": "30",
        "timezone": "Europe/Berlin",
        "days": ["0", "1", "2", "3", "4"],
        "start": "09:00",
        "end": "17:00",
        "low_urgency": "wait_for_support_hours",
    }
    response = client.post(f"/paging/services/{service_id}", data=form, follow_redirects=True)
    assert response.status_code == 200
    assert "Saved." in response.text
    body = client.get(f"/api/v1/services/{service_id}/paging", headers={"X-CSRF-Token": csrf}).json()
    assert (body["ack_timeout_minutes"], body["support_hours_text"]) == (
        30,
        "Mon,Tue,Wed,Thu,Fri 09:00–17:00 (Europe/Berlin)",
    )
    bad = client.post(f"/paging/services/{service_id}", data={**form, "timezone": "Nowhere/Land"})
    assert bad.status_code == 422
    assert "unknown time zone &#39;Nowhere/Land&#39;" in bad.text


def test_a_responder_cannot_open_the_policy_editor_for_a_new_policy(client, bob):
    ui_login(client, bob)
    assert client.get("/paging/policies/new").status_code == 403


def test_the_incident_page_shows_the_escalation_and_its_buttons_work(
    client, alice_api, alice, bob, make_ctx, db, clock, settings, monkeypatch
):
    # Only this domain's panel: the page must not depend on other domains' panels here.
    monkeypatch.setattr(panels, "_PANELS", {"paging.escalation": panels._PANELS["paging.escalation"]})
    policy = make_policy(make_ctx, user_rule(bob.id), user_rule(alice.id), name="WMS escalation")
    paged_service(make_ctx, policy)
    incident = declare(alice_api)
    run_jobs(db, clock, settings)
    csrf = ui_login(client, bob)
    page = client.get(f"/incidents/{incident}").text
    assert 'id="paging-h"' in page
    assert "Paging</span>" in page
    assert "rule 2 (loop 1): Alice" in page
    response = client.post(
        f"/paging/incidents/{incident}/escalate-now", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert pages(make_ctx, incident) == [(at(0), ["Bob"]), (at(0), ["Alice"])]
    client.post(f"/paging/incidents/{incident}/responders", data={"csrf_token": csrf, "target": f"user:{alice.id}"})
    assert "Bob added Alice as responder" in client.get(f"/incidents/{incident}").text
