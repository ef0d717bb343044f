"""A deadline for futures that some other thread should complete: a safety net, not a path."""

from __future__ import annotations

import asyncio
from typing import Any


class Watchdog:
    """Fails, with TimeoutError, each watched future still waiting when its deadline passes.

    One timer per event loop sweeps the waiting futures every `sweep` seconds while any wait, so watching a
    future is a dict insert and a delete; a timer per future (call_later, then cancel) cost ~4 µs each.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, sweep: float) -> None:
        self.loop = loop
        self.sweep = sweep
        self.waiting: dict[asyncio.Future[Any], float] = {}
        self.timer: asyncio.TimerHandle | None = None

    def watch(self, future: asyncio.Future[Any], seconds: float) -> None:
        self.waiting[future] = self.loop.time() + seconds
        if self.timer is None:
            self.timer = self.loop.call_later(self.sweep, self._sweep)

    def forget(self, future: asyncio.Future[Any]) -> None:
        self.waiting.pop(future, None)

    def _sweep(self) -> None:
        now = self.loop.time()
        for future, deadline in list(self.waiting.items()):
            if deadline <= now:
                del self.waiting[future]
                if not future.done():
                    future.set_exception(TimeoutError())
        self.timer = self.loop.call_later(self.sweep, self._sweep) if self.waiting else None
