from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.auth import service
from warroom.lib.schema import MAX_ID
from warroom.lib.tokens import same
from warroom.web import LOGIN_CSRF_COOKIE, SESSION_COOKIE, PublicCtx, UiViewer, render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect to another host after login.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/incidents"


def _secure(request: Request) -> bool:
    base = request.app.state.settings.base_url or ""
    return request.url.scheme == "https" or base.startswith("https://")


def _login_page(request: Request, *, next_url: str, error: str | None = None, email: str = "") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "auth/login.html",
        status_code=400 if error else 200,
        login_csrf=token,
        next_url=next_url,
        error=error,
        email=email,
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request), max_age=3600)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, next_url=_safe_next(next))


@router.post("/login")
def login(
    request: Request,
    ctx: PublicCtx,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/incidents",
) -> Response:
    """Password login. CSRF here is a double-submit cookie, since there is no session yet."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not same(cookie, csrf_token):
        return _login_page(
            request, next_url=_safe_next(next), error="Your login form expired. Please try again.", email=email
        )
    user = service.verify_password(ctx, email=email, password=password)
    if user is None:
        return _login_page(request, next_url=_safe_next(next), error="Email or password is wrong.", email=email)
    token, _record = service.start_web_session(ctx, user=user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=ctx.settings.session_days * 86400,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, ctx: UiViewer) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        service.end_web_session(ctx, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def home(ctx: UiViewer) -> Response:
    return RedirectResponse("/incidents", status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, ctx: UiViewer) -> Response:
    assert ctx.actor.user_id is not None
    user = service.get_user(ctx, ctx.actor.user_id)
    return render(request, "auth/account.html", tokens=service.list_api_tokens(ctx, user=user), issued=None)


@router.post("/account/tokens", response_class=HTMLResponse)
def account_create_token(
    request: Request, ctx: UiViewer, name: Annotated[str, Form(min_length=1, max_length=200)] = "ui"
) -> Response:
    assert ctx.actor.user_id is not None
    user = service.get_user(ctx, ctx.actor.user_id)
    issued = service.create_api_token(ctx, user=user, name=name)
    return render(request, "auth/account.html", tokens=service.list_api_tokens(ctx, user=user), issued=issued.token)


@router.post("/account/tokens/{token_id}/revoke")
def account_revoke_token(token_id: Annotated[int, Path(ge=1, le=MAX_ID)], ctx: UiViewer) -> Response:
    assert ctx.actor.user_id is not None
    user = service.get_user(ctx, ctx.actor.user_id)
    service.revoke_api_token(ctx, user=user, token_id=token_id)
    return RedirectResponse("/account", status_code=303)
