"""incident.event → one signed webhook per matching endpoint, once per endpoint and event."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from test_notify_webhook import Receiver
from warroom.incidents.models import Incident, TimelineEvent
from warroom.jobs import service as jobs
from warroom.jobs.worker import Worker
from warroom.lib.signing import verify
from warroom.notify import webhooks
from warroom.notify.models import Delivery


def make_incident(make_ctx, *, private: bool = False, kind: str = "status.changed") -> tuple[int, int]:
    with make_ctx() as ctx:
        now = ctx.now()
        incident = Incident(
            title="Checkout is down",
            summary="",
            severity="SEV1",
            status="identified",
            is_private=private,
            is_exercise=False,
            impact="",
            regions=[],
            segments=[],
            detected_at=now,
            declared_at=now,
            updated_at=now,
        )
        ctx.session.add(incident)
        ctx.session.flush()
        event = TimelineEvent(
            incident_id=incident.id,
            kind=kind,
            occurred_at=now,
            recorded_at=now,
            actor_id=None,
            actor_name="Alice",
            source="api",
            data={"from": "investigating", "to": "identified"},
        )
        ctx.session.add(event)
        ctx.session.flush()
        return incident.id, event.id


def publish(make_ctx, incident_id: int, event_id: int, kind: str = "status.changed") -> None:
    # What the incidents domain does for every timeline event.
    with make_ctx() as ctx:
        jobs.publish(
            ctx,
            "incident.event",
            {"incident_id": incident_id, "event_id": event_id, "kind": kind},
            key=f"incident-event:{event_id}",
        )


def add_endpoint(make_ctx, url: str, **kwargs: Any) -> webhooks.IssuedEndpoint:
    with make_ctx() as ctx:
        return webhooks.create_webhook_endpoint(ctx, url=url, **kwargs)


def deliveries(db) -> list[Delivery]:
    with db.transaction() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def test_an_incident_event_sends_one_signed_webhook_per_matching_endpoint(make_ctx, db, clock, settings):
    with Receiver() as everything, Receiver() as notes_only, Receiver() as disabled:
        all_kinds = add_endpoint(make_ctx, everything.url)
        add_endpoint(make_ctx, notes_only.url, event_kinds=["note.added"])
        off = add_endpoint(make_ctx, disabled.url)
        with make_ctx() as ctx:
            webhooks.update_webhook_endpoint(ctx, endpoint_id=off.endpoint.id, is_active=False)
        incident_id, event_id = make_incident(make_ctx)
        publish(make_ctx, incident_id, event_id)
        assert Worker(db, clock, settings).run_due() == 2  # the fan-out job, then one delivery
    assert (len(notes_only.requests), len(disabled.requests)) == (0, 0)
    [request] = everything.requests
    everything.secret = all_kinds.secret
    assert verify(all_kinds.secret, request["timestamp"], request["body"], request["headers"]["X-Warroom-Signature"])
    assert request["headers"]["X-Warroom-Event"] == "status.changed"
    body = json.loads(request["body"])
    assert body["type"] == "incident.event"
    assert body["event"] == {
        "id": event_id,
        "kind": "status.changed",
        "occurred_at": clock.now().isoformat(),
        "recorded_at": clock.now().isoformat(),
        "actor": {"id": None, "name": "Alice"},
        "source": "api",
        "data": {"from": "investigating", "to": "identified"},
        "corrects_id": None,
    }
    assert (body["incident"]["id"], body["incident"]["title"], body["incident"]["severity"]) == (
        incident_id,
        "Checkout is down",
        "SEV1",
    )
    [delivery] = deliveries(db)
    assert (delivery.status, delivery.incident_id, delivery.endpoint_id, delivery.idempotency_key) == (
        "sent",
        incident_id,
        all_kinds.endpoint.id,
        f"webhook:{all_kinds.endpoint.id}:{event_id}",
    )
    assert delivery.subject == f"status.changed on incident {incident_id}"
    assert delivery.signing_secret is None  # endpoint deliveries sign with the endpoint's secret


def test_the_same_event_handled_twice_is_delivered_once(make_ctx, db, clock, settings):
    with Receiver() as receiver:
        add_endpoint(make_ctx, receiver.url)
        incident_id, event_id = make_incident(make_ctx)
        with make_ctx() as ctx:
            first = webhooks.deliver_incident_event(ctx, incident_id=incident_id, event_id=event_id)
            again = webhooks.deliver_incident_event(ctx, incident_id=incident_id, event_id=event_id)
        assert [d.id for d in again] == [d.id for d in first]
        Worker(db, clock, settings).run_due()
    assert len(receiver.requests) == 1


def test_private_incidents_go_only_to_endpoints_that_opted_in(make_ctx, db, clock, settings):
    with Receiver() as public_only, Receiver() as opted_in:
        add_endpoint(make_ctx, public_only.url)
        add_endpoint(make_ctx, opted_in.url, include_private=True)
        incident_id, event_id = make_incident(make_ctx, private=True)
        publish(make_ctx, incident_id, event_id)
        Worker(db, clock, settings).run_due()
    assert (len(public_only.requests), len(opted_in.requests)) == (0, 1)
    assert json.loads(opted_in.requests[0]["body"])["incident"]["is_private"] is True


def test_an_endpoint_deleted_before_sending_fails_its_delivery_without_a_request(make_ctx, db, clock, settings):
    with Receiver() as receiver:
        issued = add_endpoint(make_ctx, receiver.url)
        incident_id, event_id = make_incident(make_ctx)
        with make_ctx() as ctx:
            [queued] = webhooks.deliver_incident_event(ctx, incident_id=incident_id, event_id=event_id)
        with make_ctx() as ctx:
            webhooks.delete_webhook_endpoint(ctx, endpoint_id=issued.endpoint.id)
        Worker(db, clock, settings).run_due()
    assert receiver.requests == []
    [failed] = deliveries(db)
    assert (failed.id, failed.status, failed.endpoint_id) == (queued.id, "failed", None)
    assert failed.last_error == "the webhook endpoint was deleted before this delivery went out"


def test_an_event_that_no_longer_exists_sends_nothing(make_ctx, db, clock, settings):
    with Receiver() as receiver:
        add_endpoint(make_ctx, receiver.url)
        publish(make_ctx, 4040, 4041)
        assert Worker(db, clock, settings).run_due() == 1
    assert receiver.requests == []
    assert deliveries(db) == []


@pytest.mark.parametrize("kinds", [["Bad Kind"], ["x" * 61], [""]])
def test_event_kind_filters_must_be_well_formed(make_ctx, kinds):
    from warroom.errors import Invalid

    with pytest.raises(Invalid, match="is not an event kind"):
        add_endpoint(make_ctx, "https://hooks.example.com/x", event_kinds=kinds)
