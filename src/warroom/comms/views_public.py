"""Public subscriber pages: subscribe (double opt-in), confirm, and RFC 8058 one-click unsubscribe. No login."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from warroom.comms import service as comms
from warroom.context import Ctx
from warroom.db import Database
from warroom.errors import AppError, NotConfigured
from warroom.lib.schema import MAX_ID
from warroom.lib.tokens import same
from warroom.web import PublicCtx, render

router = APIRouter()
FORM_COOKIE = "wr_subscribe_csrf"
Token = Annotated[str, Path(min_length=3, max_length=100)]
# Token links must not leak to other sites through Referer, nor be cached or framed.
PUBLIC_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


def _secured(response: Response) -> Response:
    response.headers.update(PUBLIC_HEADERS)
    return response


def _form(
    request: Request,
    ctx: Ctx,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, object] | None = None,
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "comms/subscribe.html",
        status_code=status_code,
        form_token=token,
        components=comms.public_components(ctx),
        errors=errors or {},
        form=form or {"kind": "email", "components": []},
        smtp_on=ctx.settings.smtp_configured,
    )
    secure = request.url.scheme == "https"
    response.set_cookie(FORM_COOKIE, token, httponly=True, samesite="strict", secure=secure, max_age=3600)
    return _secured(response)


@router.get("/status/subscribe", response_class=HTMLResponse)
def subscribe_form(request: Request, ctx: PublicCtx) -> Response:
    return _form(request, ctx)


@router.post("/status/subscribe", response_class=HTMLResponse)
def subscribe_submit(
    request: Request,
    ctx: PublicCtx,
    kind: Annotated[str, Form(max_length=10)] = "email",
    email: Annotated[str, Form(max_length=320)] = "",
    url: Annotated[str, Form(max_length=2000)] = "",
    components: Annotated[list[int], Form(max_length=500)] = [],  # noqa: B006 - FastAPI copies defaults
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Double-submit cookie against CSRF (no session here), then the per-IP rate limit, then the work."""
    form: dict[str, object] = {"kind": kind, "email": email, "url": url, "components": components}
    cookie = request.cookies.get(FORM_COOKIE, "")
    if not cookie or not csrf_token or not same(cookie, csrf_token):
        return _form(
            request, ctx, status_code=400, errors={"form": "The form expired. Please submit it again."}, form=form
        )
    try:
        comms.check_rate(ctx, request.client.host if request.client else "unknown")
    except comms.RateLimited as exc:
        response = render(request, "comms/rate_limited.html", status_code=429, retry_after=exc.retry_after)
        response.headers["Retry-After"] = str(exc.retry_after)
        return _secured(response)
    if any(not 1 <= c <= MAX_ID for c in components):
        return _form(request, ctx, status_code=422, errors={"components": "Pick components from the list."}, form=form)
    try:
        if kind == "webhook":
            created = comms.subscribe_webhook(ctx, url=url, component_ids=components)
            page = render(request, "comms/subscribed.html", kind="webhook", secret=created.secret, url=url)
            return _secured(page)
        if kind != "email":
            return _form(request, ctx, status_code=422, errors={"kind": "Choose email or webhook."}, form=form)
        comms.subscribe_email(ctx, email=email, component_ids=components)
    except NotConfigured as exc:
        return _form(request, ctx, status_code=409, errors={"email": exc.message}, form=form)
    except AppError as exc:
        field = exc.detail.get("field", "form") if isinstance(exc.detail, dict) else "form"
        return _form(request, ctx, status_code=exc.status_code, errors={str(field): exc.message}, form=form)
    return _secured(render(request, "comms/subscribed.html", kind="email", email=email.strip(), secret=None, url=""))


@router.get("/status/subscribe/confirm/{token}", response_class=HTMLResponse)
def confirm(request: Request, token: Token) -> Response:
    """Following the mailed link confirms the address (a GET, so it runs in its own write transaction)."""
    db: Database = request.app.state.db
    with db.transaction() as session:
        ctx = Ctx(session=session, clock=request.app.state.clock, settings=request.app.state.settings, source="ui")
        subscriber = comms.confirm(ctx, token)
        email, unsubscribed = subscriber.email, subscriber.unsubscribed_at is not None
    return _secured(render(request, "comms/confirmed.html", email=email, unsubscribed=unsubscribed))


@router.get("/status/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, ctx: PublicCtx, token: Token) -> Response:
    """Only a confirmation page: link scanners that GET every URL must not unsubscribe anyone."""
    subscriber = comms.subscriber_for_unsubscribe(ctx, token)
    return _secured(render(request, "comms/unsubscribe.html", subscriber=subscriber, token=token, done=False))


@router.post("/status/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(request: Request, ctx: PublicCtx, token: Token) -> Response:
    """RFC 8058 one-click: the signed token is the credential; no cookie or CSRF token is needed."""
    subscriber = comms.unsubscribe(ctx, token)
    return _secured(render(request, "comms/unsubscribe.html", subscriber=subscriber, token=token, done=True))
