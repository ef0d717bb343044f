"""The intake fast lane answers exactly as the FastAPI routes do, and the re-delivery fast path keeps order."""

from __future__ import annotations

import json
from typing import Any

import pytest

from test_intake_support import am_alert, am_webhook, integration, make_service, path_of
from warroom.intake import fastlane


def _both_ways(client: Any, monkeypatch: Any, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    """(answer through the lane, answer through the FastAPI route) for the same request, sent twice."""
    through_lane = client.post(path, json=body, headers=headers or {})
    with monkeypatch.context() as patch:
        patch.setattr(fastlane, "route", lambda path: None)  # the lane steps aside
        through_route = client.post(path, json=body, headers=headers or {})
    return through_lane, through_route


@pytest.mark.parametrize("kind", ["alertmanager", "prometheus", "generic", "pagerduty"])
def test_every_receiver_answers_the_same_through_the_lane_and_the_route(client, alice_api, make_ctx, monkeypatch, kind):
    created = integration(alice_api, make_service(make_ctx), kind)
    bodies: dict[str, tuple[str, Any]] = {
        "alertmanager": (path_of(created["url"]), am_webhook([am_alert("PickerDown", "f1")])),
        "prometheus": (path_of(created["url"]), [{"labels": {"alertname": "Disk"}, "annotations": {"s": "x"}}]),
        "generic": (path_of(created["url"]), {"title": "Disk", "state": "firing", "dedup_key": "d1"}),
        "pagerduty": (
            "/v2/enqueue",
            {
                "routing_key": created["key"],
                "event_action": "trigger",
                "dedup_key": "p1",
                "payload": {"summary": "s", "source": "x", "severity": "critical"},
            },
        ),
    }
    path, body = bodies[kind]

    lane, route = _both_ways(client, monkeypatch, path, body)

    assert (lane.status_code, lane.content) == (route.status_code, route.content)
    assert lane.headers.get("content-type") == route.headers.get("content-type")
    assert lane.status_code in (200, 202)


def test_errors_are_the_same_through_the_lane_and_the_route(client, alice_api, make_ctx, monkeypatch):
    created = integration(alice_api, make_service(make_ctx), "pagerduty")
    cases = [
        ("/v2/enqueue", {"routing_key": created["key"], "event_action": "explode"}, None),
        ("/v2/enqueue", {"event_action": "trigger"}, {"X-Routing-Key": "not-a-key" * 4}),
        ("/integrations/alertmanager/not-a-key", am_webhook([am_alert("PickerDown", "f1")]), None),
        ("/integrations/generic/not-a-key", {"title": "x"}, None),
        ("/v2/change/enqueue", {"payload": {}}, None),
        ("/generic/2010-04-15/create_event.json", {"service_key": "nope", "event_type": "trigger"}, None),
    ]
    for path, body, headers in cases:
        lane, route = _both_ways(client, monkeypatch, path, body, headers)
        assert (lane.status_code, lane.json()) == (route.status_code, route.json()), path
        assert 400 <= lane.status_code < 500


def test_the_lane_refuses_a_body_over_512_kb_and_leaves_other_methods_to_the_framework(client):
    big = client.post("/integrations/generic/k", content=b"x" * (512 * 1024 + 1))
    assert big.status_code == 413
    assert big.json()["error"] == "the body is over 512 KB; send fewer alerts per request"

    assert client.get("/integrations/generic/k").status_code == 405


def test_a_redelivery_after_a_resolve_in_the_same_batch_fires_again(app, alice_api, make_ctx, db):
    from warroom.intake import writer as intake_writer

    service_id = make_service(make_ctx)
    key = integration(alice_api, service_id, "alertmanager")["key"]
    state = app.state
    build = fastlane.receivers.alertmanager_plan(key)

    def delivery(status: str, summary: str) -> Any:
        alert = am_alert("PickerDown", "f1", status=status, severity="warning")
        alert["annotations"]["summary"] = summary
        return intake_writer.Delivery.of(build(json.dumps(am_webhook([alert])).encode()), state.clock, state.settings)

    intake_writer.apply_batch(db, [delivery("firing", "first")])
    # a re-delivery (fast path), a resolve, a re-fire (full path, in order)
    answers = intake_writer.apply_batch(
        db, [delivery("firing", "again"), delivery("resolved", "over"), delivery("firing", "back")]
    )

    assert [a.status_code for a in answers] == [200, 200, 200]
    (alert,) = alice_api.get("/api/v1/alerts").json()["items"]
    assert (alert["status"], alert["firing_count"]) == ("firing", 2)
    assert alert["annotations"]["summary"] == "back"
