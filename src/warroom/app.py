"""The app factory: mounts every domain's api.py and views.py, error handlers, static files, the worker."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from warroom import __version__, handlers
from warroom.auth import api as auth_api
from warroom.auth import views as auth_views
from warroom.catalog import api as catalog_api
from warroom.catalog import views as catalog_views
from warroom.comms import api as comms_api
from warroom.comms import views as comms_views
from warroom.contacts import api as contacts_api
from warroom.contacts import views as contacts_views
from warroom.db import Database, ping
from warroom.errors import AppError
from warroom.incidents import api as incidents_api
from warroom.incidents import views as incidents_views
from warroom.intake import api as intake_api
from warroom.intake import readfirst
from warroom.intake import views as intake_views
from warroom.intake.fastlane import IntakeFastLane
from warroom.jobs import api as jobs_api
from warroom.jobs import views as jobs_views
from warroom.lib import routes
from warroom.lib.clock import Clock, SystemClock
from warroom.maintenance import api as maintenance_api
from warroom.maintenance import views as maintenance_views
from warroom.notify import api as notify_api
from warroom.notify import views as notify_views
from warroom.paging import api as paging_api
from warroom.paging import views as paging_views
from warroom.reports import api as reports_api
from warroom.reports import views as reports_views
from warroom.review import api as review_api
from warroom.review import views as review_views
from warroom.schedules import api as schedules_api
from warroom.schedules import views as schedules_views
from warroom.settings import Settings
from warroom.silences import api as silences_api
from warroom.silences import views as silences_views
from warroom.status import api as status_api
from warroom.status import views as status_views
from warroom.status.fastlane import StatusFastLane
from warroom.web import LoginRequired, login_redirect_target, render

log = logging.getLogger("warroom")
STATIC_DIR = Path(__file__).parent / "static"


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
    run_worker: bool = False,
) -> FastAPI:
    """Build the ASGI app. Tests pass settings, a FakeClock and a Database directly."""
    handlers.load_all()
    settings = settings or Settings.from_env()
    database = db or Database(settings)
    the_clock = clock or SystemClock()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = None
        if run_worker:
            from warroom.jobs.worker import WorkerPool

            worker = WorkerPool(database, the_clock, settings, name="serve")
            worker.start_thread()
        app.state.worker = worker
        if db is None:
            database.start_checkpointer()
            # Everything built so far lives as long as the process: keep it out of the collector, whose full
            # pass over it took ~170 ms and was the p99 of the status page under load.
            gc.collect()
            gc.freeze()
            # A request's objects are freed by reference counting, so the young generation's default
            # threshold (700) ran the collector over whatever was in flight several hundred times a second
            # under intake load, each pass a pause for every request. 20,000 still collects cycles promptly.
            # Open-loop intake at 1,000 alerts/s, steady state, six fresh servers each: p99 3.8-15.3 ms
            # (three of six over 10 ms) with the default, 6.4-9.5 ms with this.
            gc.set_threshold(20_000, 20, 100)
        try:
            yield
        finally:
            await readfirst.close(app.state)  # PostgreSQL's read-first connections on this loop
            intake_writer = getattr(app.state, "intake_writer", None)
            if intake_writer is not None:
                intake_writer.stop()  # finish the deliveries already accepted into its queue
            if worker is not None:
                worker.stop()
            if db is None:
                database.dispose()

    app = WarroomApp(
        title="Warroom",
        version=__version__,
        description="Incident response API. Authenticate with `Authorization: Bearer <token>`.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.db = database
    app.state.clock = the_clock
    app.state.worker = None

    # Foundation domains first, then the capabilities built on them (intake, paging, communications, review).
    api_modules: tuple[ModuleType, ...] = (
        auth_api,
        catalog_api,
        incidents_api,
        notify_api,
        jobs_api,
        maintenance_api,
        intake_api,
    )
    api_modules += (silences_api, reports_api, schedules_api, paging_api, status_api, comms_api, review_api)
    api_modules += (contacts_api,)
    view_modules: tuple[ModuleType, ...] = (
        auth_views,
        catalog_views,
        incidents_views,
        notify_views,
        jobs_views,
        maintenance_views,
    )
    view_modules += (intake_views, silences_views, reports_views, schedules_views, paging_views, status_views)
    view_modules += (comms_views, review_views, contacts_views)
    # The public hot paths (status page, intake receivers) first: a request stops at its first matching route.
    for module in (status_views, intake_views):
        routes.mount(app, module.router, include_in_schema=False)
    for module in api_modules:
        routes.mount(app, module.router, prefix="/api/v1")
    for module in view_modules:
        if module not in (status_views, intake_views):
            routes.mount(app, module.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/healthz", tags=["system"])
    def healthz() -> dict[str, str]:
        """Liveness and database check for load balancers."""
        try:
            ping(database)
        except Exception as exc:
            log.warning("health check failed: %s", exc)
            return JSONResponse(  # type: ignore[return-value]
                {"status": "error", "database": "unreachable"}, status_code=503
            )
        return {"status": "ok", "database": "ok", "version": __version__}

    _install_error_handlers(app)
    return app


def serve_app() -> FastAPI:
    """The app of one `warroom serve --workers N` process, built from the environment the command set."""
    return create_app(run_worker=os.environ.get("WARROOM_SERVE_RUN_WORKER", "1") == "1")


class WarroomApp(FastAPI):
    """FastAPI with the two fast lanes in front of everything else.

    The status lane answers cached public pages and the intake lane answers alert POSTs before FastAPI's own
    per-request work (its telemetry check reads the environment on every request, then the error, telemetry
    and body-limit middlewares and routing). Everything else goes on to FastAPI unchanged.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lanes = StatusFastLane(IntakeFastLane(self._framework))

    async def _framework(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["app"] = self
            await self._lanes(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/integrations/", "/v2/", "/generic/", "/openapi.json", "/healthz")):
        return False
    return "text/html" in request.headers.get("accept", "")


def _error(status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "detail": detail}, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _wants_html(request) or request.method == "GET":
            return RedirectResponse(login_redirect_target(request), status_code=303)
        return _error(401, exc.message)

    @app.exception_handler(AppError)
    async def app_error(request: Request, exc: AppError) -> Response:
        if _wants_html(request):
            return render(request, "error.html", status_code=exc.status_code, message=exc.message, detail=exc.detail)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return _error(exc.status_code, exc.message, exc.detail, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {
                "field": ".".join(str(part) for part in err.get("loc", ())),
                "message": err.get("msg", ""),
                "type": err.get("type", ""),
            }
            for err in exc.errors()
        ]
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
        return _error(422, f"invalid request: {summary}", problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404:
            message = f"nothing at {request.url.path}; see /api/docs for the API"
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        if _wants_html(request):
            return render(request, "error.html", status_code=exc.status_code, message=message, detail=None)
        return _error(exc.status_code, message, None, dict(exc.headers) if exc.headers else None)

    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def unstorable_value(request: Request, exc: Exception) -> Response:
        # A number beyond the database's integer range, or a NUL byte PostgreSQL cannot store in text.
        message = "a value in the request cannot be stored: a number is out of range or a text contains a NUL byte"
        if _wants_html(request):
            return render(request, "error.html", status_code=422, message=message, detail=None)
        return _error(422, message)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(500, "internal error; the server log has the details", None)
