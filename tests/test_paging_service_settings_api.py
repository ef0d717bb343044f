"""PUT /api/v1/services/{id}/paging: policy, ack timeout, support hours, low-urgency behaviour."""

from __future__ import annotations

from test_incidents_support import add_service
from test_paging_support import make_policy, user_rule

HOURS = {"timezone": "Europe/Berlin", "windows": [{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:30"}]}


def test_an_admin_attaches_a_policy_with_support_hours(alice_api, charlie_api, bob, make_ctx):
    service_id = add_service(make_ctx, "WMS")
    policy = make_policy(make_ctx, user_rule(bob.id))
    body = {
        "policy_id": policy,
        "ack_timeout_minutes": 30,
        "support_hours": HOURS,
        "low_urgency": "notify_without_paging",
    }
    response = alice_api.put(f"/api/v1/services/{service_id}/paging", json=body)
    assert response.status_code == 200, response.text
    out = response.json()
    assert {k: out[k] for k in ("service_name", "policy_name", "ack_timeout_minutes", "low_urgency")} == {
        "service_name": "WMS",
        "policy_name": "Primary",
        "ack_timeout_minutes": 30,
        "low_urgency": "notify_without_paging",
    }
    assert out["support_hours"] == HOURS
    assert out["support_hours_text"] == "Mon,Tue,Wed,Thu,Fri 09:00–17:30 (Europe/Berlin)"
    assert charlie_api.get(f"/api/v1/services/{service_id}/paging").json() == out


def test_bad_paging_settings_get_a_422(alice_api, bob, make_ctx):
    service_id = add_service(make_ctx, "WMS")
    policy = make_policy(make_ctx, user_rule(bob.id))
    url = f"/api/v1/services/{service_id}/paging"
    cases = [
        ({"policy_id": 999}, "escalation policy 999 does not exist"),
        ({"policy_id": policy, "ack_timeout_minutes": 0}, "ack_timeout_minutes must be 1 to 10080 (or null for none)"),
        (
            {"policy_id": policy, "support_hours": {**HOURS, "timezone": "Mars/Olympus"}},
            "unknown time zone 'Mars/Olympus'; use an IANA name such as Europe/Berlin or America/New_York",
        ),
        (
            {
                "policy_id": policy,
                "support_hours": {"timezone": "UTC", "windows": [{"days": [0], "start": "18:00", "end": "09:00"}]},
            },
            "a support window must end after it starts (18:00–09:00); split overnight hours into two windows",
        ),
        (
            {
                "policy_id": policy,
                "support_hours": {"timezone": "UTC", "windows": [{"days": [7], "start": "09:00", "end": "17:00"}]},
            },
            "each support window needs days: a list of weekdays 0 (Monday) to 6 (Sunday)",
        ),
    ]
    for body, message in cases:
        response = alice_api.put(url, json=body)
        assert (response.status_code, response.json()["error"]) == (422, message)
    assert alice_api.put(url, json={"policy_id": policy, "low_urgency": "sometimes"}).status_code == 422


def test_paging_settings_of_unknown_services_are_404(alice_api, bob, make_ctx):
    policy = make_policy(make_ctx, user_rule(bob.id))
    assert alice_api.put("/api/v1/services/4040/paging", json={"policy_id": policy}).status_code == 404
    assert alice_api.get("/api/v1/services/4040/paging").status_code == 404


def test_a_responder_cannot_change_paging_settings(bob_api, bob, make_ctx):
    service_id = add_service(make_ctx, "WMS")
    policy = make_policy(make_ctx, user_rule(bob.id))
    assert bob_api.put(f"/api/v1/services/{service_id}/paging", json={"policy_id": policy}).status_code == 403
