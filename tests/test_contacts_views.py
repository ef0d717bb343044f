"""The contacts pages: my contact methods and rules, a person's page log, and the incident's pages panel."""

# ruff: noqa: F811 - fixtures imported from test_contacts_support are used as test parameters

from __future__ import annotations

import re

from conftest import ui_login
from test_contacts_support import declare, inbox, page, receiver, run, settings  # noqa: F401


def test_a_responder_adds_tests_and_deletes_a_method_in_the_browser(db, clock, settings, client, bob, inbox):
    csrf = ui_login(client, bob)
    empty = client.get("/me/contacts")
    assert empty.status_code == 200
    assert "You have no contact methods." in empty.text
    added = client.post(
        "/me/contacts", data={"csrf_token": csrf, "kind": "email", "target": "bob@work.example.com", "label": "work"}
    )
    assert added.status_code == 200  # followed the 303
    assert "Contact method added" in added.text
    assert "bob@work.example.com" in added.text
    method_id = int(re.search(r'id="method-(\d+)"', added.text).group(1))
    tested = client.post(f"/me/contacts/{method_id}/test", data={"csrf_token": csrf})
    assert "Test notification queued" in tested.text
    run(db, clock, settings, "page-email")
    assert [m["To"] for m in inbox.messages()] == ["bob@work.example.com"]
    assert "✓</span> verified" in client.get("/me/contacts").text
    deleted = client.post(f"/me/contacts/{method_id}/delete", data={"csrf_token": csrf})
    assert "Contact method deleted" in deleted.text
    assert "You have no contact methods." in deleted.text


def test_a_bad_target_is_shown_next_to_the_field(client, bob):
    csrf = ui_login(client, bob)
    response = client.post("/me/contacts", data={"csrf_token": csrf, "kind": "sms", "target": "12345"})
    assert response.status_code == 400
    assert 'id="cm-target-error" class="field-error"' in response.text
    assert "E.164" in response.text
    assert 'value="12345"' in response.text


def test_a_webhook_secret_is_shown_once_in_the_page(client, bob):
    csrf = ui_login(client, bob)
    response = client.post(
        "/me/contacts", data={"csrf_token": csrf, "kind": "webhook", "target": "https://hooks.example.com/b"}
    )
    assert response.status_code == 201
    assert re.search(r'id="added-secret" aria-label="New webhook signing secret"|value="whsec_', response.text)
    assert "whsec_" not in client.get("/me/contacts").text


def test_rules_are_added_and_errors_shown_in_the_form(client, bob):
    csrf = ui_login(client, bob)
    page_html = client.post("/me/contacts", data={"csrf_token": csrf, "kind": "sms", "target": "+4915112345678"}).text
    method_id = re.search(r'<option value="(\d+)"', page_html).group(1)
    bad = client.post(
        "/me/rules",
        data={"csrf_token": csrf, "contact_method_id": method_id, "delay_minutes": "soon", "urgency": "any"},
    )
    assert bad.status_code == 400
    assert 'id="r-delay-error"' in bad.text
    good = client.post(
        "/me/rules", data={"csrf_token": csrf, "contact_method_id": method_id, "delay_minutes": "2", "urgency": "high"}
    )
    assert "Notification rule added." in good.text
    assert "<td>2 min</td>" in good.text
    assert "<td>high</td>" in good.text


def test_a_form_without_the_csrf_token_is_refused(client, bob):
    ui_login(client, bob)
    response = client.post("/me/contacts", data={"kind": "email", "target": "bob@work.example.com"})
    assert response.status_code == 403


def test_a_viewer_sees_the_page_without_forms(client, charlie):
    ui_login(client, charlie)
    response = client.get("/me/contacts")
    assert response.status_code == 200
    assert 'action="/me/contacts"' not in response.text


def test_the_page_log_and_the_incident_panel_show_each_delivery(
    db, clock, settings, client, make_ctx, alice, bob, inbox
):
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user, key="k1")
    run(db, clock, settings, "page-email")
    ui_login(client, alice)
    log = client.get(f"/users/{bob.id}/pages")
    assert log.status_code == 200
    assert "Bob has no contact methods." in log.text
    assert "k1:account-email" in log.text
    assert "✓</span> sent" in log.text
    war_room = client.get(f"/incidents/{incident.id}")
    assert war_room.status_code == 200
    assert 'id="incident-pages"' in war_room.text
    assert f'<a href="/users/{bob.id}/pages">Bob</a>' in war_room.text
