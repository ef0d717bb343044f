"""Leases: a crashed worker's job is claimed again, and the stale worker cannot finish it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from warroom.jobs import claims, service
from warroom.jobs.models import Job
from warroom.jobs.registry import job
from warroom.jobs.worker import Worker

RUNS: list[str] = []


@job("test.lease.record")
def record(ctx: Any, payload: dict[str, Any]) -> None:
    RUNS.append(payload["tag"])


@pytest.fixture(autouse=True)
def _reset() -> None:
    RUNS.clear()


def fetch(db, job_id: int) -> Job:
    with db.transaction() as session:
        found = session.get(Job, job_id)
        assert found is not None
        return found


def claim_as(db, settings, worker_id: str, now) -> list[int]:
    with db.transaction() as session:
        return [j.id for j in claims.claim(session, now=now, worker_id=worker_id, settings=settings)]


def test_an_expired_lease_is_claimed_again_by_another_worker(make_ctx, db, clock, settings):
    start = clock.now()
    with make_ctx() as ctx:
        queued = service.enqueue(ctx, "test.lease.record", {"tag": "x"})
    assert claim_as(db, settings, "crashed", start) == [queued.id]
    held = fetch(db, queued.id)
    assert (held.status, held.locked_by, held.locked_until) == ("running", "crashed", start + timedelta(seconds=300))

    assert claim_as(db, settings, "rescuer", start + timedelta(seconds=300)) == []
    assert claim_as(db, settings, "rescuer", start + timedelta(seconds=301)) == [queued.id]
    taken = fetch(db, queued.id)
    assert (taken.locked_by, taken.attempts) == ("rescuer", 2)
    assert taken.last_error == "lease expired: worker crashed stopped before finishing; claimed again"


def test_a_stale_worker_cannot_mark_a_reclaimed_job_done_or_failed(make_ctx, db, clock, settings):
    with make_ctx() as ctx:
        queued = service.enqueue(ctx, "test.lease.record", {"tag": "x"})
    claim_as(db, settings, "slow", clock.now())
    claim_as(db, settings, "rescuer", clock.now() + timedelta(minutes=6))
    with db.transaction() as session:
        stale = session.get(Job, queued.id)
        with pytest.raises(service.LeaseLost, match="held by rescuer, not slow"):
            service.mark_done(session, stale, now=clock.now(), worker_id="slow")
        with pytest.raises(service.LeaseLost):
            service.mark_failed(session, stale, now=clock.now(), error="x", settings=settings, worker_id="slow")
    still = fetch(db, queued.id)
    assert (still.status, still.locked_by) == ("running", "rescuer")


def test_a_stale_worker_does_not_run_a_job_someone_else_took_over(make_ctx, db, clock, settings):
    with make_ctx() as ctx:
        queued = service.enqueue(ctx, "test.lease.record", {"tag": "once"})
    stale = Worker(db, clock, settings, name="stale")
    rescuer = Worker(db, clock, settings, name="rescuer")
    claim_as(db, settings, stale.worker_id, clock.now())
    clock.advance(minutes=6)
    assert rescuer.run_due() == 1
    stale._execute(queued.id)
    assert RUNS == ["once"]
    done = fetch(db, queued.id)
    assert (done.status, done.attempts) == ("done", 2)


def test_a_worker_that_dies_during_the_last_attempt_leaves_a_dead_job(make_ctx, db, clock, settings):
    with make_ctx() as ctx:
        queued = service.enqueue(ctx, "test.lease.record", {"tag": "x"}, max_attempts=1)
        later = service.enqueue(ctx, "test.lease.record", {"tag": "next"})
    assert claim_as(db, settings, "crashed", clock.now()) == [queued.id]
    clock.advance(minutes=10)
    # The claim dead-letters the abandoned job and carries on to the next due one.
    assert claim_as(db, settings, "rescuer", clock.now()) == [later.id]
    dead = fetch(db, queued.id)
    assert (dead.status, dead.attempts, dead.finished_at) == ("dead", 1, clock.now())
    assert dead.last_error == "lease expired: worker crashed stopped during the last attempt"


def test_two_worker_instances_in_one_process_have_different_ids(db, clock, settings):
    assert Worker(db, clock, settings).worker_id != Worker(db, clock, settings).worker_id
