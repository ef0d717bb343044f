"""Enqueue, claim, complete and fail jobs. At-least-once delivery; handlers make effects exactly-once."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warroom.context import Ctx
from warroom.errors import NotFound
from warroom.jobs.models import Job
from warroom.jobs.registry import SUBSCRIBERS
from warroom.settings import Settings


def enqueue(
    ctx: Ctx,
    name: str,
    payload: dict[str, Any] | None = None,
    *,
    run_at: datetime | None = None,
    key: str | None = None,
    max_attempts: int | None = None,
    queue: str = "default",
) -> Job:
    """Add a job in the caller's transaction. With `key`, a second enqueue returns the existing job."""
    if key is not None:
        existing = ctx.session.scalar(select(Job).where(Job.idempotency_key == key))
        if existing is not None:
            return existing
    job = Job(
        name=name,
        queue=queue,
        payload=payload or {},
        status="pending",
        run_at=run_at or ctx.now(),
        attempts=0,
        max_attempts=max_attempts or ctx.settings.job_max_attempts,
        idempotency_key=key,
        created_at=ctx.now(),
    )
    if key is None:
        ctx.session.add(job)
        ctx.session.flush()
        return job
    # A concurrent enqueue with the same key may win the race; the savepoint keeps our transaction alive.
    try:
        with ctx.session.begin_nested():
            ctx.session.add(job)
    except IntegrityError:
        found = ctx.session.scalar(select(Job).where(Job.idempotency_key == key))
        if found is None:
            raise
        return found
    return job


def publish(ctx: Ctx, topic: str, payload: dict[str, Any], *, key: str | None = None) -> list[Job]:
    """Enqueue one job per subscriber of `topic`, so higher domains react to lower ones' events."""
    jobs = []
    for name in SUBSCRIBERS.get(topic, []):
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


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(
    session: Session, *, now: datetime, worker_id: str, settings: Settings, limit: int = 1, queue: str | None = None
) -> list[Job]:
    """Lock due jobs for this worker. Expired leases (a crashed worker) are claimed again.

    On PostgreSQL the select uses FOR UPDATE SKIP LOCKED, so many workers never take the same row.
    On SQLite the session's BEGIN IMMEDIATE makes this the only writer.
    """
    due = or_(
        and_(Job.status == "pending", Job.run_at <= now),
        and_(Job.status == "running", Job.locked_until < now),
    )
    query = select(Job).where(due).order_by(Job.run_at, Job.id).limit(limit)
    if queue is not None:
        query = query.where(Job.queue == queue)
    jobs = list(session.scalars(query.with_for_update(skip_locked=True)))
    for job in jobs:
        job.status = "running"
        job.locked_by = worker_id
        job.locked_until = now + timedelta(seconds=settings.job_lease_seconds)
        job.attempts += 1
    session.flush()
    return jobs


def backoff(settings: Settings, attempts: int) -> timedelta:
    """Exponential: base, 2×base, 4×base … capped."""
    seconds = settings.job_backoff_seconds * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, settings.job_backoff_cap_seconds))


def mark_done(session: Session, job: Job, *, now: datetime) -> None:
    job.status = "done"
    job.finished_at = now
    job.locked_by = None
    job.locked_until = None
    job.last_error = None


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
) -> None:
    """Schedule a retry with backoff, or dead-letter the job after its last attempt."""
    job.last_error = error[:4000]
    job.locked_by = None
    job.locked_until = None
    if not counts:
        job.attempts = max(job.attempts - 1, 0)
    if permanent or (counts and job.attempts >= job.max_attempts):
        job.status = "dead"
        job.finished_at = now
        return
    job.status = "pending"
    job.run_at = now + (delay if delay is not None else backoff(settings, job.attempts))


@dataclass(frozen=True)
class QueueStats:
    pending: int
    due: int
    running: int
    dead: int
    done: int


def stats(ctx: Ctx) -> QueueStats:
    counts = dict(ctx.session.execute(select(Job.status, func.count()).group_by(Job.status)).tuples().all())
    due = ctx.session.scalar(select(func.count()).where(Job.status == "pending", Job.run_at <= ctx.now())) or 0
    return QueueStats(
        pending=counts.get("pending", 0),
        due=int(due),
        running=counts.get("running", 0),
        dead=counts.get("dead", 0),
        done=counts.get("done", 0),
    )


def list_jobs(ctx: Ctx, *, status: str | None = None, limit: int = 100, offset: int = 0) -> tuple[list[Job], int]:
    query = select(Job).order_by(Job.id.desc())
    if status:
        query = query.where(Job.status == status)
    from warroom.lib.pagination import PageRequest, paginate

    return paginate(ctx.session, query, PageRequest(limit=limit, offset=offset))


def retry_dead(ctx: Ctx, *, job_id: int) -> Job:
    """Put a dead-lettered job back on the queue for another full set of attempts."""
    job = ctx.session.get(Job, job_id)
    if job is None:
        raise NotFound(f"job {job_id} does not exist")
    if job.status != "dead":
        from warroom.errors import Conflict

        raise Conflict(f"job {job_id} is {job.status}; only dead jobs can be retried")
    job.status = "pending"
    job.attempts = 0
    job.run_at = ctx.now()
    job.finished_at = None
    return job
