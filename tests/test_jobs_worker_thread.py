"""The worker loop: runs in a thread, survives a failing pass, stops promptly."""

from __future__ import annotations

import threading
import time
from typing import Any

from warroom.jobs import service
from warroom.jobs.registry import job
from warroom.jobs.worker import Worker

RAN = threading.Event()


@job("test.thread.signal")
def signal(ctx: Any, payload: dict[str, Any]) -> None:
    RAN.set()


def wait_for(condition: Any, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_a_worker_thread_runs_jobs_and_stops_promptly(make_ctx, db, clock, settings):
    RAN.clear()
    worker = Worker(db, clock, settings.with_overrides(worker_poll_seconds=30.0))
    worker.start_thread()
    try:
        with make_ctx() as ctx:
            service.enqueue(ctx, "test.thread.signal")
        worker.wake()
        assert RAN.wait(5)
    finally:
        started = time.monotonic()
        worker.stop()
        stopped_in = time.monotonic() - started
    assert stopped_in < 2.0  # the 30 s idle poll does not delay stopping
    assert not worker.is_running


def test_an_error_in_one_pass_does_not_kill_the_loop(db, clock, settings):
    worker = Worker(db, clock, settings.with_overrides(worker_poll_seconds=0.01))
    passes = {"n": 0}

    def flaky_pass(limit: int = 500) -> int:
        passes["n"] += 1
        if passes["n"] == 1:
            raise RuntimeError("database went away")
        return 0

    worker.run_due = flaky_pass  # type: ignore[method-assign]
    worker.start_thread()
    try:
        assert wait_for(lambda: passes["n"] >= 3)
        assert worker.is_running
    finally:
        worker.stop()
    assert not worker.is_running


def test_stop_without_a_thread_is_harmless(db, clock, settings):
    worker = Worker(db, clock, settings)
    worker.stop()
    assert worker.run_due() == 0
