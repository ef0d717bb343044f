"""/api/v1/silences: create, list by status, get, expire, preview, and who may do what."""

from __future__ import annotations

from typing import Any

NOW = "2026-03-01T12:00:00+00:00"


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "matchers": [{"name": "env", "op": "=", "value": "staging"}],
        "comment": "staging load test",
        "ends_at": "2026-03-01T14:00:00Z",
    }
    body.update(changes)
    return body


def test_a_responder_creates_a_silence_that_is_active_now(bob_api: Any) -> None:
    response = bob_api.post("/api/v1/silences", json=_body())
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "active"
    assert created["matchers"] == [{"name": "env", "op": "=", "value": "staging"}]
    assert created["starts_at"] == NOW
    assert created["ends_at"] == "2026-03-01T14:00:00+00:00"
    assert created["created_by"] == "Bob"
    assert created["comment"] == "staging load test"
    assert bob_api.get(f"/api/v1/silences/{created['id']}").json() == created


def test_a_viewer_may_read_but_not_create_or_expire(bob_api: Any, charlie_api: Any) -> None:
    created = bob_api.post("/api/v1/silences", json=_body()).json()
    refused = charlie_api.post("/api/v1/silences", json=_body())
    assert refused.status_code == 403
    assert refused.json()["error"] == "this needs the responder role or higher; you are viewer"
    assert charlie_api.post(f"/api/v1/silences/{created['id']}/expire").status_code == 403
    assert charlie_api.get("/api/v1/silences").json()["total"] == 1


def test_the_list_filters_by_derived_status(bob_api: Any, clock: Any) -> None:
    active = bob_api.post("/api/v1/silences", json=_body()).json()
    pending = bob_api.post(
        "/api/v1/silences", json=_body(starts_at="2026-03-01T13:00:00Z", comment="tonight's deploy")
    ).json()
    expired = bob_api.post("/api/v1/silences", json=_body(comment="short")).json()
    bob_api.post(f"/api/v1/silences/{expired['id']}/expire")
    assert pending["status"] == "pending"

    def ids(status: str) -> list[int]:
        return [s["id"] for s in bob_api.get(f"/api/v1/silences?status={status}").json()["items"]]

    assert ids("active") == [active["id"]]
    assert ids("pending") == [pending["id"]]
    assert ids("expired") == [expired["id"]]
    clock.advance(hours=2)
    assert ids("expired") == [pending["id"], expired["id"], active["id"]]


def test_expiring_ends_the_silence_now_and_twice_is_a_conflict(bob_api: Any, clock: Any) -> None:
    created = bob_api.post("/api/v1/silences", json=_body()).json()
    clock.advance(minutes=10)
    expired = bob_api.post(f"/api/v1/silences/{created['id']}/expire")
    assert expired.status_code == 200
    assert expired.json()["status"] == "expired"
    assert expired.json()["expired_at"] == "2026-03-01T12:10:00+00:00"
    again = bob_api.post(f"/api/v1/silences/{created['id']}/expire")
    assert again.status_code == 409
    assert again.json()["error"] == f"silence {created['id']} has already expired"


def test_an_invalid_regex_is_a_422_naming_the_matcher(bob_api: Any) -> None:
    matchers = [{"name": "env", "op": "=", "value": "staging"}, {"name": "job", "op": "=~", "value": "([a-z]"}]
    response = bob_api.post("/api/v1/silences", json=_body(matchers=matchers))
    assert response.status_code == 422
    assert response.json()["error"].startswith("matcher 2: '([a-z]' is not a valid regular expression")
    assert response.json()["detail"] == {"field": "matchers.1.value", "position": 1}


def test_bad_bodies_are_422s(bob_api: Any) -> None:
    cases = [
        _body(comment=""),
        _body(matchers=[]),
        _body(matchers=[{"name": "env", "op": "~", "value": "x"}]),
        _body(ends_at="2026-03-01T11:00:00Z"),
        _body(ends_at="2028-03-01T11:00:00Z"),
        _body(extra="field"),
        _body(service_id=0),
    ]
    for body in cases:
        response = bob_api.post("/api/v1/silences", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]


def test_an_unknown_service_or_silence_is_a_404(bob_api: Any) -> None:
    assert bob_api.post("/api/v1/silences", json=_body(service_id=999)).status_code == 404
    missing = bob_api.get("/api/v1/silences/999")
    assert missing.status_code == 404
    assert missing.json()["error"] == "silence 999 does not exist; see the silence list"


def test_preview_checks_the_matchers_without_saving(bob_api: Any) -> None:
    response = bob_api.post("/api/v1/silences/preview", json={"matchers": [{"name": "env", "value": "staging"}]})
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["total"] == 0
    assert bob_api.get("/api/v1/silences").json()["total"] == 0
    bad = bob_api.post("/api/v1/silences/preview", json={"matchers": [{"name": "env", "op": "=~", "value": "("}]})
    assert bad.status_code == 422
