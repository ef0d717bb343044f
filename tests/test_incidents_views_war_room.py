"""The war room's forms through TestClient: each posts, redirects back, or shows what to fix beside it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

from conftest import ui_login
from warroom.catalog.models import Service
from warroom.incidents import service


def _declare(make_ctx, actor, **fields):
    fields.setdefault("severity", "SEV2")
    fields.setdefault("title", "Checkout errors")
    with make_ctx(actor=actor.user) as ctx:
        return service.declare_incident(ctx, **fields)


def _field_error(html, field_id):
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else None


def _kinds(make_ctx, actor, incident_id):
    with make_ctx(actor=actor.user) as ctx:
        return [event.kind for event in service.timeline(ctx, service.get_incident(ctx, incident_id))]


def _post(client, csrf, url, **data):
    return client.post(url, data={"csrf_token": csrf, **data}, follow_redirects=False)


def test_a_status_change_redirects_back_and_is_on_the_timeline(client, alice, bob, make_ctx):
    incident = _declare(make_ctx, alice)
    csrf = ui_login(client, bob)
    response = _post(client, csrf, f"/incidents/{incident.id}/status", status="identified", note="bad deploy")
    assert response.status_code == 303
    assert response.headers["location"] == f"/incidents/{incident.id}#top"
    page = client.get(f"/incidents/{incident.id}")
    assert "changed status from investigating to identified: bad deploy" in page.text
    buttons = re.findall(r'<button type="submit" name="status" value="(\w+)"', page.text)
    assert buttons == ["monitoring", "resolved"]


def test_an_illegal_status_change_shows_the_allowed_moves_and_changes_nothing(client, alice, bob, make_ctx):
    incident = _declare(make_ctx, alice)
    csrf = ui_login(client, bob)
    response = _post(client, csrf, f"/incidents/{incident.id}/status", status="closed", note="keep this text")
    assert response.status_code == 409
    assert _field_error(response.text, "status-status") == (
        f"incident {incident.id} cannot move from investigating to closed; "
        "allowed next: identified, monitoring, resolved"
    )
    assert 'value="keep this text"' in response.text
    assert _kinds(make_ctx, alice, incident.id) == ["incident.declared"]


def test_acknowledging_shows_who_acknowledged_and_the_button_goes_away(client, alice, bob, make_ctx, clock):
    incident = _declare(make_ctx, alice)
    csrf = ui_login(client, bob)
    assert 'id="ack-button"' in client.get(f"/incidents/{incident.id}").text
    clock.advance(minutes=2)
    assert _post(client, csrf, f"/incidents/{incident.id}/acknowledge").status_code == 303
    assert _post(client, csrf, f"/incidents/{incident.id}/acknowledge").status_code == 303
    page = client.get(f"/incidents/{incident.id}").text
    assert "Yes, by Bob" in page
    assert 'id="ack-button"' not in page
    assert _kinds(make_ctx, alice, incident.id) == ["incident.declared", "incident.acknowledged"]


def test_taking_command_of_a_sev1_clears_the_warning(client, alice, bob, make_ctx):
    incident = _declare(make_ctx, alice, severity="SEV1")
    csrf = ui_login(client, bob)
    page = client.get(f"/incidents/{incident.id}").text
    assert "SEV1 without an Incident Commander." in page
    assert re.search(r'<li class="role role-unfilled" id="role-incident_commander">', page)
    response = _post(client, csrf, f"/incidents/{incident.id}/roles", role="incident_commander", user_id=str(bob.id))
    assert response.headers["location"] == f"/incidents/{incident.id}#roles"
    page = client.get(f"/incidents/{incident.id}").text
    assert "SEV1 without an Incident Commander." not in page
    assert '<li class="role" id="role-incident_commander">' in page


def test_technical_lead_takes_several_people_and_one_can_be_removed(client, alice, bob, make_ctx):
    incident = _declare(make_ctx, alice)
    csrf = ui_login(client, bob)
    url = f"/incidents/{incident.id}/roles"
    _post(client, csrf, url, role="technical_lead", user_id=str(alice.id))
    _post(client, csrf, url, role="technical_lead", user_id=str(bob.id))
    _post(client, csrf, url + "/remove", role="technical_lead", user_id=str(alice.id))
    with make_ctx(actor=alice.user) as ctx:
        holders = service.current_roles(ctx, service.get_incident(ctx, incident.id))["technical_lead"]
        assert [user.name for user in holders] == ["Bob"]


def test_a_role_form_without_a_person_asks_to_pick_someone(client, alice, bob, make_ctx):
    incident = _declare(make_ctx, alice)
    csrf = ui_login(client, bob)
    response = _post(client, csrf, f"/incidents/{incident.id}/roles", role="scribe", user_id="")
    assert response.status_code == 422
    assert _field_error(response.text, "role-scribe") == "Pick someone to make Scribe."
    response = _post(client, csrf, f"/incidents/{incident.id}/roles", role="chef", user_id=str(bob.id))
    assert _field_error(response.text, "roles").startswith("Role: 'chef' is not one of incident_commander")


def test_a_backdated_note_is_marked_and_sorted_by_when_it_happened(client, alice, bob, make_ctx, clock):
    incident = _declare(make_ctx, alice)  # declared 12:00 UTC
    clock.advance(minutes=30)
    csrf = ui_login(client, bob)  # America/New_York: 06:50 local is 11:50 UTC
    response = _post(
        client, csrf, f"/incidents/{incident.id}/notes", body="Saw 5xx first", occurred_at="2026-03-01T06:50"
    )
    assert response.headers["location"] == f"/incidents/{incident.id}?composer=1#composer"
    page = client.get(response.headers["location"]).text
    texts = re.findall(r'<div class="tl-text">(.*?)</div>', page, re.S)
    assert texts == ["Saw 5xx first", "declared a SEV2 incident: Checkout errors"]
    assert page.count("Backdated: recorded") == 1
    assert "autofocus>" in page


def test_a_note_dated_in_the_future_is_refused_beside_the_field_with_the_text_kept(client, alice, bob, make_ctx):
    incident = _declare(make_ctx, alice)
    csrf = ui_login(client, bob)
    response = _post(
        client, csrf, f"/incidents/{incident.id}/notes", body="From tomorrow", occurred_at="2026-03-02T09:00"
    )
    assert response.status_code == 422
    assert "future" in _field_error(response.text, "note-occurred_at")
    assert ">From tomorrow</textarea>" in response.text
    assert _kinds(make_ctx, alice, incident.id) == ["incident.declared"]


def test_the_composer_posts_without_a_reload_and_gets_json(client, alice, bob, make_ctx):
    incident = _declare(make_ctx, alice)
    csrf = ui_login(client, bob)
    headers = {"X-Warroom-Async": "1", "Accept": "application/json"}
    url = f"/incidents/{incident.id}/notes"
    posted = client.post(url, data={"csrf_token": csrf, "body": "Rolled back"}, headers=headers)
    assert posted.status_code == 201
    with make_ctx(actor=alice.user) as ctx:
        last = service.timeline(ctx, service.get_incident(ctx, incident.id))[-1]
    assert posted.json() == {"id": last.id}
    empty = client.post(url, data={"csrf_token": csrf, "body": "  "}, headers=headers)
    assert empty.status_code == 422
    assert empty.json() == {"error": "Note is required.", "detail": {"field": "note-body"}}


def test_a_correction_is_linked_both_ways_and_the_original_is_kept(client, alice, bob, make_ctx):
    incident = _declare(make_ctx, alice)
    with make_ctx(actor=bob.user) as ctx:
        note = service.add_note(ctx, service.get_incident(ctx, incident.id), body="DB at 100% CPU")
    csrf = ui_login(client, bob)
    response = _post(client, csrf, f"/incidents/{incident.id}/timeline/{note.id}/correct", body="It was the cache")
    assert response.headers["location"] == f"/incidents/{incident.id}#event-{note.id}"
    page = client.get(f"/incidents/{incident.id}").text
    correction_id = note.id + 1
    assert f'Correction of <a href="#event-{note.id}">entry #{note.id}</a>' in page
    assert f'Corrected below: <a href="#event-{correction_id}">entry #{correction_id}</a>' in page
    assert "DB at 100% CPU" in page and "corrected a note: It was the cache" in page
    assert client.post(f"/incidents/{incident.id}/timeline/9999/correct", data={"csrf_token": csrf}).status_code == 404


def test_impact_errors_show_beside_the_field_and_a_good_edit_is_saved(client, alice, bob, make_ctx):
    incident = _declare(make_ctx, alice)
    csrf = ui_login(client, bob)
    url = f"/incidents/{incident.id}/impact"
    bad = _post(client, csrf, url, impact="No checkout", customers_affected="-3", regions="EU")
    assert bad.status_code == 422
    assert (
        _field_error(bad.text, "impact-customers_affected") == "Customers affected must be between 0 and 2,000,000,000."
    )
    assert ">No checkout</textarea>" in bad.text
    good = _post(client, csrf, url, impact="No checkout", customers_affected="1200", regions="EU, US", segments="")
    assert good.status_code == 303
    with make_ctx(actor=alice.user) as ctx:
        saved = service.get_incident(ctx, incident.id)
        assert (saved.impact, saved.customers_affected, saved.regions, saved.segments) == (
            "No checkout",
            1200,
            ["EU", "US"],
            [],
        )


def test_instants_form_changes_only_what_was_edited(client, alice, bob, make_ctx, clock):
    incident = _declare(make_ctx, alice)
    clock.advance(hours=1)
    csrf = ui_login(client, bob)  # America/New_York
    form = {"detected_at": "2026-03-01T07:00", "impact_started_at": "2026-03-01T06:45", "mitigated_at": ""}
    assert _post(client, csrf, f"/incidents/{incident.id}/instants", **form).status_code == 303
    with make_ctx(actor=alice.user) as ctx:
        saved = service.get_incident(ctx, incident.id)
        assert saved.detected_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # unchanged: 07:00 EST is 12:00 UTC
        assert saved.impact_started_at == datetime(2026, 3, 1, 11, 45, tzinfo=UTC)
        assert saved.mitigated_at is None
    assert _kinds(make_ctx, alice, incident.id) == ["incident.declared", "incident.updated"]
    late = _post(client, csrf, f"/incidents/{incident.id}/instants", **{**form, "detected_at": "2026-03-01T07:30"})
    assert late.status_code == 422
    assert "after the incident was declared" in _field_error(late.text, "instant-detected_at")


def test_services_are_set_and_the_blast_radius_is_shown(client, alice, bob, make_ctx):
    from sqlalchemy import insert

    from warroom.catalog.models import service_dependencies

    with make_ctx() as ctx:
        rows = [Service(name=n, tier=t, created_at=ctx.now(), updated_at=ctx.now()) for n, t in (("db", 1), ("api", 2))]
        ctx.session.add_all(rows)
        ctx.session.flush()
        ctx.session.execute(insert(service_dependencies).values(service_id=rows[1].id, depends_on_id=rows[0].id))
        db_id = rows[0].id
    incident = _declare(make_ctx, alice)
    csrf = ui_login(client, bob)
    assert _post(client, csrf, f"/incidents/{incident.id}/services", services=str(db_id)).status_code == 303
    page = client.get(f"/incidents/{incident.id}").text
    assert re.search(
        r"<h3>Blast radius</h3>.*>api</a> <span class=\"muted small\">tier 2 · 1 hop away</span>", page, re.S
    )
    bad = _post(client, csrf, f"/incidents/{incident.id}/services", services="99999")
    assert bad.status_code == 422
    assert _field_error(bad.text, "services-services").startswith("unknown service(s): 99999")


def test_tasks_are_added_and_updated(client, alice, bob, make_ctx):
    incident = _declare(make_ctx, alice)
    csrf = ui_login(client, bob)
    url = f"/incidents/{incident.id}/tasks"
    assert _field_error(_post(client, csrf, url, title="").text, "task-title") == "Task is required."
    assert (
        _post(client, csrf, url, title="Roll back", assignee_id=str(bob.id), due_at="2026-03-01T07:30").status_code
        == 303
    )
    with make_ctx(actor=alice.user) as ctx:
        (task,) = service.list_tasks(ctx, service.get_incident(ctx, incident.id))
    assert (task.title, task.assignee_id, task.due_at) == (
        "Roll back",
        bob.id,
        datetime(2026, 3, 1, 12, 30, tzinfo=UTC),
    )
    form = {"status": "done", "assignee_id": str(bob.id), "due_at": "2026-03-01T07:30"}
    response = _post(client, csrf, f"{url}/{task.id}", **form)
    assert response.headers["location"] == f"/incidents/{incident.id}#task-{task.id}"
    page = client.get(f"/incidents/{incident.id}").text
    assert "updated task “Roll back”: the status to done" in page
    assert _post(client, csrf, f"{url}/{task.id}", status="paused").status_code == 422
    assert client.post(f"{url}/999", data={"csrf_token": csrf, "status": "done"}).status_code == 404


def test_details_form_renames_and_marks_an_exercise(client, alice, bob, make_ctx):
    incident = _declare(make_ctx, alice)
    csrf = ui_login(client, bob)
    too_long = _post(client, csrf, f"/incidents/{incident.id}/details", title="x" * 301)
    assert _field_error(too_long.text, "details-title") == "Title is too long: 301 characters, at most 300."
    assert (
        _post(client, csrf, f"/incidents/{incident.id}/details", title="Drill: checkout", exercise="on").status_code
        == 303
    )
    page = client.get(f"/incidents/{incident.id}").text
    assert "#" + str(incident.id) + " Drill: checkout</h1>" in page
    assert "Exercise</span>" in page


def test_every_element_id_on_a_busy_war_room_is_unique(client, alice, bob, make_ctx):
    incident = _declare(make_ctx, alice, severity="SEV1")
    with make_ctx(actor=alice.user) as ctx:
        current = service.get_incident(ctx, incident.id)
        note = service.add_note(ctx, current, body="first")
        service.correct_event(ctx, current, event_id=note.id, body="fixed")
        service.add_task(ctx, current, title="One", assignee_id=bob.id)
        service.add_task(ctx, current, title="Two")
        service.assign_role(ctx, current, role="technical_lead", user_id=bob.id)
    ui_login(client, alice)
    page = client.get(f"/incidents/{incident.id}").text
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) > 40
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    labelled = set(re.findall(r'<label[^>]*\sfor="([^"]+)"', page))
    assert labelled <= set(ids)
