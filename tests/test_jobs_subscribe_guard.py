"""A subscription's guard: no job is queued for an event nobody could receive."""

from __future__ import annotations

from sqlalchemy import func, select

from warroom.jobs.models import Job
from warroom.notify import webhooks
from warroom.notify.jobs import INCIDENT_EVENT_JOB


def _fan_out_jobs(make_ctx) -> int:  # type: ignore[no-untyped-def]
    with make_ctx() as ctx:
        return int(ctx.session.scalar(select(func.count()).select_from(Job).where(Job.name == INCIDENT_EVENT_JOB)))


def test_timeline_events_queue_webhook_fan_out_only_while_an_endpoint_is_active(alice_api, make_ctx, alice):
    first = alice_api.post("/api/v1/incidents", json={"title": "Checkout down", "severity": "SEV2"})
    assert first.status_code == 201, first.text
    assert _fan_out_jobs(make_ctx) == 0  # no endpoint: the events are on the timeline, no job per event

    with make_ctx(actor=alice.user) as ctx:
        endpoint = webhooks.create_webhook_endpoint(ctx, url="http://127.0.0.1:9/hook").endpoint
        ctx.session.flush()
        endpoint_id = endpoint.id
    second = alice_api.post("/api/v1/incidents", json={"title": "Search slow", "severity": "SEV3"})
    assert second.status_code == 201, second.text
    queued = _fan_out_jobs(make_ctx)
    assert queued >= 1  # the declaration's events now fan out

    with make_ctx(actor=alice.user) as ctx:
        webhooks.get_webhook_endpoint(ctx, endpoint_id).is_active = False
    alice_api.post("/api/v1/incidents", json={"title": "Login errors", "severity": "SEV3"})
    assert _fan_out_jobs(make_ctx) == queued  # an inactive endpoint receives nothing: no new job
