"""The contacts API: my contact methods and rules, validation, permissions, and the page logs."""

# ruff: noqa: F811 - fixtures imported from test_contacts_support are used as test parameters

from __future__ import annotations

import pytest

from test_contacts_support import declare, inbox, page, receiver, run, settings  # noqa: F401

METHODS = "/api/v1/users/me/contact-methods"
RULES = "/api/v1/users/me/notification-rules"


def test_a_responder_adds_lists_and_deletes_contact_methods(bob_api):
    email = bob_api.post(METHODS, json={"kind": "email", "target": "bob@work.example.com", "label": "work"})
    hook = bob_api.post(METHODS, json={"kind": "webhook", "target": "https://hooks.example.com/bob"})
    assert (email.status_code, hook.status_code) == (201, 201)
    assert email.json()["secret"] is None
    assert hook.json()["secret"].startswith("whsec_")
    listed = bob_api.get(METHODS).json()
    assert listed["total"] == 2
    assert [(m["kind"], m["target"], m["status"]) for m in listed["items"]] == [
        ("email", "bob@work.example.com", "unverified"),
        ("webhook", "https://hooks.example.com/bob", "unverified"),
    ]
    assert "secret" not in listed["items"][1]
    assert bob_api.delete(f"{METHODS}/{hook.json()['id']}").status_code == 204
    assert bob_api.get(METHODS).json()["total"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "email", "target": "not-an-address"}, "target"),
        ({"kind": "sms", "target": "0151 123"}, "target"),
        ({"kind": "slack", "target": "ftp://example.com/x"}, "target"),
        ({"kind": "pigeon", "target": "x"}, "kind"),
    ],
)
def test_a_bad_contact_method_gets_a_422_naming_the_field(bob_api, body, field):
    response = bob_api.post(METHODS, json=body)
    assert response.status_code == 422
    assert field in response.text


def test_the_same_method_twice_is_a_conflict(bob_api):
    body = {"kind": "sms", "target": "+4915112345678"}
    assert bob_api.post(METHODS, json=body).status_code == 201
    second = bob_api.post(METHODS, json=body)
    assert second.status_code == 409
    assert "already have this SMS method" in second.json()["error"]


def test_rules_are_added_listed_and_checked(bob_api, alice_api):
    method_id = bob_api.post(METHODS, json={"kind": "sms", "target": "+4915112345678"}).json()["id"]
    rule = bob_api.post(RULES, json={"contact_method_id": method_id, "delay_minutes": 2, "urgency": "high"})
    assert rule.status_code == 201
    assert (rule.json()["delay_minutes"], rule.json()["urgency"]) == (2, "high")
    assert (
        bob_api.post(RULES, json={"contact_method_id": method_id, "delay_minutes": 2, "urgency": "high"}).status_code
        == 409
    )
    assert bob_api.post(RULES, json={"contact_method_id": method_id, "delay_minutes": -1}).status_code == 422
    assert bob_api.post(RULES, json={"contact_method_id": method_id, "delay_minutes": 1441}).status_code == 422
    assert (
        bob_api.post(RULES, json={"contact_method_id": method_id, "delay_minutes": 1, "urgency": "now"}).status_code
        == 422
    )
    # Someone else's method answers like a missing one.
    assert alice_api.post(RULES, json={"contact_method_id": method_id, "delay_minutes": 0}).status_code == 404
    assert [r["id"] for r in bob_api.get(RULES).json()["items"]] == [rule.json()["id"]]
    assert bob_api.delete(f"{RULES}/{rule.json()['id']}").status_code == 204
    assert bob_api.get(RULES).json()["total"] == 0


def test_one_person_cannot_touch_anothers_methods(bob_api, alice_api):
    method_id = bob_api.post(METHODS, json={"kind": "email", "target": "bob@work.example.com"}).json()["id"]
    assert alice_api.get(f"{METHODS}/{method_id}").status_code == 404
    assert alice_api.delete(f"{METHODS}/{method_id}").status_code == 404
    assert alice_api.post(f"{METHODS}/{method_id}/test").status_code == 404
    assert bob_api.get(f"{METHODS}/{method_id}").status_code == 200


def test_a_viewer_reads_but_cannot_add_methods(charlie_api):
    assert charlie_api.get(METHODS).status_code == 200
    assert charlie_api.post(METHODS, json={"kind": "email", "target": "c@example.com"}).status_code == 403


def test_the_page_logs_per_incident_and_per_user(
    db, clock, settings, make_ctx, alice, bob, bob_api, charlie_api, inbox
):
    incident = declare(make_ctx, alice.user)
    page(make_ctx, incident, bob.user, key="k1")
    run(db, clock, settings, "page-email")
    by_incident = charlie_api.get(f"/api/v1/incidents/{incident.id}/pages").json()
    assert by_incident["total"] == 1
    [item] = by_incident["items"]
    assert (item["delivery_id"], item["status"], item["channel"], item["user_id"]) == (
        "k1:account-email",
        "sent",
        "email",
        bob.id,
    )
    assert charlie_api.get(f"/api/v1/users/{bob.id}/pages").json()["items"] == by_incident["items"]
    assert bob_api.get("/api/v1/users/me/pages").json()["total"] == 1
    assert charlie_api.get("/api/v1/users/me/pages").json()["total"] == 0
    assert charlie_api.get("/api/v1/users/99999/pages").status_code == 404
    assert charlie_api.get("/api/v1/incidents/99999/pages").status_code == 404
