"""Enqueue, claim, complete and fail jobs. At-least-once delivery; handlers make effects exactly-once."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.jobs.models import JOB_STATUSES, Job
from warroom.jobs.periodic import PERIODIC_KEY, next_slot_after, periodic_key, tick_payload
from warroom.jobs.registry import GUARDS, JOB_QUEUES, SUBSCRIBERS
from warroom.jobs.wake import DUE_QUEUES_KEY
from warroom.lib.pagination import PageRequest, paginate
from warroom.lib.schema import MAX_ID
from warroom.settings import Settings


class LeaseLost(Exception):
    """The job is no longer this worker's: its lease expired and another worker claimed it."""


def enqueue(
    ctx: Ctx,
    name: str,
    payload: dict[str, Any] | None = None,
    *,
    run_at: datetime | None = None,
    key: str | None = None,
    max_attempts: int | None = None,
    queue: str | None = None,
) -> Job:
    """Add a job in the caller's transaction. With `key`, a second enqueue returns the existing job.

    Without `queue`, the job goes to the queue its handler was registered with (`registry.job(queue=…)`).
    """
    return add_job(
        ctx.session,
        now=ctx.now(),
        settings=ctx.settings,
        name=name,
        payload=payload,
        run_at=run_at,
        key=key,
        max_attempts=max_attempts,
        queue=queue or JOB_QUEUES.get(name, "default"),
    )


def add_job(
    session: Session,
    *,
    now: datetime,
    settings: Settings,
    name: str,
    payload: dict[str, Any] | None = None,
    run_at: datetime | None = None,
    key: str | None = None,
    max_attempts: int | None = None,
    queue: str = "default",
) -> Job:
    """`enqueue` for code that has a session but no Ctx (the worker scheduling the next periodic tick)."""
    _check_job_fields(name=name, queue=queue, key=key, max_attempts=max_attempts)
    if key is not None:
        existing = session.scalar(select(Job).where(Job.idempotency_key == key))
        if existing is not None:
            return existing
    job = Job(**_job_values(session, now, settings, name, payload, run_at, key, max_attempts, queue))
    if key is None:
        session.add(job)
        session.flush()
        return job
    # A concurrent enqueue with the same key may win the race (PostgreSQL): our insert then waits for
    # the winner to commit and fails; the savepoint keeps the caller's transaction alive.
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:
        found = session.scalar(select(Job).where(Job.idempotency_key == key))
        if found is None:
            raise
        return found
    return job


def _job_values(
    session: Session,
    now: datetime,
    settings: Settings,
    name: str,
    payload: dict[str, Any] | None,
    run_at: datetime | None,
    key: str | None,
    max_attempts: int | None,
    queue: str,
) -> dict[str, Any]:
    """A new job's columns; notes a job due now for the wake-up after commit."""
    if (run_at or now) <= now:
        # Due now: wake this process's workers for the queue once the transaction commits (see worker.py).
        session.info.setdefault(DUE_QUEUES_KEY, set()).add(queue)
    return {
        "name": name,
        "queue": queue,
        "payload": payload or {},
        "status": "pending",
        "run_at": run_at or now,
        "attempts": 0,
        "max_attempts": max_attempts or settings.job_max_attempts,
        "idempotency_key": key,
        "created_at": now,
    }


KEYS_PER_QUERY = 500


def enqueue_many(ctx: Ctx, name: str, jobs: Sequence[tuple[dict[str, Any], datetime | None, str]]) -> None:
    """`enqueue` for many keyed jobs of one kind: (payload, run_at, key) each; a key already taken is skipped.

    One query finds the keys already taken and one multi-row INSERT in a SAVEPOINT adds the rest (no ORM
    objects: nothing here reads them back), where `enqueue` spends a query and a SAVEPOINT per job. Should
    the SAVEPOINT fail (a concurrent enqueue took a key meanwhile), each job is enqueued alone, as
    `enqueue` would.
    """
    queue = JOB_QUEUES.get(name, "default")
    wanted: dict[str, tuple[dict[str, Any], datetime | None]] = {}
    for payload, run_at, key in jobs:
        _check_job_fields(name=name, queue=queue, key=key, max_attempts=None)
        wanted.setdefault(key, (payload, run_at))
    session, now = ctx.session, ctx.now()
    keys = list(wanted)
    for start in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[start : start + KEYS_PER_QUERY]
        for taken in session.scalars(select(Job.idempotency_key).where(Job.idempotency_key.in_(chunk))):
            wanted.pop(str(taken), None)
    if not wanted:
        return
    rows = [
        _job_values(session, now, ctx.settings, name, payload, run_at, key, None, queue)
        for key, (payload, run_at) in wanted.items()
    ]
    try:
        with session.begin_nested():
            session.execute(insert(Job), rows)
    except IntegrityError:
        for key, (payload, run_at) in wanted.items():
            enqueue(ctx, name, payload, run_at=run_at, key=key)


def _check_job_fields(*, name: str, queue: str, key: str | None, max_attempts: int | None) -> None:
    if not name or len(name) > 100:
        raise Invalid("a job name must be 1 to 100 characters")
    if not queue or len(queue) > 50:
        raise Invalid("a queue name must be 1 to 50 characters")
    if key is not None and (not key or len(key) > 255):
        raise Invalid("an idempotency key must be 1 to 255 characters")
    if max_attempts is not None and max_attempts < 1:
        raise Invalid("max_attempts must be at least 1")


def publish(ctx: Ctx, topic: str, payload: dict[str, Any], *, key: str | None = None) -> list[Job]:
    """Enqueue one job per subscriber of `topic`, so higher domains react to lower ones' events."""
    # Subscriptions live in the domains' jobs.py modules; the composition roots (app.create_app,
    # cli.main, the worker command) import them all through warroom.handlers.load_all().
    jobs = []
    for name in SUBSCRIBERS.get(topic, []):
        guard = GUARDS.get((topic, name))
        if guard is not None and not guard(ctx, payload):
            continue
        job_key = f"{key}:{name}" if key else None
        jobs.append(enqueue(ctx, name, {**payload, "topic": topic}, key=job_key))
    return jobs


def cancel(ctx: Ctx, *, key: str) -> bool:
    """Cancel a pending job by idempotency key (e.g. a timer that no longer applies)."""
    job = ctx.session.scalar(select(Job).where(Job.idempotency_key == key))
    if job is None or job.status != "pending":
        return False
    job.status = "cancelled"
    job.finished_at = ctx.now()
    return True


def schedule_periodic(
    ctx: Ctx, name: str, *, every: timedelta, payload: dict[str, Any] | None = None, queue: str = "default"
) -> Job:
    """Make sure periodic job `name` has a pending tick; each tick is keyed `name:slot`, so it runs once.

    Slots are aligned to the Unix epoch, so every worker computes the same ones. Safe to call at every
    start: it returns the existing tick when there is one. The worker schedules the next tick when it
    claims this one, so a failing tick never stops the chain, and missed ticks are not replayed.
    """
    if every < timedelta(seconds=1):
        raise Invalid("a periodic job must run at most once a second")
    live = ctx.session.scalars(
        select(Job).where(Job.name == name, Job.status.in_(("pending", "running"))).order_by(Job.run_at)
    )
    for job in live:
        if PERIODIC_KEY in job.payload:
            return job
    slot = next_slot_after(ctx.now(), every, inclusive=True)
    return enqueue(
        ctx,
        name,
        tick_payload(payload or {}, every=every, slot=slot),
        run_at=slot,
        key=periodic_key(name, slot),
        queue=queue,
    )


def default_worker_id() -> str:
    """host:pid, the stem of every worker id in this process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(settings: Settings, attempts: int) -> timedelta:
    """Exponential: base, 2×base, 4×base … capped."""
    exponent = min(max(attempts - 1, 0), 62)  # past 2**62 the cap has long applied; avoid float overflow
    seconds = settings.job_backoff_seconds * (2**exponent)
    return timedelta(seconds=min(seconds, settings.job_backoff_cap_seconds))


def _check_owner(job: Job, worker_id: str | None) -> None:
    if worker_id is not None and (job.status != "running" or job.locked_by != worker_id):
        raise LeaseLost(f"job {job.id} is {job.status} and held by {job.locked_by or 'nobody'}, not {worker_id}")


def mark_done(session: Session, job: Job, *, now: datetime, worker_id: str | None = None) -> None:
    """Finish a job. With `worker_id`, raise LeaseLost unless that worker still holds it."""
    _check_owner(job, worker_id)
    job.status = "done"
    job.finished_at = now
    job.locked_by = None
    job.locked_until = None
    job.last_error = None
    session.flush()


def mark_failed(
    session: Session,
    job: Job,
    *,
    now: datetime,
    error: str,
    settings: Settings,
    permanent: bool = False,
    delay: timedelta | None = None,
    counts: bool = True,
    worker_id: str | None = None,
) -> None:
    """Schedule a retry with backoff, or dead-letter the job after its last attempt."""
    _check_owner(job, worker_id)
    job.last_error = error[:4000]
    job.locked_by = None
    job.locked_until = None
    if not counts:
        job.attempts = max(job.attempts - 1, 0)
    if permanent or (counts and job.attempts >= job.max_attempts):
        job.status = "dead"
        job.finished_at = now
    else:
        job.status = "pending"
        job.run_at = now + (delay if delay is not None else backoff(settings, job.attempts))
    session.flush()


@dataclass(frozen=True)
class QueueStats:
    pending: int
    due: int
    running: int
    dead: int
    done: int
    cancelled: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "pending": self.pending,
            "due": self.due,
            "running": self.running,
            "dead": self.dead,
            "done": self.done,
            "cancelled": self.cancelled,
        }


def stats(ctx: Ctx) -> QueueStats:
    """Job counts by status, plus how many pending jobs are already due."""
    rows = ctx.session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
    counts = {status: int(count) for status, count in rows}
    due = ctx.session.scalar(select(func.count()).where(Job.status == "pending", Job.run_at <= ctx.now())) or 0
    return QueueStats(
        pending=counts.get("pending", 0),
        due=int(due),
        running=counts.get("running", 0),
        dead=counts.get("dead", 0),
        done=counts.get("done", 0),
        cancelled=counts.get("cancelled", 0),
    )


def list_jobs(
    ctx: Ctx,
    *,
    status: str | None = None,
    queue: str | None = None,
    name: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Job], int]:
    """Jobs, newest first, optionally filtered; returns one page and the total."""
    if status and status not in JOB_STATUSES:
        raise Invalid(f"unknown job status {status!r}; use one of {', '.join(JOB_STATUSES)}", {"field": "status"})
    query = select(Job).order_by(Job.id.desc())
    if status:
        query = query.where(Job.status == status)
    if queue:
        query = query.where(Job.queue == queue)
    if name:
        query = query.where(Job.name == name)
    return paginate(ctx.session, query, PageRequest(limit=limit, offset=offset))


def get_job(ctx: Ctx, job_id: int) -> Job:
    """One job, or NotFound."""
    job = ctx.session.get(Job, job_id) if 0 < job_id <= MAX_ID else None
    if job is None:
        raise NotFound(f"job {job_id} does not exist; `warroom jobs list` shows the ids")
    return job


def retry_dead(ctx: Ctx, *, job_id: int) -> Job:
    """Put a dead-lettered job back on the queue for another full set of attempts."""
    job = get_job(ctx, job_id)
    if job.status != "dead":
        raise Conflict(f"job {job_id} is {job.status}; only dead jobs can be retried")
    job.status = "pending"
    job.attempts = 0
    job.run_at = ctx.now()
    job.finished_at = None
    ctx.session.flush()
    return job
