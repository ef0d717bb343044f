"""The public status page, its JSON and feeds (no login, served from the render cache), plus the staff pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from warroom.errors import Invalid, NotFound
from warroom.lib.schema import MAX_ID
from warroom.status import render as pages
from warroom.status.cache import SECURITY_HEADERS, Entry, cache_for
from warroom.status.fastlane import JSON_DOCUMENTS
from warroom.status.feeds import atom, rss
from warroom.status.public import Snapshot, json_documents, page_settings, snapshot
from warroom.status.views_admin import router as admin_router
from warroom.status.views_publish import router as publish_router
from warroom.web import UiViewer

router = APIRouter()
router.include_router(admin_router)
router.include_router(publish_router)

ASSET_TYPES = {"status.css": "text/css; charset=utf-8", "status.js": "text/javascript; charset=utf-8"}
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


async def _cached(
    request: Request, key: tuple[str, str], media_type: str, build: Callable[[Session], bytes]
) -> Response:
    app = request.app
    cache = cache_for(app.state)
    now = app.state.clock.now()

    def open_session() -> Session:
        return app.state.db.session(readonly=True)  # type: ignore[no-any-return]

    def fetch() -> Entry:
        return cache.get(key, open_session=open_session, now=now, media_type=media_type, build=build)

    # A hit is answered on the event loop; only a miss or the once-a-second generation poll needs a thread,
    # and while one request polls the others keep serving the entry they have.
    entry, poll_due = cache.peek(key, now)
    if entry is None:
        entry = await run_in_threadpool(fetch)
    elif poll_due and cache.try_poll():
        try:
            entry = await run_in_threadpool(fetch)
        finally:
            cache.release_poll()
        cache.prerender_next_minute(key, open_session=open_session, now=now, media_type=media_type, build=build)
    headers = entry.headers
    if request.headers.get("if-none-match") == entry.etag:
        return Response(status_code=304, headers=headers)
    return Response(entry.body, media_type=entry.media_type, headers=headers)


def _snap(request: Request, session: Session) -> Snapshot:
    return snapshot(session, request.app.state.settings, request.app.state.clock.now())


@router.get("/status")
async def status_page(request: Request) -> Response:
    def build(session: Session) -> bytes:
        return pages.render_index(session, _snap(request, session), pages.Links())

    return await _cached(request, ("page", "index"), "text/html; charset=utf-8", build)


@router.get("/status/incidents/{incident_id}")
async def incident_page(request: Request, incident_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    def build(session: Session) -> bytes:
        snap = _snap(request, session)
        found = next((i for i in snap.incidents if i.id == incident_id), None)
        if found is None:
            raise NotFound(f"there is no public incident {incident_id}; see /status/history")
        return pages.render_incident(snap, pages.Links(), found)

    return await _cached(request, ("incident", str(incident_id)), "text/html; charset=utf-8", build)


@router.get("/status/history")
async def history_page(request: Request, month: Annotated[str | None, Query(max_length=7)] = None) -> Response:
    chosen = month or pages.current_month(request.app.state.clock.now())
    if not MONTH.match(chosen):
        raise Invalid("month must look like 2026-03 (YYYY-MM)", {"field": "month"})

    def build(session: Session) -> bytes:
        return pages.render_history(_snap(request, session), pages.Links(), chosen)

    return await _cached(request, ("history", chosen), "text/html; charset=utf-8", build)


@router.get("/status/history.atom")
async def history_atom(request: Request) -> Response:
    return await _cached(
        request, ("feed", "atom"), "application/atom+xml; charset=utf-8", lambda s: atom(_snap(request, s))
    )


@router.get("/status/history.rss")
async def history_rss(request: Request) -> Response:
    return await _cached(
        request, ("feed", "rss"), "application/rss+xml; charset=utf-8", lambda s: rss(_snap(request, s))
    )


def _json_route(name: str) -> None:
    async def document(request: Request) -> Response:
        def build(session: Session) -> bytes:
            return pages.render_json(json_documents(_snap(request, session))[name])

        return await _cached(request, ("json", name), "application/json", build)

    document.__name__ = "status_json_" + re.sub(r"\W", "_", name)
    router.add_api_route(f"/status/api/v2/{name}", document, methods=["GET"])


for _name in JSON_DOCUMENTS:
    _json_route(_name)


@router.get("/status/assets/{name}")
def status_asset(name: Annotated[str, Path(max_length=40)]) -> Response:
    if name not in ASSET_TYPES:
        raise NotFound(f"no status asset {name!r}")
    headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=3600"}
    return Response(pages.asset(name), media_type=ASSET_TYPES[name], headers=headers)


@router.get("/status/preview")
def preview_page(request: Request, ctx: UiViewer) -> Response:
    """The page as it would look with the exercise (game-day) incidents: staff only, never cached."""
    # An admin may switch the exercise preview off; the page then previews the real incidents.
    exercises = page_settings(ctx.session).preview_exercises
    snap = snapshot(ctx.session, ctx.settings, ctx.now(), exercises=exercises)
    body = pages.render_index(ctx.session, snap, pages.Links(preview=True))
    return Response(body, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)
