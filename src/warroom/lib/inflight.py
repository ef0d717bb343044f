"""A non-blocking counter of work in flight: callers over the limit are turned away at once."""

from __future__ import annotations

import threading


class InFlight:
    """At most `limit` deliveries at once; never blocks (a full house answers 503).

    The same interface as threading.BoundedSemaphore(limit).acquire(blocking=False)/release, at a fraction of
    its cost: that one runs a Condition in Python on every call, and intake calls it twice per request.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0
        self._lock = threading.Lock()

    def acquire(self, blocking: bool = False) -> bool:
        with self._lock:
            if self.count >= self.limit:
                return False
            self.count += 1
            return True

    def release(self) -> None:
        with self._lock:
            self.count -= 1
