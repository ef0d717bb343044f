from __future__ import annotations

from test_incidents_support import declare, events, kinds


def tasks_url(incident):
    return f"/api/v1/incidents/{incident['id']}/tasks"


def test_adding_a_task_records_an_event(alice_api, bob):
    incident = declare(alice_api)
    response = alice_api.post(
        tasks_url(incident),
        json={"title": "Fail over to replica", "assignee_id": bob.id, "due_at": "2026-03-01T12:30Z"},
    )
    assert response.status_code == 201
    task = response.json()
    assert task["title"] == "Fail over to replica"
    assert task["status"] == "open"
    assert task["assignee"] == {"id": bob.id, "name": "Bob", "email": "bob@example.com"}
    assert task["due_at"] == "2026-03-01T12:30:00+00:00"
    assert task["overdue"] is False
    assert task["completed_at"] is None
    event = events(alice_api, incident["id"])[-1]
    assert event["kind"] == "task.added"
    assert event["text"] == "added task “Fail over to replica” for Bob, due 2026-03-01 12:30 UTC"


def test_tasks_are_listed_in_order_with_total(alice_api):
    incident = declare(alice_api)
    alice_api.post(tasks_url(incident), json={"title": "one"})
    alice_api.post(tasks_url(incident), json={"title": "two"})
    body = alice_api.get(tasks_url(incident)).json()
    assert [t["title"] for t in body["items"]] == ["one", "two"]
    assert body["total"] == 2


def test_updating_a_task_changes_only_what_was_sent(alice_api, bob, clock):
    incident = declare(alice_api)
    task = alice_api.post(tasks_url(incident), json={"title": "Restart", "assignee_id": bob.id}).json()
    clock.advance(minutes=4)
    response = alice_api.patch(f"{tasks_url(incident)}/{task['id']}", json={"status": "done"})
    assert response.status_code == 200
    done = response.json()
    assert done["status"] == "done"
    assert done["assignee"]["id"] == bob.id
    assert done["completed_at"] == "2026-03-01T12:04:00+00:00"
    assert done["updated_at"] == "2026-03-01T12:04:00+00:00"
    assert events(alice_api, incident["id"])[-1]["text"] == "updated task “Restart”: the status to done"
    reopened = alice_api.patch(f"{tasks_url(incident)}/{task['id']}", json={"status": "open", "assignee_id": None})
    assert reopened.json()["completed_at"] is None
    assert reopened.json()["assignee"] is None


def test_overdue_is_reported_for_open_tasks_past_due(alice_api, clock):
    incident = declare(alice_api)
    task = alice_api.post(tasks_url(incident), json={"title": "Call DHL", "due_at": "2026-03-01T12:10:00Z"}).json()
    clock.advance(minutes=11)
    assert alice_api.get(tasks_url(incident)).json()["items"][0]["overdue"] is True
    alice_api.patch(f"{tasks_url(incident)}/{task['id']}", json={"status": "cancelled"})
    assert alice_api.get(tasks_url(incident)).json()["items"][0]["overdue"] is False


def test_an_unchanged_patch_records_nothing(alice_api):
    incident = declare(alice_api)
    task = alice_api.post(tasks_url(incident), json={"title": "Same"}).json()
    alice_api.patch(f"{tasks_url(incident)}/{task['id']}", json={"title": "Same", "status": "open"})
    assert kinds(alice_api, incident["id"]) == ["incident.declared", "task.added"]


def test_bad_task_input_is_422(alice_api):
    incident = declare(alice_api)
    assert alice_api.post(tasks_url(incident), json={"title": ""}).status_code == 422
    assert alice_api.post(tasks_url(incident), json={"title": "x", "assignee_id": 999}).status_code == 422
    task = alice_api.post(tasks_url(incident), json={"title": "x"}).json()
    url = f"{tasks_url(incident)}/{task['id']}"
    assert alice_api.patch(url, json={"status": "finished"}).status_code == 422
    assert alice_api.patch(url, json={"status": None}).status_code == 422
    assert alice_api.patch(url, json={"title": None}).status_code == 422


def test_a_task_of_another_incident_is_404(alice_api):
    first = declare(alice_api)
    second = declare(alice_api)
    task = alice_api.post(tasks_url(first), json={"title": "x"}).json()
    assert alice_api.patch(f"{tasks_url(second)}/{task['id']}", json={"status": "done"}).status_code == 404


def test_a_viewer_reads_tasks_but_cannot_change_them(alice_api, charlie_api):
    incident = declare(alice_api)
    task = alice_api.post(tasks_url(incident), json={"title": "x"}).json()
    assert charlie_api.get(tasks_url(incident)).status_code == 200
    assert charlie_api.post(tasks_url(incident), json={"title": "y"}).status_code == 403
    assert charlie_api.patch(f"{tasks_url(incident)}/{task['id']}", json={"status": "done"}).status_code == 403
