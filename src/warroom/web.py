"""Request plumbing shared by every domain's api.py and views.py: unit of work, auth, CSRF, templates."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from warroom.auth import service as auth_service
from warroom.auth.models import User
from warroom.context import Ctx, Source
from warroom.db import Database
from warroom.errors import AppError, Forbidden, Unauthorized
from warroom.lib.tokens import same

SESSION_COOKIE = "wr_session"
LOGIN_CSRF_COOKIE = "wr_login_csrf"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


class LoginRequired(AppError):
    """A UI page was opened without a session; the handler redirects to /login."""

    status_code = 401
    code = "login_required"


@contextmanager
def _open_ctx(request: Request, source: Source) -> Iterator[Ctx]:
    db: Database = request.app.state.db
    readonly = request.method in SAFE_METHODS
    session = db.session(readonly=readonly)
    ctx = Ctx(session=session, clock=request.app.state.clock, settings=request.app.state.settings, source=source)
    try:
        yield ctx
        try:
            session.commit()
        except OperationalError:
            if not readonly:
                raise
            # A read that touched bookkeeping (token last-used) lost a race with a writer: harmless.
            session.rollback()
    except BaseException:
        session.rollback()
        _keep_signed_in_user_readable(request, session)
        raise
    finally:
        session.close()


def _keep_signed_in_user_readable(request: Request, session: Session) -> None:
    """The error page shows who is signed in, but a rollback (or a failed flush) expired that user: reload it."""
    user = getattr(request.state, "user", None)
    if user is None:
        return
    try:
        session.refresh(user)
        session.expunge(user)
    except Exception:
        # The database is gone too: render the error page as if signed out rather than fail again.
        request.state.user = None


async def submitted_csrf_token(request: Request) -> str | None:
    """The CSRF token sent with an unsafe request: X-CSRF-Token header or csrf_token form field."""
    if request.method in SAFE_METHODS:
        return None
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


def _authenticate(request: Request, ctx: Ctx, csrf: str | None, *, allow_bearer: bool) -> User | None:
    header = request.headers.get("authorization", "")
    if allow_bearer and header[:7].lower() == "bearer ":
        user = auth_service.user_for_api_token(ctx, header[7:].strip())
        if user is None:
            raise Unauthorized("the bearer token is unknown or revoked; create one with `warroom token create EMAIL`")
        return user
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    found = auth_service.web_session_for(ctx, cookie)
    if found is None:
        return None
    user, web_session = found
    if request.method not in SAFE_METHODS and (csrf is None or not same(csrf, web_session.csrf_token)):
        raise Forbidden("missing or wrong CSRF token; reload the page and try again")
    request.state.csrf_token = web_session.csrf_token
    return user


def _bind(request: Request, ctx: Ctx, user: User) -> None:
    request.state.user = user
    ctx.actor = auth_service.actor_for(user)


def api_ctx(request: Request, csrf: Annotated[str | None, Depends(submitted_csrf_token)]) -> Iterator[Ctx]:
    """Unit of work for /api/v1: a bearer token, or the UI's session cookie plus CSRF header."""
    with _open_ctx(request, "api") as ctx:
        user = _authenticate(request, ctx, csrf, allow_bearer=True)
        if user is None:
            raise Unauthorized("authentication required: send 'Authorization: Bearer <token>'")
        _bind(request, ctx, user)
        yield ctx


def ui_ctx(request: Request, csrf: Annotated[str | None, Depends(submitted_csrf_token)]) -> Iterator[Ctx]:
    """Unit of work for HTML pages: a session cookie, CSRF-checked on every form post."""
    with _open_ctx(request, "ui") as ctx:
        user = _authenticate(request, ctx, csrf, allow_bearer=False)
        if user is None:
            raise LoginRequired("log in to see this page")
        _bind(request, ctx, user)
        yield ctx


def public_ctx(request: Request) -> Iterator[Ctx]:
    """Unit of work for routes that carry their own credentials (login, intake keys, status page)."""
    with _open_ctx(request, "ui") as ctx:
        yield ctx


def require_role(ctx: Ctx, minimum: str) -> None:
    if auth_service.role_rank(ctx.actor.role) < auth_service.role_rank(minimum):
        raise Forbidden(f"this needs the {minimum} role or higher; you are {ctx.actor.role}")


def _role_dependency(base: Callable[..., Iterator[Ctx]], minimum: str) -> Any:
    def dependency(ctx: Ctx) -> Ctx:
        require_role(ctx, minimum)
        return ctx

    # Set the signature by hand: string annotations could not see `base` from this closure.
    parameter = inspect.Parameter(
        "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Annotated[Ctx, Depends(base, scope="function")]
    )
    dependency.__signature__ = inspect.Signature([parameter], return_annotation=Ctx)  # type: ignore[attr-defined]
    return Depends(dependency, scope="function")


# Annotated aliases: `ctx: ApiViewer` in a handler means "any signed-in user", and so on up.
ApiViewer = Annotated[Ctx, _role_dependency(api_ctx, "viewer")]
ApiResponder = Annotated[Ctx, _role_dependency(api_ctx, "responder")]
ApiAdmin = Annotated[Ctx, _role_dependency(api_ctx, "admin")]
ApiOwner = Annotated[Ctx, _role_dependency(api_ctx, "owner")]
UiViewer = Annotated[Ctx, _role_dependency(ui_ctx, "viewer")]
UiResponder = Annotated[Ctx, _role_dependency(ui_ctx, "responder")]
UiAdmin = Annotated[Ctx, _role_dependency(ui_ctx, "admin")]
PublicCtx = Annotated[Ctx, Depends(public_ctx, scope="function")]


def login_redirect_target(request: Request) -> str:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return "/login?next=" + quote(target, safe="")


def format_instant(instant: datetime | None, tz: str = "UTC") -> str:
    if instant is None:
        return "—"
    return instant.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z")


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a template with the signed-in user, CSRF token and clock in scope."""
    user: User | None = getattr(request.state, "user", None)
    base = {
        "request": request,
        "user": user,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "now": request.app.state.clock.now(),
        "user_tz": user.timezone if user else "UTC",
        "smtp_configured": request.app.state.settings.smtp_configured,
    }
    base.update(context)
    return templates.TemplateResponse(request, name, base, status_code=status_code)


def _timeago(instant: datetime | None, now: datetime) -> str:
    if instant is None:
        return ""
    seconds = int((now - instant).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        text = f"{seconds}s"
    elif seconds < 3600:
        text = f"{seconds // 60} min"
    elif seconds < 86400:
        text = f"{seconds // 3600} h {seconds % 3600 // 60} min"
    else:
        text = f"{seconds // 86400} d {seconds % 86400 // 3600} h"
    return f"in {text}" if future else f"{text} ago"


templates.env.filters["instant"] = format_instant
templates.env.globals["timeago"] = _timeago
