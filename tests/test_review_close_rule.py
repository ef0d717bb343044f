"""An incident cannot reach `closed` until its post-mortem is published."""

from __future__ import annotations

from test_review_support import move, publish, resolved_incident, write_sections
from warroom.incidents import lifecycle
from warroom.review import postmortems


def test_closing_without_a_postmortem_is_a_409_that_says_so(alice_api):
    incident = resolved_incident(alice_api)
    response = move(alice_api, incident["id"], "closed")
    assert response.status_code == 409
    assert response.json()["error"] == (
        f"incident {incident['id']} cannot be closed until its post-mortem is published; it has no post-mortem. "
        f"Publish it at /incidents/{incident['id']}/postmortem first"
    )
    assert alice_api.get(f"/api/v1/incidents/{incident['id']}").json()["status"] == "resolved"


def test_closing_with_a_draft_postmortem_is_refused(alice_api):
    incident = resolved_incident(alice_api)
    write_sections(alice_api, incident["id"])
    response = move(alice_api, incident["id"], "closed")
    assert response.status_code == 409
    assert response.json()["detail"] == {"postmortem_status": "draft"}


def test_closing_after_publishing_works(alice_api):
    incident = resolved_incident(alice_api)
    write_sections(alice_api, incident["id"])
    assert publish(alice_api, incident["id"]).status_code == 200
    response = move(alice_api, incident["id"], "closed")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "closed"


def test_the_guard_is_registered_once_through_the_incidents_hook():
    assert lifecycle.CLOSE_GUARDS.count(postmortems.require_published) == 1
    lifecycle.register_close_guard(postmortems.require_published)
    assert lifecycle.CLOSE_GUARDS.count(postmortems.require_published) == 1


def test_a_move_that_is_not_allowed_anyway_keeps_the_lifecycle_message(alice_api):
    incident = alice_api.post("/api/v1/incidents", json={"title": "x", "severity": "SEV3"}).json()
    response = move(alice_api, incident["id"], "closed")
    assert response.status_code == 409
    assert "cannot move from investigating to closed" in response.json()["error"]


def test_the_support_helper_lets_other_tests_close_an_incident(alice_api, make_ctx):
    from test_review_support import publish_minimal_postmortem

    incident = resolved_incident(alice_api, severity="SEV1")
    publish_minimal_postmortem(make_ctx, incident["id"])
    assert move(alice_api, incident["id"], "closed").status_code == 200
