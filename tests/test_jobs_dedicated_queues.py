"""Dedicated queues: a channel whose handler hangs blocks only its own threads, never the general queue."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from warroom.jobs import registry, service
from warroom.jobs.registry import declare_queue, job
from warroom.jobs.worker import WorkerPool

RELEASE = threading.Event()
HANGING = threading.Event()
GENERAL_RAN = threading.Event()


@job("test.dedicated.hang")
def hang(ctx: Any, payload: dict[str, Any]) -> None:
    HANGING.set()
    RELEASE.wait(10)


@job("test.dedicated.general")
def general(ctx: Any, payload: dict[str, Any]) -> None:
    GENERAL_RAN.set()


@pytest.fixture
def slow_queue() -> Any:
    saved = dict(registry.DEDICATED_QUEUES)
    registry.DEDICATED_QUEUES.clear()  # only the test's queue: paging channels declare theirs at import
    declare_queue("test-slow", threads=1)
    yield "test-slow"
    registry.DEDICATED_QUEUES.clear()
    registry.DEDICATED_QUEUES.update(saved)


def test_a_hanging_dedicated_queue_does_not_delay_the_general_queue(make_ctx, db, clock, settings, slow_queue):
    RELEASE.clear()
    HANGING.clear()
    GENERAL_RAN.clear()
    pool = WorkerPool(db, clock, settings.with_overrides(worker_poll_seconds=0.05))
    assert [w.queues for w in pool.workers] == [None, ["test-slow"]]
    assert pool.general.exclude_queues == ["test-slow"]
    pool.start_thread()
    try:
        with make_ctx() as ctx:
            service.enqueue(ctx, "test.dedicated.hang", queue=slow_queue)
        assert HANGING.wait(5)
        started = time.monotonic()
        with make_ctx() as ctx:
            service.enqueue(ctx, "test.dedicated.general")
        pool.wake()
        assert GENERAL_RAN.wait(5)
        assert time.monotonic() - started < 2.0  # not stuck behind the hanging job
    finally:
        RELEASE.set()
        pool.stop()
    assert not pool.is_running


def test_the_general_worker_never_claims_a_dedicated_queue(make_ctx, db, clock, settings, slow_queue):
    with make_ctx() as ctx:
        service.enqueue(ctx, "test.dedicated.general", queue=slow_queue)
    pool = WorkerPool(db, clock, settings)
    assert pool.general.run_due() == 0
    assert pool.run_due() == 1  # one pass over each queue's first worker runs it


def test_declare_queue_refuses_nonsense():
    with pytest.raises(ValueError, match="default queue"):
        declare_queue("default", threads=2)
    with pytest.raises(ValueError, match="between 1 and 32"):
        declare_queue("page-x", threads=0)
