"""Editing action items from the post-mortem page and the cross-incident list (form posts with CSRF)."""

from __future__ import annotations

from sqlalchemy import select

from conftest import ui_login
from test_review_support import resolved_incident
from warroom.jobs.models import Job


def _item(api, incident_id, **fields):
    body = {"title": "Add an alert on 401s", "type": "detect", **fields}
    response = api.post(f"/api/v1/incidents/{incident_id}/action-items", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _form(item, **changes):
    # What the edit form sends unchanged (alice is in Europe/Berlin: UTC+1 in March).
    fields = {
        "status": item["status"],
        "priority": item["priority"],
        "type": item["type"],
        "owner_id": str(item["owner_id"] or ""),
        "due_at": "",
        "ticket_url": item["ticket_url"] or "",
        "next": f"/incidents/{item['incident_id']}/postmortem#actions",
    }
    return {**fields, **changes}


def _edit(client, csrf, item_id, data):
    return client.post(f"/action-items/{item_id}", data={"csrf_token": csrf, **data}, follow_redirects=False)


def _fields(api, item_id):
    body = api.get(f"/api/v1/action-items/{item_id}").json()
    keys = ("status", "priority", "type", "owner", "due_at", "ticket_url", "completed_at")
    return {key: body[key] for key in keys}


def _reminders(db, item_id):
    with db.transaction() as session:
        jobs = session.scalars(select(Job).where(Job.idempotency_key.like(f"action-reminder:{item_id}:%")))
        return sorted((job.run_at.isoformat(), job.status) for job in jobs)


def test_a_responder_changes_every_field_from_the_postmortem_page(client, alice, alice_api, bob, db):
    incident = resolved_incident(alice_api)
    item = _item(alice_api, incident["id"], due_at="2026-03-08T12:00:00Z")
    csrf = ui_login(client, alice)
    page = client.get(f"/incidents/{incident['id']}/postmortem")
    assert f'action="/action-items/{item["id"]}"' in page.text
    assert f'id="ai-{item["id"]}-due_at" name="due_at" type="datetime-local" value="2026-03-08T13:00"' in page.text
    data = _form(
        item,
        status="in_progress",
        priority="high",
        type="prevent",
        owner_id=str(bob.id),
        due_at="2026-03-10T09:30",
        ticket_url="https://tracker.example.com/OPS-7",
    )
    response = _edit(client, csrf, item["id"], data)
    assert response.status_code == 303
    assert response.headers["location"] == f"/incidents/{incident['id']}/postmortem#actions"
    assert _fields(alice_api, item["id"]) == {
        "status": "in_progress",
        "priority": "high",
        "type": "prevent",
        "owner": "Bob",
        "due_at": "2026-03-10T08:30:00+00:00",
        "ticket_url": "https://tracker.example.com/OPS-7",
        "completed_at": None,
    }
    # The new due date moved the reminders, as a PATCH through the API does.
    assert _reminders(db, item["id"]) == [
        ("2026-03-07T12:00:00+00:00", "cancelled"),
        ("2026-03-09T08:30:00+00:00", "pending"),
        ("2026-03-09T12:00:00+00:00", "cancelled"),
        ("2026-03-11T08:30:00+00:00", "pending"),
    ]


def test_the_ui_and_the_api_leave_the_same_item(client, alice, alice_api, bob):
    incident = resolved_incident(alice_api)
    through_ui = _item(alice_api, incident["id"])
    through_api = _item(alice_api, incident["id"])
    csrf = ui_login(client, alice)
    data = _form(through_ui, status="done", priority="low", owner_id=str(bob.id), due_at="2026-03-02T13:00")
    assert _edit(client, csrf, through_ui["id"], data).status_code == 303
    patch = {"status": "done", "priority": "low", "owner_id": bob.id, "due_at": "2026-03-02T12:00:00Z"}
    assert alice_api.patch(f"/api/v1/action-items/{through_api['id']}", json=patch).status_code == 200
    assert _fields(alice_api, through_ui["id"]) == _fields(alice_api, through_api["id"])
    assert _fields(alice_api, through_ui["id"])["completed_at"] == "2026-03-01T12:00:00+00:00"


def test_a_due_date_in_the_past_is_refused_next_to_its_field_and_nothing_changes(client, alice, alice_api):
    incident = resolved_incident(alice_api)
    item = _item(alice_api, incident["id"])
    csrf = ui_login(client, alice)
    response = _edit(client, csrf, item["id"], _form(item, status="done", due_at="2026-03-01T12:30"))
    assert response.status_code == 422
    assert (
        f'id="ai-{item["id"]}-due_at-error" role="alert">due_at 2026-03-01T11:30:00+00:00 is not in the future'
        in response.text
    )
    # The form comes back open with what was sent.
    assert f'id="ai-{item["id"]}-due_at" name="due_at" type="datetime-local" value="2026-03-01T12:30"' in response.text
    assert _fields(alice_api, item["id"])["status"] == "open"
    assert _fields(alice_api, item["id"])["due_at"] is None


def test_an_overdue_item_keeps_its_date_while_other_fields_change(client, clock, alice, alice_api):
    incident = resolved_incident(alice_api)
    item = _item(alice_api, incident["id"], due_at="2026-03-01T13:00:00Z")
    clock.advance(minutes=120)
    csrf = ui_login(client, alice)
    # The form shows the old date (14:00 in Berlin); sending it back unchanged is not a new date.
    response = _edit(client, csrf, item["id"], _form(item, status="wont_do", due_at="2026-03-01T14:00"))
    assert response.status_code == 303
    fields = _fields(alice_api, item["id"])
    assert (fields["status"], fields["due_at"], fields["completed_at"]) == (
        "wont_do",
        "2026-03-01T13:00:00+00:00",
        "2026-03-01T14:00:00+00:00",
    )


def test_clearing_owner_due_date_and_ticket(client, alice, alice_api, bob):
    incident = resolved_incident(alice_api)
    item = _item(
        alice_api, incident["id"], owner_id=bob.id, due_at="2026-03-08T12:00:00Z", ticket_url="https://t.example/1"
    )
    csrf = ui_login(client, alice)
    assert _edit(client, csrf, item["id"], _form(item, owner_id="", due_at="", ticket_url="")).status_code == 303
    fields = _fields(alice_api, item["id"])
    assert (fields["owner"], fields["due_at"], fields["ticket_url"]) == (None, None, None)


def test_bad_values_are_shown_next_to_their_fields_on_the_list_with_its_filters(client, alice, alice_api):
    incident = resolved_incident(alice_api)
    item = _item(alice_api, incident["id"])
    csrf = ui_login(client, alice)
    listing = client.get("/action-items?status=active")
    assert 'name="next" value="/action-items?status=active"' in listing.text
    data = _form(item, ticket_url="javascript:alert(1)", next="/action-items?status=active")
    response = _edit(client, csrf, item["id"], data)
    assert response.status_code == 422
    prefix = f'id="ai-{item["id"]}-ticket_url-error" role="alert">'
    assert prefix + "&#39;javascript:alert(1)&#39; is not a usable URL" in response.text
    assert '<option value="active" selected>' in response.text
    bad = _edit(client, csrf, item["id"], _form(item, priority="urgent", owner_id="99999", due_at="soon"))
    assert bad.status_code == 422
    for field, message in (
        ("priority", "Priority: &#39;urgent&#39; is not one of high, medium, low."),
        ("owner_id", "Owner: pick a person from the list."),
        ("due_at", "Due: &#39;soon&#39; is not a date and time like 2026-03-01T14:30."),
    ):
        assert f'id="ai-{item["id"]}-{field}-error" role="alert">{message}' in bad.text
    assert _fields(alice_api, item["id"])["priority"] == "medium"


def test_an_edit_from_the_list_goes_back_to_the_list(client, alice, alice_api):
    incident = resolved_incident(alice_api)
    item = _item(alice_api, incident["id"])
    csrf = ui_login(client, alice)
    response = _edit(client, csrf, item["id"], _form(item, priority="low", next="/action-items?status=active"))
    assert (response.status_code, response.headers["location"]) == (303, "/action-items?status=active")
    elsewhere = _edit(client, csrf, item["id"], _form(item, priority="high", next="https://evil.example/x"))
    assert elsewhere.headers["location"] == f"/incidents/{incident['id']}/postmortem#actions"
    assert _fields(alice_api, item["id"])["priority"] == "high"


def test_the_done_button_only_returns_to_the_review_pages(client, alice, alice_api):
    incident = resolved_incident(alice_api)
    item = _item(alice_api, incident["id"])
    csrf = ui_login(client, alice)
    data = {"csrf_token": csrf, "status": "done", "next": "//evil.example/"}
    response = client.post(f"/action-items/{item['id']}/status", data=data, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"/incidents/{incident['id']}/postmortem#actions",
    )
    assert _fields(alice_api, item["id"])["status"] == "done"


def test_viewers_see_no_edit_form_and_cannot_post_one(client, charlie, alice_api):
    incident = resolved_incident(alice_api)
    item = _item(alice_api, incident["id"])
    csrf = ui_login(client, charlie)
    assert f'action="/action-items/{item["id"]}"' not in client.get("/action-items").text
    assert f'action="/action-items/{item["id"]}"' not in client.get(f"/incidents/{incident['id']}/postmortem").text
    assert _edit(client, csrf, item["id"], _form(item, priority="low")).status_code == 403
    assert _fields(alice_api, item["id"])["priority"] == "medium"


def test_a_missing_item_or_a_form_without_csrf_is_refused(client, alice, alice_api):
    incident = resolved_incident(alice_api)
    item = _item(alice_api, incident["id"])
    csrf = ui_login(client, alice)
    assert _edit(client, csrf, 999999, _form(item)).status_code == 404
    no_token = client.post(f"/action-items/{item['id']}", data=_form(item, priority="low"), follow_redirects=False)
    assert no_token.status_code == 403
