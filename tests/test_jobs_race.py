"""Concurrency: racing enqueues with one key, and many workers draining one queue."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select

from warroom.context import Ctx
from warroom.db import Database
from warroom.jobs import service
from warroom.jobs.models import Job
from warroom.jobs.registry import job
from warroom.jobs.worker import Worker

RUN_COUNTS: Counter[int] = Counter()
RUN_BY: set[str] = set()
_lock = threading.Lock()


@job("test.race.count")
def count(ctx: Any, payload: dict[str, Any]) -> None:
    time.sleep(0.002)  # long enough for the workers to interleave
    with _lock:
        RUN_COUNTS[payload["i"]] += 1
        RUN_BY.add(threading.current_thread().name)


def test_two_sessions_racing_on_one_idempotency_key_make_one_row(db, clock, settings):
    results: dict[str, Any] = {}

    def second() -> None:
        try:
            with db.transaction() as session:
                ctx = Ctx(session=session, clock=clock, settings=settings)
                results["second"] = service.enqueue(ctx, "test.race.count", {"i": 2}, key="race:1").id
        except Exception as exc:
            results["error"] = exc

    with db.transaction() as session:
        ctx = Ctx(session=session, clock=clock, settings=settings)
        first = service.enqueue(ctx, "test.race.count", {"i": 1}, key="race:1")
        racer = threading.Thread(target=second)
        racer.start()
        # The second enqueue cannot finish while ours is uncommitted: SQLite's write lock or
        # PostgreSQL's unique index holds it until we commit.
        racer.join(0.5)
        assert racer.is_alive()
        first_id = first.id
    racer.join(15)
    assert not racer.is_alive()
    assert "error" not in results
    assert results["second"] == first_id
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Job).where(Job.idempotency_key == "race:1")) == 1


@pytest.mark.skipif(
    not os.environ.get("WARROOM_TEST_DATABASE_URL"),
    reason="SKIP LOCKED claims only matter on PostgreSQL (SQLite has a single writer)",
)
def test_several_workers_on_postgresql_run_every_job_exactly_once(make_ctx, settings, clock):
    jobs = 240
    RUN_COUNTS.clear()
    RUN_BY.clear()
    with make_ctx() as ctx:
        for i in range(jobs):
            service.enqueue(ctx, "test.race.count", {"i": i})
    deadline = time.monotonic() + 60
    errors: list[BaseException] = []

    def drain(number: int) -> None:
        database = Database(settings)
        try:
            worker = Worker(database, clock, settings, name=f"w{number}")
            while time.monotonic() < deadline and worker.run_due(limit=20) > 0:
                pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            database.dispose()

    threads = [threading.Thread(target=drain, args=(n,), name=f"drain-{n}") for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0.1))
    assert not any(t.is_alive() for t in threads), "workers did not finish within 60 s"
    assert errors == []
    assert sorted(RUN_COUNTS) == list(range(jobs))
    assert set(RUN_COUNTS.values()) == {1}
    assert len(RUN_BY) > 1
    with make_ctx() as ctx:
        assert service.stats(ctx).as_dict()["done"] == jobs
