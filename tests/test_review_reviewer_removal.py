"""Removing a reviewer from the post-mortem page."""

from __future__ import annotations

from conftest import ui_login
from test_review_support import resolved_incident


def _remove(client, csrf, incident_id, user_id):
    url = f"/incidents/{incident_id}/postmortem/reviewers/{user_id}/remove"
    return client.post(url, data={"csrf_token": csrf}, follow_redirects=False)


def _reviewers(api, incident_id):
    return [r["name"] for r in api.get(f"/api/v1/incidents/{incident_id}/postmortem").json()["reviewers"]]


def test_a_responder_removes_a_reviewer_and_their_approval_goes_with_them(
    client, clock, alice, alice_api, bob, bob_api
):
    incident = resolved_incident(alice_api)
    base = f"/api/v1/incidents/{incident['id']}/postmortem"
    for person in (alice, bob):
        assert alice_api.post(f"{base}/reviewers", json={"user_id": person.id}).status_code == 200
    assert bob_api.post(f"{base}/approve").status_code == 200
    csrf = ui_login(client, alice)
    page = client.get(f"/incidents/{incident['id']}/postmortem")
    assert 'aria-label="Remove Bob as reviewer"' in page.text
    response = _remove(client, csrf, incident["id"], bob.id)
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"/incidents/{incident['id']}/postmortem#review",
    )
    assert _reviewers(alice_api, incident["id"]) == ["Alice"]
    # Asked again, Bob starts over: the old approval did not survive the removal.
    clock.advance(minutes=1)
    assert alice_api.post(f"{base}/reviewers", json={"user_id": bob.id}).status_code == 200
    again = alice_api.get(base).json()["reviewers"]
    assert [(r["name"], r["approved_at"]) for r in again] == [("Alice", None), ("Bob", None)]


def test_removing_someone_who_is_not_a_reviewer_says_so_on_the_page(client, alice, alice_api, bob):
    incident = resolved_incident(alice_api)
    csrf = ui_login(client, alice)
    response = _remove(client, csrf, incident["id"], bob.id)
    assert response.status_code == 404
    assert f'id="reviewers-error" role="alert">user {bob.id} is not a reviewer of this post-mortem</p>' in response.text


def test_viewers_cannot_remove_reviewers(client, charlie, alice_api, bob):
    incident = resolved_incident(alice_api)
    base = f"/api/v1/incidents/{incident['id']}/postmortem"
    assert alice_api.post(f"{base}/reviewers", json={"user_id": bob.id}).status_code == 200
    csrf = ui_login(client, charlie)
    assert "as reviewer" not in client.get(f"/incidents/{incident['id']}/postmortem").text
    assert _remove(client, csrf, incident["id"], bob.id).status_code == 403
    assert _reviewers(alice_api, incident["id"]) == ["Bob"]


def test_a_removal_without_the_csrf_token_is_refused(client, alice, alice_api, bob):
    incident = resolved_incident(alice_api)
    base = f"/api/v1/incidents/{incident['id']}/postmortem"
    assert alice_api.post(f"{base}/reviewers", json={"user_id": bob.id}).status_code == 200
    ui_login(client, alice)
    url = f"/incidents/{incident['id']}/postmortem/reviewers/{bob.id}/remove"
    assert client.post(url, data={}, follow_redirects=False).status_code == 403
    assert _reviewers(alice_api, incident["id"]) == ["Bob"]
