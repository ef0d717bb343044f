from __future__ import annotations

import pytest

from test_incidents_support import declare, events, move
from warroom.incidents import lifecycle, service
from warroom.incidents.models import STATUSES

# How to reach each status from a fresh incident.
PATHS = {
    "investigating": [],
    "identified": ["identified"],
    "monitoring": ["monitoring"],
    "resolved": ["resolved"],
    "closed": ["resolved", "closed"],
}
ALLOWED = {
    "investigating": ["identified", "monitoring", "resolved"],
    "identified": ["monitoring", "resolved"],
    "monitoring": ["resolved", "investigating"],
    "resolved": ["closed", "investigating"],
    "closed": [],
}


@pytest.fixture(autouse=True)
def _core_lifecycle_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The core lifecycle alone; the post-mortem close rule has its own tests (tests/test_review_close_rule.py)."""
    monkeypatch.setattr(lifecycle, "CLOSE_GUARDS", [])


def test_allowed_transitions_match_the_lifecycle():
    assert {status: service.allowed_transitions(status) for status in STATUSES} == ALLOWED
    assert service.allowed_transitions("bogus") == []


@pytest.mark.parametrize("current", STATUSES)
def test_every_move_from_each_status_is_allowed_or_a_409(alice_api, current):
    for requested in STATUSES:
        incident = declare(alice_api)
        for step in PATHS[current]:
            assert move(alice_api, incident["id"], step).status_code == 200
        response = move(alice_api, incident["id"], requested)
        if requested in ALLOWED[current]:
            assert response.status_code == 200, (current, requested, response.text)
            assert response.json()["status"] == requested
            assert response.json()["allowed_transitions"] == ALLOWED[requested]
        else:
            assert response.status_code == 409, (current, requested)
            body = response.json()
            assert body["detail"] == {"current": current, "requested": requested, "allowed": ALLOWED[current]}
            assert current in body["error"]
            assert requested in body["error"]
            after = alice_api.get(f"/api/v1/incidents/{incident['id']}").json()
            assert after["status"] == current


def test_the_same_status_again_is_a_conflict_that_records_nothing(alice_api):
    incident = declare(alice_api)
    move(alice_api, incident["id"], "identified")
    response = move(alice_api, incident["id"], "identified")
    assert response.status_code == 409
    assert response.json()["error"].startswith(f"incident {incident['id']} is already identified")
    assert [e["kind"] for e in events(alice_api, incident["id"])] == ["incident.declared", "status.changed"]


def test_an_unknown_status_is_a_422(alice_api):
    incident = declare(alice_api)
    assert move(alice_api, incident["id"], "fixed").status_code == 422


def test_a_status_change_records_from_to_and_note(alice_api, clock):
    incident = declare(alice_api)
    clock.advance(minutes=7)
    response = move(alice_api, incident["id"], "identified", note="bad index on bins table")
    assert response.status_code == 200
    event = events(alice_api, incident["id"])[-1]
    assert event["kind"] == "status.changed"
    assert event["data"] == {"from": "investigating", "to": "identified", "note": "bad index on bins table"}
    assert event["text"] == "changed status from investigating to identified: bad index on bins table"
    assert event["at"] == "2026-03-01T12:07:00+00:00"


def test_skipping_forward_to_resolved_is_allowed(alice_api, clock):
    incident = declare(alice_api)
    clock.advance(minutes=30)
    body = move(alice_api, incident["id"], "resolved").json()
    assert body["status"] == "resolved"
    assert body["resolved_at"] == "2026-03-01T12:30:00+00:00"
    # Resolving implies the impact was mitigated by then at the latest.
    assert body["mitigated_at"] == "2026-03-01T12:30:00+00:00"


def test_reopening_from_resolved_clears_resolved_at(alice_api, clock):
    incident = declare(alice_api)
    clock.advance(minutes=10)
    move(alice_api, incident["id"], "monitoring")
    clock.advance(minutes=10)
    move(alice_api, incident["id"], "resolved")
    clock.advance(minutes=10)
    response = move(alice_api, incident["id"], "investigating", note="errors are back")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "investigating"
    assert body["resolved_at"] is None
    assert body["mitigated_at"] == "2026-03-01T12:10:00+00:00"
    event = events(alice_api, incident["id"])[-1]
    assert event["kind"] == "incident.reopened"
    assert event["data"] == {"from": "resolved", "to": "investigating", "note": "errors are back"}
    assert event["text"] == "reopened the incident (resolved → investigating): errors are back"
    clock.advance(minutes=10)
    assert move(alice_api, incident["id"], "resolved").json()["resolved_at"] == "2026-03-01T12:40:00+00:00"


def test_reopening_from_monitoring_is_allowed(alice_api):
    incident = declare(alice_api)
    move(alice_api, incident["id"], "monitoring")
    assert move(alice_api, incident["id"], "investigating").json()["status"] == "investigating"
    assert events(alice_api, incident["id"])[-1]["kind"] == "incident.reopened"


def test_mitigated_at_is_the_first_entry_into_monitoring(alice_api, clock):
    incident = declare(alice_api)
    clock.advance(minutes=15)
    assert move(alice_api, incident["id"], "monitoring").json()["mitigated_at"] == "2026-03-01T12:15:00+00:00"
    clock.advance(minutes=5)
    move(alice_api, incident["id"], "investigating")
    clock.advance(minutes=5)
    assert move(alice_api, incident["id"], "monitoring").json()["mitigated_at"] == "2026-03-01T12:15:00+00:00"


def test_an_explicit_mitigated_at_wins_over_monitoring(alice_api, clock):
    incident = declare(alice_api)
    clock.advance(minutes=20)
    response = alice_api.patch(f"/api/v1/incidents/{incident['id']}", json={"mitigated_at": "2026-03-01T12:05:00Z"})
    assert response.json()["mitigated_at"] == "2026-03-01T12:05:00+00:00"
    clock.advance(minutes=5)
    assert move(alice_api, incident["id"], "monitoring").json()["mitigated_at"] == "2026-03-01T12:05:00+00:00"


def test_an_explicit_mitigated_at_overrides_an_earlier_monitoring_entry(alice_api, clock):
    incident = declare(alice_api)
    clock.advance(minutes=20)
    move(alice_api, incident["id"], "monitoring")
    response = alice_api.patch(f"/api/v1/incidents/{incident['id']}", json={"mitigated_at": "2026-03-01T12:12:00Z"})
    assert response.json()["mitigated_at"] == "2026-03-01T12:12:00+00:00"


def test_closing_stamps_closed_at_and_is_final(alice_api, clock):
    incident = declare(alice_api)
    move(alice_api, incident["id"], "resolved")
    clock.advance(hours=2)
    body = move(alice_api, incident["id"], "closed").json()
    assert body["closed_at"] == "2026-03-01T14:00:00+00:00"
    assert body["allowed_transitions"] == []
    response = move(alice_api, incident["id"], "investigating")
    assert response.status_code == 409
    assert "final" in response.json()["error"]


def test_changing_severity_records_the_reason(alice_api):
    incident = declare(alice_api, severity="SEV3")
    response = alice_api.post(
        f"/api/v1/incidents/{incident['id']}/severity", json={"severity": "SEV1", "reason": "all halls affected"}
    )
    assert response.status_code == 200
    assert response.json()["severity"] == "SEV1"
    event = events(alice_api, incident["id"])[-1]
    assert event["kind"] == "severity.changed"
    assert event["text"] == "changed severity from SEV3 to SEV1: all halls affected"


def test_the_same_severity_again_is_a_conflict(alice_api):
    incident = declare(alice_api, severity="SEV2")
    response = alice_api.post(f"/api/v1/incidents/{incident['id']}/severity", json={"severity": "SEV2"})
    assert response.status_code == 409
    assert response.json()["detail"] == {"current": "SEV2", "requested": "SEV2"}


def test_status_changes_on_a_missing_incident_are_404(alice_api):
    assert move(alice_api, 4242, "resolved").status_code == 404
    assert move(alice_api, 2**40, "resolved").status_code == 422
