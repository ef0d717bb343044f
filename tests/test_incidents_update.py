from __future__ import annotations

from test_incidents_support import declare, events, kinds


def patch(api, incident_id, **fields):
    return api.patch(f"/api/v1/incidents/{incident_id}", json=fields)


def test_only_the_sent_fields_change(alice_api):
    incident = declare(alice_api, summary="first", impact="some", regions=["EU"])
    body = patch(alice_api, incident["id"], title="Checkout fails in EU").json()
    assert body["title"] == "Checkout fails in EU"
    assert (body["summary"], body["impact"], body["regions"]) == ("first", "some", ["EU"])
    event = events(alice_api, incident["id"])[-1]
    assert event["kind"] == "incident.updated"
    assert event["data"] == {"changes": {"title": {"from": "Checkout fails", "to": "Checkout fails in EU"}}}
    assert event["text"] == "changed the title to Checkout fails in EU"


def test_impact_changes_are_their_own_event(alice_api):
    incident = declare(alice_api)
    body = patch(alice_api, incident["id"], impact="No labels", customers_affected=40, segments=["B2B", "B2B"]).json()
    assert (body["impact"], body["customers_affected"], body["segments"]) == ("No labels", 40, ["B2B"])
    event = events(alice_api, incident["id"])[-1]
    assert event["kind"] == "impact.updated"
    assert event["data"]["changes"]["customers_affected"] == {"from": None, "to": 40}
    assert event["text"] == (
        "updated the customer impact: the impact description to No labels, the customers affected to 40, "
        "the segments to B2B"
    )


def test_fields_and_impact_together_make_two_events(alice_api):
    incident = declare(alice_api)
    patch(alice_api, incident["id"], summary="db", regions=["US"])
    assert kinds(alice_api, incident["id"]) == ["incident.declared", "incident.updated", "impact.updated"]


def test_sending_the_current_values_records_nothing(alice_api):
    incident = declare(alice_api, title="Same", regions=["EU"])
    response = patch(alice_api, incident["id"], title="Same", regions=["EU"], private=False)
    assert response.status_code == 200
    assert kinds(alice_api, incident["id"]) == ["incident.declared"]


def test_null_clears_optional_fields_but_not_required_ones(alice_api):
    incident = declare(alice_api, customers_affected=5, impact_started_at="2026-03-01T11:00:00Z")
    body = patch(alice_api, incident["id"], customers_affected=None, impact_started_at=None).json()
    assert body["customers_affected"] is None
    assert body["impact_started_at"] is None
    for field in ("title", "detected_at", "private", "regions"):
        response = patch(alice_api, incident["id"], **{field: None})
        assert response.status_code == 422, field
        assert f"{field} cannot be null" in response.json()["error"]


def test_detected_at_may_be_backdated_but_not_after_declaration(alice_api, clock):
    incident = declare(alice_api)
    clock.advance(minutes=30)
    body = patch(alice_api, incident["id"], detected_at="2026-03-01T11:20:00Z").json()
    assert body["detected_at"] == "2026-03-01T11:20:00+00:00"
    response = patch(alice_api, incident["id"], detected_at="2026-03-01T12:10:00Z")
    assert response.status_code == 422
    assert "after the incident was declared" in response.json()["error"]
    assert response.json()["detail"] == {"field": "detected_at"}


def test_instants_in_the_future_are_refused(alice_api):
    incident = declare(alice_api)
    for field in ("detected_at", "impact_started_at", "mitigated_at"):
        response = patch(alice_api, incident["id"], **{field: "2026-03-01T12:00:01Z"})
        assert response.status_code == 422, field
        assert "future" in response.json()["error"]


def test_a_patch_that_fails_changes_nothing(alice_api):
    incident = declare(alice_api)
    response = patch(alice_api, incident["id"], title="New", detected_at="2030-01-01T00:00:00Z")
    assert response.status_code == 422
    assert alice_api.get(f"/api/v1/incidents/{incident['id']}").json()["title"] == "Checkout fails"
    assert kinds(alice_api, incident["id"]) == ["incident.declared"]


def test_unknown_fields_in_a_patch_are_refused(alice_api):
    incident = declare(alice_api)
    assert patch(alice_api, incident["id"], status="resolved").status_code == 422
    assert patch(alice_api, incident["id"], severity="SEV1").status_code == 422


def test_a_viewer_cannot_patch(alice_api, charlie_api):
    incident = declare(alice_api)
    assert patch(charlie_api, incident["id"], title="mine").status_code == 403
