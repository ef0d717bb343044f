"""Wake on commit: a commit that adds jobs due now wakes this process's workers for their queues."""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

DUE_QUEUES_KEY = "jobs_due_queues"
_WAKERS: weakref.WeakSet[Any] = weakref.WeakSet()  # this process's worker pools (objects with wake_queues)


def register_waker(pool: Any) -> None:
    """Wake `pool.wake_queues(queues)` after any commit in this process that added jobs due now.

    A page, an escalation step or a notice enqueued by a request then starts at once instead of after the
    worker's next poll (WARROOM_WORKER_POLL, 1 s); other processes still find it on their next poll.
    """
    _WAKERS.add(pool)


@event.listens_for(Session, "after_commit")
def _wake_workers(session: Session) -> None:
    queues = session.info.pop(DUE_QUEUES_KEY, None)
    if queues:
        for pool in list(_WAKERS):
            pool.wake_queues(queues)


@event.listens_for(Session, "after_rollback")
def _forget_due_queues(session: Session) -> None:
    session.info.pop(DUE_QUEUES_KEY, None)
