"""Garbled payloads at every intake endpoint: never a 500, and the stored alerts stay consistent."""

from __future__ import annotations

import json
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from sqlalchemy import select

from test_intake_support import am_alert, am_webhook, integration, make_service
from warroom.incidents.models import Incident
from warroom.intake.models import Alert, AlertGroup

text = st.one_of(st.text(max_size=20), st.sampled_from(["", "\x00", "firing", "resolved", "critical", "💥" * 30]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=8,
)


def _valid(kind: str, key: str) -> Any:
    if kind == "alertmanager":
        return am_webhook([am_alert("PickerDown", "f1"), am_alert("Disk", "f2", status="resolved")])
    if kind == "prometheus":
        return [{"labels": {"alertname": "Lat", "severity": "critical"}, "endsAt": "2026-03-01T12:30:00Z"}]
    if kind in ("v2", "change"):
        payload = {"summary": "s", "source": "x", "severity": "critical", "custom_details": {"a": 1}}
        return {"routing_key": key, "event_action": "trigger", "dedup_key": "d", "payload": payload}
    if kind == "v1":
        return {"service_key": key, "event_type": "trigger", "incident_key": "i", "description": "d"}
    return {"title": "t", "severity": "critical", "dedup_key": "g", "state": "firing", "labels": {"a": "b"}}


def _mutate(body: Any, draw: Any) -> Any:
    """Replace or drop one field somewhere in a valid body."""
    if isinstance(body, list) and body:
        return [_mutate(body[0], draw), *body[1:]]
    if not isinstance(body, dict) or not body:
        return draw(values)
    name = draw(st.sampled_from(sorted(body)))
    action = draw(st.sampled_from(["replace", "drop", "recurse"]))
    if action == "drop":
        return {k: v for k, v in body.items() if k != name}
    if action == "recurse":
        return {**body, name: _mutate(body[name], draw)}
    return {**body, name: draw(values)}


ENDPOINTS = {
    "alertmanager": ("alertmanager", "/integrations/alertmanager/{key}"),
    "prometheus": ("prometheus", "/integrations/prometheus/{key}/api/v2/alerts"),
    "v2": ("pagerduty", "/v2/enqueue"),
    "v1": ("pagerduty", "/generic/2010-04-15/create_event.json"),
    "change": ("pagerduty", "/v2/change/enqueue"),
    "generic": ("generic", "/integrations/generic/{key}"),
}


def _check_consistency(db: Any) -> None:
    with db.transaction(readonly=True) as session:
        incidents = set(session.scalars(select(Incident.id)))
        for alert in session.scalars(select(Alert)):
            assert alert.group_id is not None
            assert alert.status in ("firing", "resolved") and alert.firing_count >= 0
            assert alert.incident_id is None or alert.incident_id in incidents
        for group in session.scalars(select(AlertGroup)):
            firing = session.scalars(select(Alert.id).where(Alert.group_id == group.id, Alert.status == "firing"))
            assert (group.status == "firing") == bool(list(firing)), group.key


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_garbled_payloads_never_make_intake_fail(name, client, alice_api, make_ctx, db):
    kind, template = ENDPOINTS[name]
    key = integration(alice_api, make_service(make_ctx), kind)["key"]
    path = template.format(key=key)
    valid = _valid(name, key)

    @hypothesis.settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data(), raw=st.booleans())
    def check(data: Any, raw: bool) -> None:
        if raw:
            content = data.draw(st.one_of(st.binary(max_size=200), st.just(b"{" * 5000), st.just(b"\xff\xfe")))
        else:
            content = json.dumps(_mutate(valid, data.draw)).encode()
        response = client.post(path, content=content, headers={"Content-Type": "application/json"})
        assert response.status_code < 500, (content[:300], response.text[:300])
        assert response.status_code in (200, 202, 400, 404), response.text

    check()
    _check_consistency(db)
