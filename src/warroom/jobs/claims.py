"""Claiming due jobs: what a worker polls for, then locks with a lease.

An idle poll only reads (`any_due`), so it never takes SQLite's write lock; `claim` then locks the rows (FOR
UPDATE SKIP LOCKED on PostgreSQL) and schedules a periodic job's next tick as its first attempt starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from warroom.jobs import service
from warroom.jobs.models import Job
from warroom.jobs.periodic import PERIODIC_KEY, next_slot_after, periodic_key, tick_payload
from warroom.settings import Settings


def claim(
    session: Session,
    *,
    now: datetime,
    worker_id: str,
    settings: Settings,
    limit: int = 1,
    queue: str | Sequence[str] | None = None,
    exclude: Sequence[str] = (),
) -> list[Job]:
    """Lock due jobs for this worker. Expired leases (a crashed worker) are claimed again.

    On PostgreSQL the select uses FOR UPDATE SKIP LOCKED, so many workers never take the same row.
    On SQLite the session's BEGIN IMMEDIATE makes this the only writer. `queue` restricts the claim
    to one queue or several, so a worker can be dedicated to a channel; `exclude` leaves some queues
    to their dedicated workers.
    """
    claimed: list[Job] = []
    while len(claimed) < limit:
        rows = _due_rows(session, now=now, limit=limit - len(claimed), queue=queue, exclude=exclude)
        if not rows:
            break
        for job in rows:
            if job.status == "running" and job.attempts >= job.max_attempts:
                # The worker died during the last allowed attempt: dead-letter instead of looping forever.
                job.status = "dead"
                job.finished_at = now
                job.last_error = f"lease expired: worker {job.locked_by} stopped during the last attempt"
                job.locked_by = None
                job.locked_until = None
                continue
            if job.status == "running":
                job.last_error = f"lease expired: worker {job.locked_by} stopped before finishing; claimed again"
            job.status = "running"
            job.locked_by = worker_id
            job.locked_until = now + timedelta(seconds=settings.job_lease_seconds)
            job.attempts += 1
            if job.attempts == 1 and PERIODIC_KEY in job.payload:
                schedule_next_tick(session, job, now=now, settings=settings)
            claimed.append(job)
        session.flush()
    return claimed


def _due(
    query: Select[Any], *, now: datetime, queue: str | Sequence[str] | None, exclude: Sequence[str] = ()
) -> Select[Any]:
    due = or_(
        and_(Job.status == "pending", Job.run_at <= now),
        and_(Job.status == "running", Job.locked_until < now),
    )
    query = query.where(due)
    if isinstance(queue, str):
        query = query.where(Job.queue == queue)
    elif queue is not None:
        query = query.where(Job.queue.in_(list(queue)))
    if exclude:
        query = query.where(Job.queue.not_in(list(exclude)))
    return query


def _due_rows(
    session: Session, *, now: datetime, limit: int, queue: str | Sequence[str] | None, exclude: Sequence[str] = ()
) -> list[Job]:
    query = _due(select(Job), now=now, queue=queue, exclude=exclude)
    query = query.order_by(Job.run_at, Job.id).limit(limit).with_for_update(skip_locked=True)
    return list(session.scalars(query))


def any_due(
    session: Session, *, now: datetime, queue: str | Sequence[str] | None = None, exclude: Sequence[str] = ()
) -> bool:
    """Whether `claim` would find a job: a read, so an idle worker's poll never takes SQLite's write lock."""
    query = _due(select(Job.id), now=now, queue=queue, exclude=exclude).limit(1)
    return session.scalar(query) is not None


def schedule_next_tick(session: Session, job: Job, *, now: datetime, settings: Settings) -> None:
    """Add the tick after `job`'s (it never waits for this one to succeed, so a failing tick never stops it)."""
    every = timedelta(seconds=float(job.payload[PERIODIC_KEY]["every_seconds"]))
    slot = next_slot_after(now, every, inclusive=False)
    service.add_job(
        session,
        now=now,
        settings=settings,
        name=job.name,
        payload=tick_payload(job.payload, every=every, slot=slot),
        run_at=slot,
        key=periodic_key(job.name, slot),
        max_attempts=job.max_attempts,
        queue=job.queue,
    )
