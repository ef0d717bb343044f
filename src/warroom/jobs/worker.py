"""Runs jobs: claim in one short transaction, run handler + mark done in another, record failures apart."""

from __future__ import annotations

import logging
import secrets
import threading
import traceback
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from warroom.context import Actor, Ctx
from warroom.db import Database
from warroom.jobs import claims, service, wake
from warroom.jobs.models import Job
from warroom.jobs.registry import (
    DEDICATED_QUEUES,
    Failure,
    PermanentFailure,
    Registration,
    RetryLater,
    registration,
)
from warroom.lib.clock import Clock
from warroom.settings import Settings

log = logging.getLogger("warroom.worker")
MAX_JOBS_PER_PASS = 500


class Worker:
    """Claims due jobs and runs their handlers. Several may run at once, in threads or processes."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        *,
        name: str = "worker",
        queues: Sequence[str] | None = None,
        exclude_queues: Sequence[str] = (),
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.queues = list(queues) if queues else None
        self.exclude_queues = list(exclude_queues)
        # Unique per instance, so two workers in one process never mistake each other's leases.
        self.worker_id = f"{name}@{service.default_worker_id()}:{secrets.token_hex(3)}"[-100:]
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def serves_any(self, queues: set[str]) -> bool:
        if self.queues is not None:
            return any(queue in queues for queue in self.queues)
        return any(queue not in self.exclude_queues for queue in queues)

    def run_one(self) -> bool:
        """Claim and run one due job. False when nothing is due."""
        now = self.clock.now()
        with self.db.transaction(readonly=True) as session:
            # Look before taking the write lock: an idle poll (every worker thread, every second) then never
            # queues behind, or holds up, the writers that have work (alert intake above all).
            if not claims.any_due(session, now=now, queue=self.queues, exclude=self.exclude_queues):
                return False
        with self.db.transaction() as session:
            claimed = claims.claim(
                session,
                now=now,
                worker_id=self.worker_id,
                settings=self.settings,
                queue=self.queues,
                exclude=self.exclude_queues,
            )
            if not claimed:
                return False
            job_id = claimed[0].id
        self._execute(job_id)
        return True

    def run_due(self, limit: int = MAX_JOBS_PER_PASS) -> int:
        """Run due jobs until none is left (bounded by `limit`); returns how many ran."""
        ran = 0
        while ran < limit and not self._stop.is_set() and self.run_one():
            ran += 1
        return ran

    def _ctx(self, session: Session) -> Ctx:
        return Ctx(session=session, clock=self.clock, settings=self.settings, actor=Actor.system(), source="system")

    def _owns(self, job: Job | None) -> bool:
        return job is not None and job.status == "running" and job.locked_by == self.worker_id

    def _execute(self, job_id: int) -> None:
        try:
            found = self._prepare(job_id)
            if found is None:
                return
            reg, payload = found
            with self.db.transaction() as session:
                if self.db.is_postgres:
                    # Hold the row while the handler runs: a lease that expires mid-run cannot hand it to
                    # a second worker (their claim skips locked rows). On SQLite the write lock does this.
                    locked = session.get(Job, job_id, with_for_update=True)
                    if not self._owns(locked):
                        return
                reg.handler(self._ctx(session), payload)
                job = session.get(Job, job_id)
                if job is None:
                    raise service.LeaseLost(f"job {job_id} was deleted while it ran")
                service.mark_done(session, job, now=self.clock.now(), worker_id=self.worker_id)
        except service.LeaseLost as lost:
            # Another worker owns the job now; our effects were rolled back with the transaction.
            log.warning("dropping the result of job %s: %s", job_id, lost)
        except Exception as exc:
            self._record_failure(job_id, exc)

    def _prepare(self, job_id: int) -> tuple[Registration, dict[str, Any]] | None:
        """Read the job (and whatever its preparer needs) without taking SQLite's write lock."""
        with self.db.transaction(readonly=True) as session:
            job = session.get(Job, job_id)
            if job is None or not self._owns(job):
                return None
            payload = dict(job.payload)
            reg = registration(job.name)
            if reg is None:
                raise PermanentFailure(
                    f"no handler registered for job {job.name!r}; "
                    "is its module listed in warroom.handlers.DOMAIN_JOB_MODULES?"
                )
            if reg.prepare is not None:
                payload = {**payload, **reg.prepare(self._ctx(session), payload)}
            return reg, payload

    def _record_failure(self, job_id: int, error: Exception) -> None:
        with self.db.transaction() as session:
            job = session.get(Job, job_id, with_for_update=True)
            if job is None or not self._owns(job):
                return
            now = self.clock.now()
            delay: timedelta | None = None
            counts = True
            permanent = isinstance(error, PermanentFailure)
            if isinstance(error, RetryLater):
                counts = error.counts
                if error.delay_seconds is not None:
                    delay = timedelta(seconds=error.delay_seconds)
            if isinstance(error, RetryLater | PermanentFailure):
                text = str(error)
            else:
                text = f"{type(error).__name__}: {error}"
                log.warning("job %s (%s) failed: %s", job.id, job.name, text)
                log.debug("".join(traceback.format_exception(error)))
            service.mark_failed(
                session,
                job,
                now=now,
                error=text,
                settings=self.settings,
                permanent=permanent,
                delay=delay,
                counts=counts,
                worker_id=self.worker_id,
            )
            self._run_failure_hook(session, job, error, text)

    def _run_failure_hook(self, session: Session, job: Job, error: Exception, text: str) -> None:
        reg = registration(job.name)
        if reg is None or reg.on_failure is None:
            return
        dead = job.status == "dead"
        failure = Failure(
            error=error, message=text, attempts=job.attempts, dead=dead, retry_at=None if dead else job.run_at
        )
        try:
            with session.begin_nested():
                reg.on_failure(self._ctx(session), dict(job.payload), failure)
        except Exception:
            # The job's own bookkeeping matters more than the hook's; keep it and log the hook's bug.
            log.exception("failure hook of job %s (%s) failed", job.id, job.name)

    def wake(self) -> None:
        """Skip the rest of the idle wait (e.g. right after enqueueing urgent work in this process)."""
        self._wake.set()

    def run_forever(self) -> None:
        """Poll until stop(); an error in one pass is logged and the loop carries on."""
        while not self._stop.is_set():
            self._wake.clear()  # before the pass: a wake during it means "look again", not "lost"
            try:
                ran = self.run_due()
            except Exception:
                log.exception("worker pass failed; retrying after the poll interval")
                ran = 0
            if ran == 0 and not self._stop.is_set():
                self._wake.wait(self.settings.worker_poll_seconds)

    def start_thread(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, name=self.worker_id, daemon=True)
        self._thread.start()

    def request_stop(self) -> None:
        """Ask the thread to stop after the job in hand, without waiting."""
        self._stop.set()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the job in hand (if any); waits at most `timeout` seconds for the thread."""
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


class WorkerPool:
    """The workers of one process: a general thread for every undeclared queue, plus each dedicated queue's own.

    `warroom serve` and `warroom worker` run one pool each. Dedicated queues come from
    `registry.declare_queue` (paging channels declare theirs), so a slow channel only ever blocks itself.
    """

    def __init__(self, db: Database, clock: Clock, settings: Settings, *, name: str = "worker") -> None:
        dedicated = dict(DEDICATED_QUEUES)
        self.general = Worker(db, clock, settings, name=name, exclude_queues=sorted(dedicated))
        self.workers = [self.general]
        self.first_of_each_queue = [self.general]
        for queue, threads in sorted(dedicated.items()):
            for index in range(threads):
                worker = Worker(db, clock, settings, name=f"{name}-{queue}-{index}", queues=[queue])
                self.workers.append(worker)
                if index == 0:
                    self.first_of_each_queue.append(worker)
        self._stop = threading.Event()
        wake.register_waker(self)

    def wake_queues(self, queues: set[str]) -> None:
        """Wake the threads serving any of `queues` (called after a commit that added jobs due now)."""
        for worker in self.workers:
            if worker.serves_any(queues):
                worker.wake()

    def run_due(self) -> int:
        """Run every due job once, queue by queue, in this thread (`warroom worker --once`, tests)."""
        return sum(worker.run_due() for worker in self.first_of_each_queue)

    def start_thread(self) -> None:
        for worker in self.workers:
            worker.start_thread()

    def wake(self) -> None:
        for worker in self.workers:
            worker.wake()

    def run_forever(self) -> None:
        """Start every thread and wait until stop() (or Ctrl-C)."""
        self._stop.clear()
        self.start_thread()
        try:
            while not self._stop.wait(1.0):
                pass
        finally:
            self.stop()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask every thread to stop, then wait for each (at most `timeout` seconds each)."""
        self._stop.set()
        for worker in self.workers:
            worker.request_stop()
        for worker in self.workers:
            worker.stop(timeout)

    @property
    def is_running(self) -> bool:
        return any(worker.is_running for worker in self.workers)
