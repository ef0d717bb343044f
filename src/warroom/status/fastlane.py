"""The status page's fast lane: a cache hit on a public page is answered before the framework sees it.

During an outage everyone reloads the status page. A fresh render-cache entry needs no routing, no
dependency injection and no Request object, so this ASGI middleware sends it straight away: about twice
the requests/s of the same answer through FastAPI. When the once-a-second generation poll is due, one hit
starts it in a background thread (RenderCache.refresh_soon) and is still answered from memory, so no
request waits for the database. Anything else (a miss, a query string, a conditional request, HEAD) falls
through to the ordinary route in views.py, which fills the cache.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from warroom.status.cache import cache_for

JSON_DOCUMENTS = (
    "summary.json",
    "status.json",
    "components.json",
    "incidents.json",
    "incidents/unresolved.json",
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
)
FAST_PATHS: dict[str, tuple[str, str]] = {
    "/status": ("page", "index"),
    "/status/history.atom": ("feed", "atom"),
    "/status/history.rss": ("feed", "rss"),
    **{f"/status/api/v2/{name}": ("json", name) for name in JSON_DOCUMENTS},
}


class StatusFastLane:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope["query_string"]:
            key = FAST_PATHS.get(scope["path"])
            if key is not None and not any(name == b"if-none-match" for name, _ in scope["headers"]):
                state = scope["app"].state
                cache = cache_for(state)
                now = state.clock.now()
                entry, poll_due = cache.peek(key, now)
                if entry is not None:
                    if poll_due:
                        cache.refresh_soon(key, now)  # in the background: this answer does not wait for it
                    await send({"type": "http.response.start", "status": 200, "headers": entry.asgi_headers})
                    await send({"type": "http.response.body", "body": entry.body})
                    return
        await self.app(scope, receive, send)
