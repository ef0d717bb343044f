from __future__ import annotations

from test_incidents_support import declare, events


def note(api, incident_id, body, **extra):
    return api.post(f"/api/v1/incidents/{incident_id}/notes", json={"body": body, **extra})


def test_a_note_is_added_with_actor_time_and_source(bob_api, alice_api, bob, clock):
    incident = declare(alice_api)
    clock.advance(minutes=2)
    response = note(bob_api, incident["id"], "Restarted pod wms-7")
    assert response.status_code == 201
    event = response.json()
    assert event["kind"] == "note.added"
    assert event["text"] == "Restarted pod wms-7"
    assert event["data"] == {"body": "Restarted pod wms-7"}
    assert event["actor"] == {"id": bob.id, "name": "Bob"}
    assert event["source"] == "api"
    assert event["at"] == "2026-03-01T12:02:00+00:00"
    assert event["recorded_at"] == "2026-03-01T12:02:00+00:00"
    assert event["backdated"] is False
    assert event["corrects_id"] is None


def test_a_backdated_note_is_ordered_by_when_it_happened(alice_api, clock):
    incident = declare(alice_api, detected_at="2026-03-01T11:50:00Z")
    clock.advance(minutes=10)
    note(alice_api, incident["id"], "now")
    backdated = note(alice_api, incident["id"], "deploy 4.2 went out", occurred_at="2026-03-01T11:45:00Z").json()
    assert backdated["at"] == "2026-03-01T11:45:00+00:00"
    assert backdated["recorded_at"] == "2026-03-01T12:10:00+00:00"
    assert backdated["backdated"] is True
    assert [e["text"] for e in events(alice_api, incident["id"])] == [
        "deploy 4.2 went out",
        "declared a SEV2 incident: Checkout fails",
        "now",
    ]


def test_a_note_in_the_future_is_refused(alice_api):
    incident = declare(alice_api)
    response = note(alice_api, incident["id"], "later", occurred_at="2026-03-01T12:00:01Z")
    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "occurred_at"}
    assert "future" in response.json()["error"]
    assert len(events(alice_api, incident["id"])) == 1


def test_an_empty_or_oversized_note_is_refused(alice_api):
    incident = declare(alice_api)
    assert note(alice_api, incident["id"], "").status_code == 422
    assert note(alice_api, incident["id"], "   ").status_code == 422
    assert note(alice_api, incident["id"], "x" * 20_001).status_code == 422


def test_a_correction_is_a_new_event_pointing_at_the_old_one(alice_api, clock):
    incident = declare(alice_api)
    original = note(alice_api, incident["id"], "Restarted pod wms-7").json()
    clock.advance(minutes=1)
    response = alice_api.post(
        f"/api/v1/incidents/{incident['id']}/timeline/{original['id']}/corrections", json={"body": "It was wms-8"}
    )
    assert response.status_code == 201
    correction = response.json()
    assert correction["kind"] == "note.corrected"
    assert correction["corrects_id"] == original["id"]
    assert correction["text"] == "corrected a note: It was wms-8"
    timeline = events(alice_api, incident["id"])
    assert [e["id"] for e in timeline][-2:] == [original["id"], correction["id"]]
    assert timeline[-2] == original  # the original is untouched


def test_a_state_event_can_be_corrected_too(alice_api):
    incident = declare(alice_api)
    declared = events(alice_api, incident["id"])[0]
    response = alice_api.post(
        f"/api/v1/incidents/{incident['id']}/timeline/{declared['id']}/corrections",
        json={"body": "declared by the on-call phone, not Alice"},
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "event.corrected"
    assert response.json()["data"]["corrects_kind"] == "incident.declared"


def test_correcting_an_event_of_another_incident_is_404(alice_api):
    first = declare(alice_api)
    second = declare(alice_api)
    event_id = events(alice_api, first["id"])[0]["id"]
    response = alice_api.post(
        f"/api/v1/incidents/{second['id']}/timeline/{event_id}/corrections", json={"body": "nope"}
    )
    assert response.status_code == 404


def test_events_can_be_neither_edited_nor_deleted(alice_api):
    incident = declare(alice_api)
    event_id = events(alice_api, incident["id"])[0]["id"]
    url = f"/api/v1/incidents/{incident['id']}/timeline/{event_id}"
    for method in ("PUT", "PATCH", "DELETE"):
        assert alice_api.request(method, url, json={"body": "rewritten"}).status_code in (404, 405)
    assert alice_api.delete(f"/api/v1/incidents/{incident['id']}/timeline").status_code == 405
    assert events(alice_api, incident["id"])[0]["text"] == "declared a SEV2 incident: Checkout fails"


def test_after_returns_only_newer_events_for_polling(alice_api):
    incident = declare(alice_api)
    first = events(alice_api, incident["id"])[0]["id"]
    note(alice_api, incident["id"], "one")
    note(alice_api, incident["id"], "two")
    newer = events(alice_api, incident["id"], after=first)
    assert [e["text"] for e in newer] == ["one", "two"]
    assert events(alice_api, incident["id"], after=newer[-1]["id"]) == []


def test_the_timeline_answers_with_items_and_total(alice_api):
    incident = declare(alice_api)
    note(alice_api, incident["id"], "one")
    body = alice_api.get(f"/api/v1/incidents/{incident['id']}/timeline").json()
    assert body["total"] == 2
    assert len(body["items"]) == 2


def test_a_viewer_reads_the_timeline_but_cannot_write(alice_api, charlie_api):
    incident = declare(alice_api)
    assert charlie_api.get(f"/api/v1/incidents/{incident['id']}/timeline").status_code == 200
    assert note(charlie_api, incident["id"], "hi").status_code == 403
    event_id = events(alice_api, incident["id"])[0]["id"]
    url = f"/api/v1/incidents/{incident['id']}/timeline/{event_id}/corrections"
    assert charlie_api.post(url, json={"body": "x"}).status_code == 403
