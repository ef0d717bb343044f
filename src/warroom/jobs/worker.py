"""Runs jobs: claim in one short transaction, run handler + mark done in another, record failures apart."""

from __future__ import annotations

import logging
import threading
import traceback
from datetime import timedelta

from warroom.context import Actor, Ctx
from warroom.db import Database
from warroom.jobs import service
from warroom.jobs.models import Job
from warroom.jobs.registry import HANDLERS, PermanentFailure, RetryLater
from warroom.lib.clock import Clock
from warroom.settings import Settings

log = logging.getLogger("warroom.worker")
MAX_JOBS_PER_PASS = 500


class Worker:
    def __init__(self, db: Database, clock: Clock, settings: Settings, *, name: str = "worker") -> None:
        from warroom import handlers

        handlers.load_all()
        self.db = db
        self.clock = clock
        self.settings = settings
        self.worker_id = f"{name}@{service.default_worker_id()}"
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def run_one(self) -> bool:
        """Claim and run one due job. False when nothing is due."""
        now = self.clock.now()
        with self.db.transaction() as session:
            claimed = service.claim(session, now=now, worker_id=self.worker_id, settings=self.settings)
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

    def _execute(self, job_id: int) -> None:
        error: BaseException | None = None
        try:
            with self.db.transaction() as session:
                job = session.get(Job, job_id)
                if job is None or job.status != "running" or job.locked_by != self.worker_id:
                    return  # another worker took over after our lease expired
                handler = HANDLERS.get(job.name)
                if handler is None:
                    raise PermanentFailure(f"no handler registered for job {job.name!r}")
                ctx = Ctx(
                    session=session, clock=self.clock, settings=self.settings, actor=Actor.system(), source="system"
                )
                handler(ctx, dict(job.payload))
                service.mark_done(session, job, now=self.clock.now())
        except Exception as exc:
            error = exc
        if error is not None:
            self._record_failure(job_id, error)

    def _record_failure(self, job_id: int, error: BaseException) -> None:
        with self.db.transaction() as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            now = self.clock.now()
            if isinstance(error, RetryLater):
                delay = timedelta(seconds=error.delay_seconds) if error.delay_seconds is not None else None
                service.mark_failed(session, job, now=now, error=str(error), settings=self.settings, delay=delay)
                return
            permanent = isinstance(error, PermanentFailure)
            text = f"{type(error).__name__}: {error}"
            if not permanent:
                log.warning("job %s (%s) failed: %s", job.id, job.name, text)
                log.debug("".join(traceback.format_exception(error)))
            service.mark_failed(session, job, now=now, error=text, settings=self.settings, permanent=permanent)

    def wake(self) -> None:
        self._wake.set()

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                ran = self.run_due()
            except Exception:
                log.exception("worker pass failed; retrying after the poll interval")
                ran = 0
            if ran == 0:
                self._wake.wait(self.settings.worker_poll_seconds)
                self._wake.clear()

    def start_thread(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name=self.worker_id, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
