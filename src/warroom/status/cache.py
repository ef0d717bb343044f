"""The render cache: public pages and JSON rendered once, served from memory until something public changes.

Every public change bumps a generation counter row (components.bump_generation). A process rereads that row
at most once a second, and at once after it committed a bump itself, so N web processes agree within a
second with one cheap query instead of a render per request. Entries also roll over each clock minute, so
maintenance that starts on time and the "today" bar appear without a publish.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cached_property
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from warroom.status.components import current_generation

CHECK_SECONDS = 1.0
PRERENDER_SECONDS = 10  # how long before a minute ends its entries are rendered ahead
log = logging.getLogger(__name__)
_local_bumps = 0  # bumps committed by this process; read without a lock (a stale read only delays a check)


@event.listens_for(Session, "after_commit")
def _count_local_bump(session: Session) -> None:
    global _local_bumps
    if session.info.pop("status_bumped", False):
        _local_bumps += 1


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_bump(session: Session) -> None:
    session.info.pop("status_bumped", None)


# Public pages load nothing from elsewhere but a logo; no framing, no inline script.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' https: data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


@dataclass(frozen=True)
class Entry:
    body: bytes
    media_type: str
    etag: str
    last_modified: str

    @property
    def headers(self) -> dict[str, str]:
        """Every header of a cached answer but Content-Type and Content-Length."""
        headers = {**SECURITY_HEADERS, "ETag": self.etag, "Last-Modified": self.last_modified}
        headers["Cache-Control"] = "public, max-age=5"
        if self.media_type.startswith("application/json") or "xml" in self.media_type:
            headers["Access-Control-Allow-Origin"] = "*"  # other sites' widgets read these
        return headers

    @cached_property
    def asgi_headers(self) -> list[tuple[bytes, bytes]]:
        """The 200 answer's headers as ASGI wants them, built once per entry (the fast lane sends them)."""
        raw = [(name.lower().encode(), value.encode("latin-1")) for name, value in self.headers.items()]
        raw.append((b"content-type", self.media_type.encode()))
        raw.append((b"content-length", str(len(self.body)).encode()))
        return raw


class RenderCache:
    """Entries keyed by page, valid for one generation and one clock minute.

    No stampede: one request at a time polls the generation (the others keep serving the current entry for
    that moment), and one thread at a time renders a given key (the others wait for its result).
    """

    def __init__(self, check_seconds: float = CHECK_SECONDS) -> None:
        self.check_seconds = check_seconds
        self._lock = threading.Lock()
        self._poll_lock = threading.Lock()
        self._render_locks: dict[tuple[str, str], threading.Lock] = {}
        # (key, minute) -> (generation, entry): this minute's entry and, near its end, the next one's.
        self._entries: dict[tuple[tuple[str, str], datetime], tuple[int, Entry]] = {}
        self._generation = -1
        self._checked_at = float("-inf")
        self._seen_local = -1
        self._poll_claimed = False
        self._prerendering: set[tuple[str, str]] = set()
        # key -> how to render it again (set by `get`), so a hit can refresh in the background
        self._recipes: dict[tuple[str, str], tuple[Callable[[], Session], str, Callable[[Session], bytes]]] = {}
        self.renders = 0  # how many times something was rendered (tests and the benchmark read it)

    def _refresh_generation(self, open_session: Callable[[], Session]) -> int:
        with self._poll_lock:
            now = time.monotonic()
            if now - self._checked_at < self.check_seconds and self._seen_local == _local_bumps:
                return self._generation
            seen = _local_bumps
            try:
                session = open_session()
                try:
                    generation, _changed = current_generation(session)
                finally:
                    session.close()
            except SQLAlchemyError as exc:
                if self._generation < 0:
                    raise
                # The database is down: keep answering from memory and poll again in a second.
                log.warning("status cache: generation poll failed, serving cached pages: %s", exc)
                self._checked_at = now
                return self._generation
            with self._lock:
                if generation != self._generation:
                    self._entries.clear()
                self._generation, self._checked_at, self._seen_local = generation, now, seen
            return generation

    def peek(self, key: tuple[str, str], now: datetime) -> tuple[Entry | None, bool]:
        """(entry, poll_due) without touching the database.

        The entry is None when it is missing, from an older minute, or when this process committed a public
        change since the last poll. `poll_due` says the once-a-second generation poll is due; the caller that
        wins `try_poll` does it, the rest may serve the entry meanwhile.
        """
        if self._seen_local != _local_bumps:
            return None, True
        found = self._entries.get((key, now.replace(second=0, microsecond=0)))
        due = time.monotonic() - self._checked_at >= self.check_seconds
        if found is not None and found[0] == self._generation:
            return found[1], due
        return None, due

    def try_poll(self) -> bool:
        """Claim the due poll (event-loop code only): True for one caller, which must `get`, then `release_poll`.

        Everyone else keeps serving the entry they have, so the poll's thread hop and query cost one request
        a second, not every request that arrives while it runs.
        """
        if self._poll_claimed:
            return False
        self._poll_claimed = True
        return True

    def release_poll(self) -> None:
        self._poll_claimed = False

    def refresh_soon(self, key: tuple[str, str], now: datetime) -> bool:
        """Claim the due poll and do it in a background thread (the fast lane's hits never wait for it).

        The thread rereads the generation (re-rendering `key` if it changed) and, near the end of a minute,
        renders the next minute's entry. Meanwhile every request is answered from the entry in memory, at
        most about a second old, as Cache-Control allows anyway. False when another poll is under way or
        the key was never rendered here.
        """
        recipe = self._recipes.get(key)
        if recipe is None or not self.try_poll():
            return False
        open_session, media_type, build = recipe

        def work() -> None:
            try:
                self.get(key, open_session=open_session, now=now, media_type=media_type, build=build)
                self.prerender_next_minute(key, open_session=open_session, now=now, media_type=media_type, build=build)
            except Exception:  # the next request polls again, and a miss shows the reader the error
                log.warning("status cache: background refresh of %s failed", key, exc_info=True)
            finally:
                self.release_poll()

        threading.Thread(target=work, name="status-refresh", daemon=True).start()
        return True

    def prerender_next_minute(
        self,
        key: tuple[str, str],
        *,
        open_session: Callable[[], Session],
        now: datetime,
        media_type: str,
        build: Callable[[Session], bytes],
    ) -> bool:
        """In the last seconds of a minute, render the next minute's entry in a background thread.

        Entries roll over each minute; without this, the first requests of a minute wait for the render and
        every request meanwhile shares the CPU with it. Returns whether a render was started.
        """
        upcoming = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        if (upcoming - now).total_seconds() > PRERENDER_SECONDS:
            return False
        if (key, upcoming) in self._entries:
            return False
        with self._lock:
            if key in self._prerendering:
                return False
            self._prerendering.add(key)

        def work() -> None:
            try:
                self.get(key, open_session=open_session, now=upcoming, media_type=media_type, build=build)
            except Exception:  # the render runs again on demand, where its error reaches the reader
                log.warning("status cache: rendering %s ahead failed", key, exc_info=True)
            finally:
                with self._lock:
                    self._prerendering.discard(key)

        threading.Thread(target=work, name="status-prerender", daemon=True).start()
        return True

    def get(
        self,
        key: tuple[str, str],
        *,
        open_session: Callable[[], Session],
        now: datetime,
        media_type: str,
        build: Callable[[Session], bytes],
    ) -> Entry:
        """The cached entry for `key`, rendering it with `build` when missing or stale (one render per key)."""
        minute = now.replace(second=0, microsecond=0)
        with self._lock:
            render_lock = self._render_locks.setdefault(key, threading.Lock())
            self._recipes[key] = (open_session, media_type, build)
        generation = self._refresh_generation(open_session)
        found = self._entries.get((key, minute))
        if found is not None and found[0] == generation:
            return found[1]
        with render_lock:
            found = self._entries.get((key, minute))  # rendered by the thread this one waited for?
            if found is not None and found[0] == self._generation:
                return found[1]
            generation = self._generation
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
                if generation == self._generation:
                    for old in [k for k in self._entries if k[0] == key and k[1] < minute - timedelta(minutes=1)]:
                        del self._entries[old]
                    self._entries[(key, minute)] = (generation, entry)
            return entry


def cache_for(state: Any) -> RenderCache:
    """The app's render cache (one per app, created on first use)."""
    cache = getattr(state, "status_cache", None)
    if cache is None:
        cache = RenderCache()
        state.status_cache = cache
    return cache
