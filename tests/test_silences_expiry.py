"""A silence's end is announced on `silence.ended` exactly at its end instant, or at once when expired early."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from warroom.context import Ctx
from warroom.jobs.registry import SUBSCRIBERS, job
from warroom.jobs.worker import Worker
from warroom.silences import service

PROBE = "tests.silences.ended_probe"
HEARD: list[tuple[datetime, int]] = []


@job(PROBE)
def _probe(ctx: Ctx, payload: dict[str, Any]) -> None:
    HEARD.append((ctx.now(), int(payload["silence_id"])))


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[tuple[datetime, int]]:
    HEARD.clear()
    monkeypatch.setitem(SUBSCRIBERS, service.ENDED_TOPIC, [PROBE])
    return HEARD


def _silence(make_ctx: Any, bob: Any, clock: Any, **changes: Any) -> int:
    with make_ctx(actor=bob.user) as ctx:
        fields: dict[str, Any] = {
            "matchers": [{"name": "env", "op": "=", "value": "staging"}],
            "comment": "load test",
            "ends_at": clock.now() + timedelta(hours=2),
        }
        fields.update(changes)
        return service.create_silence(ctx, **fields).id


def test_the_end_job_publishes_silence_ended_at_the_exact_instant(make_ctx, bob, clock, db, settings, heard):
    silence_id = _silence(make_ctx, bob, clock)
    worker = Worker(db, clock, settings)
    clock.advance(hours=2, seconds=-1)
    worker.run_due()
    assert heard == []
    clock.advance(seconds=1)
    worker.run_due()  # the timer fires and publishes
    worker.run_due()  # the subscriber runs
    assert heard == [(datetime(2026, 3, 1, 14, 0, tzinfo=UTC), silence_id)]


def test_expiring_early_publishes_once_and_the_end_timer_stays_quiet(make_ctx, bob, clock, db, settings, heard):
    silence_id = _silence(make_ctx, bob, clock)
    worker = Worker(db, clock, settings)
    clock.advance(minutes=30)
    with make_ctx(actor=bob.user) as ctx:
        service.expire_silence(ctx, service.get_silence(ctx, silence_id))
    worker.run_due()
    clock.advance(hours=3)
    worker.run_due()
    worker.run_due()
    assert heard == [(datetime(2026, 3, 1, 12, 30, tzinfo=UTC), silence_id)]


def test_matching_silence_sees_only_silences_active_at_that_instant(make_ctx, bob, clock, db):
    start = clock.now()
    later = _silence(make_ctx, bob, clock, starts_at=start + timedelta(hours=1))
    labels = {"env": "staging", "job": "api"}
    with db.transaction(readonly=True) as session:
        assert service.matching_silence(session, labels, start) is None
        found = service.matching_silence(session, labels, start + timedelta(hours=1))
        assert found is not None and found.id == later
        assert service.matching_silence(session, labels, start + timedelta(hours=2)) is None
        assert service.matching_silence(session, {"env": "prod"}, start + timedelta(hours=1, minutes=5)) is None


def test_a_service_scoped_silence_matches_only_that_service(make_ctx, alice, bob, clock, db):
    from warroom.catalog import service as catalog

    with make_ctx(actor=alice.user) as ctx:
        wms = catalog.create_service(ctx, name="WMS", tier=1).id
        labels_api = catalog.create_service(ctx, name="Labels", tier=2).id
    scoped = _silence(make_ctx, bob, clock, service_id=wms)
    with db.transaction(readonly=True) as session:
        found = service.matching_silence(session, {"env": "staging"}, clock.now(), wms)
        assert found is not None and found.id == scoped
        assert service.matching_silence(session, {"env": "staging"}, clock.now(), labels_api) is None
        assert service.matching_silence(session, {"env": "staging"}, clock.now(), None) is None


def test_when_several_silences_match_the_longest_lasting_wins(make_ctx, bob, clock, db):
    _silence(make_ctx, bob, clock)
    longest = _silence(make_ctx, bob, clock, ends_at=clock.now() + timedelta(days=1))
    with db.transaction(readonly=True) as session:
        found = service.matching_silence(session, {"env": "staging"}, clock.now())
        assert found is not None and found.id == longest
