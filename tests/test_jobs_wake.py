"""A commit that adds a job due now wakes this process's workers for that queue: no wait for the next poll."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

from warroom.jobs import service
from warroom.jobs.registry import JOB_QUEUES, job
from warroom.jobs.worker import WorkerPool

RAN = threading.Event()


@job("test.wake.now")
def now_job(ctx: Any, payload: dict[str, Any]) -> None:
    RAN.set()


def test_a_committed_job_due_now_starts_without_waiting_for_the_poll(make_ctx, db, clock, settings):
    RAN.clear()
    pool = WorkerPool(db, clock, settings.with_overrides(worker_poll_seconds=30))
    pool.start_thread()
    try:
        time.sleep(0.3)  # every thread has made its first pass and now sleeps for 30 s
        started = time.monotonic()
        with make_ctx() as ctx:
            service.enqueue(ctx, "test.wake.now")

        assert RAN.wait(10)
        assert time.monotonic() - started < 5  # woken by the commit, not by the 30 s poll
    finally:
        pool.stop()


def test_a_rolled_back_or_future_job_wakes_nobody(make_ctx, db, clock, settings, monkeypatch):
    woken: list[set[str]] = []
    pool = WorkerPool(db, clock, settings)
    monkeypatch.setattr(pool, "wake_queues", lambda queues: woken.append(set(queues)))

    with make_ctx() as ctx:
        service.enqueue(ctx, "test.wake.now", run_at=ctx.now() + timedelta(minutes=5))
    try:
        with make_ctx() as ctx:
            service.enqueue(ctx, "test.wake.now")
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    with make_ctx() as ctx:
        service.enqueue(ctx, "test.wake.now")

    assert woken == [{"default"}]


def test_paging_jobs_go_to_their_own_queue_by_default(make_ctx):
    with make_ctx() as ctx:
        step = service.enqueue(ctx, "paging.on_declared", {"incident_id": 1})
        other = service.enqueue(ctx, "test.wake.now")
    assert (JOB_QUEUES["paging.on_declared"], step.queue, other.queue) == ("paging", "paging", "default")
