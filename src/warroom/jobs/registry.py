"""Job handlers and event subscriptions, registered by each domain's jobs.py at import time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warroom.context import Ctx

JobHandler = Callable[[Ctx, dict[str, Any]], None]
# Runs in a read-only transaction before the handler; its result is merged into the handler's payload.
JobPreparer = Callable[[Ctx, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Failure:
    """What a failure hook learns about a failed attempt."""

    error: BaseException
    message: str
    attempts: int
    dead: bool
    retry_at: datetime | None


FailureHook = Callable[[Ctx, dict[str, Any], Failure], None]


@dataclass(frozen=True)
class Registration:
    handler: JobHandler
    prepare: JobPreparer | None = None
    on_failure: FailureHook | None = None


HANDLERS: dict[str, JobHandler] = {}
REGISTRATIONS: dict[str, Registration] = {}
SUBSCRIBERS: dict[str, list[str]] = {}
Guard = Callable[[Ctx, dict[str, Any]], bool]
GUARDS: dict[tuple[str, str], Guard] = {}  # (topic, job) -> whether a publish needs the job at all
# Queues with their own worker threads (name -> thread count). Jobs in any other queue share the general
# thread, so a channel that hangs (a webhook receiver, an SMS provider's rate limit) never delays the others.
DEDICATED_QUEUES: dict[str, int] = {}
# The queue each job name goes to when `enqueue` is not told one (default: "default").
JOB_QUEUES: dict[str, str] = {}


def declare_queue(name: str, *, threads: int) -> None:
    """Give queue `name` its own `threads` worker threads in every worker process (call at import time)."""
    if not name or name == "default":
        raise ValueError("the default queue is served by the general worker thread")
    if not 1 <= threads <= 32:
        raise ValueError("a dedicated queue needs between 1 and 32 threads")
    DEDICATED_QUEUES[name] = threads


class RetryLater(Exception):
    """Raise from a handler to run again after `delay_seconds` (default: the backoff).

    By default the attempt is not counted (the job was not ready, nothing failed); pass `counts=True`
    when the attempt really failed (a rate limit, say), so that it still dead-letters eventually.
    """

    def __init__(self, message: str, delay_seconds: float | None = None, *, counts: bool = False) -> None:
        super().__init__(message)
        self.delay_seconds = delay_seconds
        self.counts = counts


class PermanentFailure(Exception):
    """Raise from a handler when retrying cannot help (bad address, 4xx): the job goes straight to dead."""


def job(
    name: str,
    *,
    prepare: JobPreparer | None = None,
    on_failure: FailureHook | None = None,
    queue: str | None = None,
) -> Callable[[JobHandler], JobHandler]:
    """Register `fn` as the handler for jobs called `name`.

    `prepare` reads what a slow handler needs in a read-only transaction, so the handler can do its
    network I/O before it first touches `ctx.session` (on SQLite the write lock is taken at that point).
    `on_failure` runs in the transaction that records a failed attempt (the handler's own writes are
    rolled back), e.g. to mark a delivery as retrying. `queue` is where `enqueue` puts these jobs by default.
    """
    if queue is not None:
        JOB_QUEUES[name] = queue

    def decorator(fn: JobHandler) -> JobHandler:
        if name in HANDLERS and HANDLERS[name] is not fn:
            raise RuntimeError(f"job {name!r} registered twice")
        HANDLERS[name] = fn
        REGISTRATIONS[name] = Registration(handler=fn, prepare=prepare, on_failure=on_failure)
        return fn

    return decorator


def registration(name: str) -> Registration | None:
    """The handler (and hooks) for `name`, or None when no module registered it."""
    found = REGISTRATIONS.get(name)
    if found is not None:
        return found
    handler = HANDLERS.get(name)
    return Registration(handler=handler) if handler is not None else None


def subscribe(topic: str, job_name: str, *, when: Guard | None = None) -> None:
    """Run job `job_name` whenever `topic` is published (e.g. "incident.declared").

    `when(ctx, payload)`, if given, is asked at publish time, in the publishing transaction: False means the
    job would have nothing to do (no webhook endpoint exists, say), so none is queued.
    """
    names = SUBSCRIBERS.setdefault(topic, [])
    if job_name not in names:
        names.append(job_name)
    if when is not None:
        GUARDS[(topic, job_name)] = when
    else:
        GUARDS.pop((topic, job_name), None)
