"""Job handlers and event subscriptions, registered by each domain's jobs.py at import time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from warroom.context import Ctx

JobHandler = Callable[[Ctx, dict[str, Any]], None]

HANDLERS: dict[str, JobHandler] = {}
SUBSCRIBERS: dict[str, list[str]] = {}


class RetryLater(Exception):
    """Raise from a handler to retry after `delay_seconds` without counting it as an error."""

    def __init__(self, message: str, delay_seconds: float | None = None) -> None:
        super().__init__(message)
        self.delay_seconds = delay_seconds


class PermanentFailure(Exception):
    """Raise from a handler when retrying cannot help (bad address, 4xx): the job goes straight to dead."""


def job(name: str) -> Callable[[JobHandler], JobHandler]:
    """Register `fn` as the handler for jobs called `name`."""

    def decorator(fn: JobHandler) -> JobHandler:
        if name in HANDLERS and HANDLERS[name] is not fn:
            raise RuntimeError(f"job {name!r} registered twice")
        HANDLERS[name] = fn
        return fn

    return decorator


def subscribe(topic: str, job_name: str) -> None:
    """Run job `job_name` whenever `topic` is published (e.g. "incident.declared")."""
    names = SUBSCRIBERS.setdefault(topic, [])
    if job_name not in names:
        names.append(job_name)
