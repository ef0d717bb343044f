"""The queue on fake time: exact run instants, backoff, dead letters, idempotency, atomic effects."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from warroom.errors import Conflict, Invalid, NotFound
from warroom.jobs import service
from warroom.jobs.models import Job
from warroom.jobs.registry import PermanentFailure, RetryLater, job, subscribe
from warroom.jobs.worker import Worker

RUNS: list[dict[str, Any]] = []
FAILURES = {"count": 0}


@job("test.queue.record")
def record(ctx: Any, payload: dict[str, Any]) -> None:
    RUNS.append(payload)


@job("test.queue.boom")
def boom(ctx: Any, payload: dict[str, Any]) -> None:
    FAILURES["count"] += 1
    raise RuntimeError(f"boom {FAILURES['count']}")


@job("test.queue.later")
def later(ctx: Any, payload: dict[str, Any]) -> None:
    raise RetryLater("not yet", delay_seconds=payload["delay"], counts=payload.get("counts", False))


@job("test.queue.permanent")
def permanent(ctx: Any, payload: dict[str, Any]) -> None:
    raise PermanentFailure("address rejected: 550 no such user")


@job("test.queue.write_then_fail")
def write_then_fail(ctx: Any, payload: dict[str, Any]) -> None:
    service.enqueue(ctx, "test.queue.record", {"effect": payload["tag"]}, key=f"effect:{payload['tag']}")
    if payload.get("fail"):
        raise RuntimeError("failed after writing")


subscribe("test.queue.topic", "test.queue.record")
subscribe("test.queue.topic", "test.queue.second")


@job("test.queue.second")
def second(ctx: Any, payload: dict[str, Any]) -> None:
    RUNS.append({"second": payload})


@pytest.fixture(autouse=True)
def _reset() -> None:
    RUNS.clear()
    FAILURES["count"] = 0


@pytest.fixture
def worker(db, clock, settings):
    return Worker(db, clock, settings)


def fetch(db, job_id: int) -> Job:
    with db.transaction() as session:
        found = session.get(Job, job_id)
        assert found is not None
        return found


def add(make_ctx, name: str, payload: dict[str, Any] | None = None, **kwargs: Any) -> Job:
    with make_ctx() as ctx:
        return service.enqueue(ctx, name, payload, **kwargs)


def test_a_job_enqueued_for_t_does_not_run_a_second_before_and_runs_at_t(make_ctx, clock, worker, db):
    t = clock.now() + timedelta(minutes=5)
    queued = add(make_ctx, "test.queue.record", {"n": 1}, run_at=t)
    clock.set(t - timedelta(seconds=1))
    assert worker.run_due() == 0
    assert RUNS == []
    clock.set(t)
    assert worker.run_due() == 1
    assert RUNS == [{"n": 1}]
    done = fetch(db, queued.id)
    assert (done.status, done.attempts, done.finished_at, done.locked_by) == ("done", 1, t, None)


def test_a_failed_job_is_retried_at_exactly_now_plus_the_backoff(make_ctx, clock, worker, db):
    start = clock.now()
    queued = add(make_ctx, "test.queue.boom")
    assert worker.run_due() == 1
    first = fetch(db, queued.id)
    assert (first.status, first.attempts, first.run_at) == ("pending", 1, start + timedelta(seconds=10))
    assert first.last_error == "RuntimeError: boom 1"

    clock.set(start + timedelta(seconds=9, microseconds=999999))
    assert worker.run_due() == 0
    clock.set(start + timedelta(seconds=10))
    assert worker.run_due() == 1
    assert fetch(db, queued.id).run_at == start + timedelta(seconds=10 + 20)

    clock.set(start + timedelta(seconds=30))
    assert worker.run_due() == 1
    third = fetch(db, queued.id)
    assert (third.attempts, third.run_at) == (3, start + timedelta(seconds=70))
    assert third.last_error == "RuntimeError: boom 3"


def test_backoff_doubles_from_the_base_and_is_capped(settings):
    delays = [service.backoff(settings, n).total_seconds() for n in (1, 2, 3, 4, 9, 10, 11, 500)]
    assert delays == [10, 20, 40, 80, 2560, 3600, 3600, 3600]
    short = settings.with_overrides(job_backoff_seconds=2.0, job_backoff_cap_seconds=5.0)
    assert [service.backoff(short, n).total_seconds() for n in (1, 2, 3)] == [2, 4, 5]


def test_a_job_is_dead_after_max_attempts_and_keeps_its_last_error(make_ctx, clock, worker, db):
    queued = add(make_ctx, "test.queue.boom", max_attempts=3)
    worker.run_due()
    clock.advance(seconds=10)
    worker.run_due()
    clock.advance(seconds=20)
    assert worker.run_due() == 1
    dead = fetch(db, queued.id)
    assert (dead.status, dead.attempts, dead.finished_at) == ("dead", 3, clock.now())
    assert dead.last_error == "RuntimeError: boom 3"
    clock.advance(hours=10)
    assert worker.run_due() == 0
    assert FAILURES["count"] == 3


def test_retry_later_reschedules_at_exactly_the_given_delay_without_counting(make_ctx, clock, worker, db):
    queued = add(make_ctx, "test.queue.later", {"delay": 90})
    worker.run_due()
    waiting = fetch(db, queued.id)
    assert (waiting.status, waiting.attempts, waiting.run_at) == ("pending", 0, clock.now() + timedelta(seconds=90))
    assert waiting.last_error == "not yet"


def test_retry_later_that_counts_uses_up_an_attempt(make_ctx, clock, worker, db):
    queued = add(make_ctx, "test.queue.later", {"delay": 5, "counts": True}, max_attempts=2)
    worker.run_due()
    assert (fetch(db, queued.id).attempts, fetch(db, queued.id).run_at) == (1, clock.now() + timedelta(seconds=5))
    clock.advance(seconds=5)
    worker.run_due()
    assert fetch(db, queued.id).status == "dead"


def test_permanent_failure_dead_letters_at_once(make_ctx, clock, worker, db):
    queued = add(make_ctx, "test.queue.permanent")
    assert worker.run_due() == 1
    dead = fetch(db, queued.id)
    assert (dead.status, dead.attempts, dead.max_attempts) == ("dead", 1, 8)
    assert dead.last_error == "address rejected: 550 no such user"


def test_a_job_without_a_handler_is_dead_lettered_with_a_hint(make_ctx, worker, db):
    queued = add(make_ctx, "test.queue.nobody_handles_this")
    worker.run_due()
    dead = fetch(db, queued.id)
    assert dead.status == "dead"
    assert dead.last_error == (
        "no handler registered for job 'test.queue.nobody_handles_this'; "
        "is its module listed in warroom.handlers.DOMAIN_JOB_MODULES?"
    )


def test_a_duplicate_idempotency_key_returns_the_first_job(make_ctx, db):
    first = add(make_ctx, "test.queue.record", {"n": 1}, key="page:42")
    again = add(make_ctx, "test.queue.record", {"n": 2}, key="page:42")
    assert again.id == first.id
    assert again.payload == {"n": 1}
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 1


def test_handler_writes_and_done_commit_together(make_ctx, worker, db):
    failing = add(make_ctx, "test.queue.write_then_fail", {"tag": "a", "fail": True})
    succeeding = add(make_ctx, "test.queue.write_then_fail", {"tag": "b"})
    worker.run_due()
    with db.transaction() as session:
        keys = set(session.scalars(select(Job.idempotency_key).where(Job.idempotency_key.like("effect:%"))))
    assert keys == {"effect:b"}
    assert fetch(db, failing.id).status == "pending"
    assert fetch(db, succeeding.id).status == "done"


def test_cancel_by_key_stops_a_pending_job(make_ctx, clock, worker, db):
    queued = add(make_ctx, "test.queue.record", {"n": 1}, key="reminder:7", run_at=clock.now() + timedelta(minutes=1))
    with make_ctx() as ctx:
        assert service.cancel(ctx, key="reminder:7") is True
        assert service.cancel(ctx, key="reminder:7") is False
        assert service.cancel(ctx, key="reminder:unknown") is False
    clock.advance(minutes=2)
    assert worker.run_due() == 0
    cancelled = fetch(db, queued.id)
    assert (cancelled.status, cancelled.finished_at) == ("cancelled", clock.now() - timedelta(minutes=2))


def test_retry_dead_puts_a_dead_job_back_for_a_full_set_of_attempts(make_ctx, clock, worker, db):
    queued = add(make_ctx, "test.queue.permanent")
    worker.run_due()
    clock.advance(minutes=3)
    with make_ctx() as ctx:
        again = service.retry_dead(ctx, job_id=queued.id)
        assert (again.status, again.attempts, again.run_at, again.finished_at) == ("pending", 0, clock.now(), None)
    with make_ctx() as ctx, pytest.raises(Conflict, match=f"job {queued.id} is pending; only dead jobs"):
        service.retry_dead(ctx, job_id=queued.id)
    with make_ctx() as ctx, pytest.raises(NotFound, match="job 999 does not exist"):
        service.retry_dead(ctx, job_id=999)


def test_publish_enqueues_one_job_per_subscriber_once_per_key(make_ctx, worker, db):
    with make_ctx() as ctx:
        jobs = service.publish(ctx, "test.queue.topic", {"incident_id": 3}, key="evt:1")
        assert [(j.name, j.idempotency_key) for j in jobs] == [
            ("test.queue.record", "evt:1:test.queue.record"),
            ("test.queue.second", "evt:1:test.queue.second"),
        ]
        assert service.publish(ctx, "test.queue.topic", {"incident_id": 3}, key="evt:1")[0].id == jobs[0].id
        assert service.publish(ctx, "test.queue.nobody_listens", {"x": 1}) == []
    assert worker.run_due() == 2
    assert RUNS == [
        {"incident_id": 3, "topic": "test.queue.topic"},
        {"second": {"incident_id": 3, "topic": "test.queue.topic"}},
    ]


def test_a_worker_can_be_limited_to_some_queues(make_ctx, db, clock, settings):
    add(make_ctx, "test.queue.record", {"q": "email"}, queue="email")
    add(make_ctx, "test.queue.record", {"q": "webhook"}, queue="webhook")
    add(make_ctx, "test.queue.record", {"q": "default"})
    assert Worker(db, clock, settings, queues=["webhook"]).run_due() == 1
    assert RUNS == [{"q": "webhook"}]
    assert Worker(db, clock, settings, queues=["email", "default"]).run_due() == 2
    assert RUNS[1:] == [{"q": "email"}, {"q": "default"}]


def test_stats_count_jobs_by_status_and_due(make_ctx, clock, worker):
    add(make_ctx, "test.queue.record")
    add(make_ctx, "test.queue.permanent")
    worker.run_due()
    add(make_ctx, "test.queue.record")
    add(make_ctx, "test.queue.record", run_at=clock.now() + timedelta(hours=1))
    with make_ctx() as ctx:
        assert service.stats(ctx).as_dict() == {
            "pending": 2,
            "due": 1,
            "running": 0,
            "dead": 1,
            "done": 1,
            "cancelled": 0,
        }


def test_enqueue_refuses_an_overlong_key(make_ctx):
    with make_ctx() as ctx, pytest.raises(Invalid, match="idempotency key must be 1 to 255"):
        service.enqueue(ctx, "test.queue.record", key="k" * 256)


def test_listing_jobs_filters_by_status_and_rejects_unknown_ones(make_ctx, worker):
    add(make_ctx, "test.queue.permanent")
    add(make_ctx, "test.queue.record", run_at=None)
    worker.run_due()
    with make_ctx() as ctx:
        dead, total = service.list_jobs(ctx, status="dead")
        assert ([j.name for j in dead], total) == (["test.queue.permanent"], 1)
        with pytest.raises(Invalid, match="unknown job status 'deadish'"):
            service.list_jobs(ctx, status="deadish")


def test_enqueue_many_adds_each_new_key_once_and_skips_keys_already_taken(make_ctx, clock, worker, db):
    RUNS.clear()
    add(make_ctx, "test.queue.record", {"n": 0}, key="many:0")
    t = clock.now() + timedelta(minutes=5)
    with make_ctx() as ctx:
        service.enqueue_many(
            ctx,
            "test.queue.record",
            [
                ({"n": 1}, t, "many:1"),
                ({"n": 0, "again": True}, t, "many:0"),
                ({"n": 2}, None, "many:2"),
                ({"n": 1, "twice": True}, t, "many:1"),
            ],
        )
    with db.transaction(readonly=True) as session:
        keys = session.scalars(select(Job.idempotency_key).where(Job.idempotency_key.like("many:%"))).all()
        assert sorted(keys) == ["many:0", "many:1", "many:2"]
    worker.run_due()  # many:0 (due before) and many:2 (no run_at: due now); many:1 waits for t
    assert sorted(r["n"] for r in RUNS) == [0, 2] and not any(r.get("again") for r in RUNS)
    clock.set(t)
    worker.run_due()
    assert sorted(r["n"] for r in RUNS) == [0, 1, 2] and not any(r.get("twice") for r in RUNS)


def test_enqueue_many_falls_back_to_one_by_one_when_a_key_is_taken_meanwhile(make_ctx, db, monkeypatch):
    # A concurrent enqueue can take a key between the lookup and the insert (PostgreSQL): the batch's
    # SAVEPOINT then fails and each job goes through enqueue, which finds the winner's row.
    real_scalars = None

    def blind_lookup(session, statement):  # type: ignore[no-untyped-def]
        assert real_scalars is not None
        if "idempotency_key IN" in str(statement):
            return iter(())  # the lookup misses the key taken by the first add below
        return real_scalars(session, statement)

    add(make_ctx, "test.queue.record", {"n": 0}, key="race:0")
    with make_ctx() as ctx:
        from sqlalchemy.orm import Session

        real_scalars = Session.scalars
        monkeypatch.setattr(Session, "scalars", blind_lookup)
        service.enqueue_many(ctx, "test.queue.record", [({"n": 9}, None, "race:0"), ({"n": 1}, None, "race:1")])
        monkeypatch.setattr(Session, "scalars", real_scalars)
    with db.transaction(readonly=True) as session:
        rows = session.execute(select(Job.idempotency_key, Job.payload).where(Job.idempotency_key.like("race:%")))
        assert sorted((key, payload["n"]) for key, payload in rows) == [("race:0", 0), ("race:1", 1)]
