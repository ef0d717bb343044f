"""The render cache: public pages and JSON rendered once, served from memory until something public changes.

Every public change bumps a generation counter row (components.bump_generation). A process rereads that row
at most once a second, and at once after it committed a bump itself, so N web processes agree within a
second with one cheap query instead of a render per request. Entries also roll over each clock minute, so
maintenance that starts on time and the "today" bar appear without a publish.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from warroom.status.components import current_generation

CHECK_SECONDS = 1.0
_local_bumps = 0  # bumps committed by this process; read without a lock (a stale read only delays a check)


@event.listens_for(Session, "after_commit")
def _count_local_bump(session: Session) -> None:
    global _local_bumps
    if session.info.pop("status_bumped", False):
        _local_bumps += 1


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_bump(session: Session) -> None:
    session.info.pop("status_bumped", None)


@dataclass(frozen=True)
class Entry:
    body: bytes
    media_type: str
    etag: str
    last_modified: str


class RenderCache:
    def __init__(self, check_seconds: float = CHECK_SECONDS) -> None:
        self.check_seconds = check_seconds
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[int, datetime, Entry]] = {}
        self._generation = -1
        self._checked_at = float("-inf")
        self._seen_local = -1
        self.renders = 0  # how many times something was rendered (tests and the benchmark read it)

    def _refresh_generation(self, open_session: Callable[[], Session]) -> int:
        now = time.monotonic()
        if now - self._checked_at < self.check_seconds and self._seen_local == _local_bumps:
            return self._generation
        seen = _local_bumps
        session = open_session()
        try:
            generation, _changed = current_generation(session)
        finally:
            session.close()
        with self._lock:
            if generation != self._generation:
                self._entries.clear()
            self._generation, self._checked_at, self._seen_local = generation, now, seen
        return generation

    def peek(self, key: tuple[str, str], now: datetime) -> Entry | None:
        """The entry when it is fresh and no generation check is due: no database, no thread hop."""
        if time.monotonic() - self._checked_at >= self.check_seconds or self._seen_local != _local_bumps:
            return None
        found = self._entries.get(key)
        if found is not None and found[0] == self._generation and found[1] == now.replace(second=0, microsecond=0):
            return found[2]
        return None

    def get(
        self,
        key: tuple[str, str],
        *,
        open_session: Callable[[], Session],
        now: datetime,
        media_type: str,
        build: Callable[[Session], bytes],
    ) -> Entry:
        """The cached entry for `key`, rendering it with `build` when missing or stale."""
        generation = self._refresh_generation(open_session)
        minute = now.replace(second=0, microsecond=0)
        found = self._entries.get(key)
        if found is not None and found[0] == generation and found[1] == minute:
            return found[2]
        session = open_session()
        try:
            body = build(session)
        finally:
            session.close()
        entry = Entry(
            body=body,
            media_type=media_type,
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            last_modified=format_datetime(now.astimezone(UTC).replace(microsecond=0), usegmt=True),
        )
        with self._lock:
            self.renders += 1
            self._entries[key] = (generation, minute, entry)
        return entry


def cache_for(state: Any) -> RenderCache:
    """The app's render cache (one per app, created on first use)."""
    cache = getattr(state, "status_cache", None)
    if cache is None:
        cache = RenderCache()
        state.status_cache = cache
    return cache
