"""Silences HTML pages: list with status tabs, a new-silence form (prefilled from an alert's labels), detail."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.catalog import service as catalog
from warroom.errors import AppError, Invalid
from warroom.lib.schema import MAX_ID
from warroom.silences import service
from warroom.silences.matchers import MAX_MATCHERS, OPS, Matcher, parse_matcher
from warroom.silences.models import SILENCE_STATUSES
from warroom.web import UiResponder, UiViewer, render

router = APIRouter()
PAGE = 50
EMPTY_ROWS = 3
Texts = Annotated[list[str], Form(max_length=MAX_MATCHERS + EMPTY_ROWS)]
Short = Annotated[str, Form(max_length=40)]


def _int(raw: str, *, upper: int = MAX_ID) -> int | None:
    text = raw.strip()
    return int(text) if text.isdigit() and 0 < int(text) <= upper else None


@router.get("/silences", response_class=HTMLResponse)
def silences_page(request: Request, ctx: UiViewer, status: str = "active", offset: str = "") -> Response:
    """Silences by status: active, pending or expired (a tab each; the tab is in the URL)."""
    wanted = status if status in SILENCE_STATUSES else "active"
    start = _int(offset, upper=1_000_000) or 0
    rows, total = service.list_silences(ctx, status=wanted, limit=PAGE, offset=start)
    names = {s.id: s.name for s in catalog.all_services(ctx)}
    return render(
        request,
        "silences/list.html",
        silences=rows,
        total=total,
        status=wanted,
        statuses=SILENCE_STATUSES,
        services=names,
        offset=start,
        page_size=PAGE,
    )


def _form_rows(matchers: list[Matcher]) -> list[dict[str, str]]:
    rows = [m.as_dict() for m in matchers]
    return rows + [{"name": "", "op": "=", "value": ""} for _ in range(EMPTY_ROWS)]


def _new_page(
    request: Request,
    ctx: Any,
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
    preview: list[Any] | None = None,
) -> Response:
    return render(
        request,
        "silences/new.html",
        status_code=status_code,
        form=form,
        errors=errors,
        ops=OPS,
        services=catalog.all_services(ctx),
        preview=preview,
    )


@router.get("/silences/new", response_class=HTMLResponse)
def new_silence_page(
    request: Request,
    ctx: UiResponder,
    m: Annotated[list[str], Query(max_length=MAX_MATCHERS)] = [],  # noqa: B006 - FastAPI reads a fresh list
    service_id: str = "",
    comment: str = "",
    duration: str = "2h",
) -> Response:
    """The form. `?m=env=staging&m=job=api` prefills matcher rows ("silence like this" from an alert's labels)."""
    matchers: list[Matcher] = []
    errors: dict[str, str] = {}
    for position, text in enumerate(m):
        try:
            matchers.append(parse_matcher(text[:1200], position=position))
        except Invalid as exc:
            errors["form"] = exc.message
    scope = _int(service_id)
    form: dict[str, Any] = {
        "rows": _form_rows(matchers),
        "service_id": scope,
        "comment": comment[:2000],
        "duration": duration[:40],
    }
    preview: list[Any] | None = None
    if matchers and not errors:
        try:
            preview = service.preview(ctx, matchers=matchers, service_id=scope, limit=20)[0]
        except AppError as exc:
            errors["form"] = exc.message
    return _new_page(request, ctx, form, errors, preview=preview)


def _field_of(exc: AppError) -> str:
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    field = str(detail.get("field", "form"))
    if field.startswith("matchers."):
        return "matcher-" + field.split(".")[1]
    return {"ends_at": "duration", "starts_at": "duration", "matchers": "form"}.get(field, field)


@router.post("/silences", response_class=HTMLResponse)
def create_silence_form(
    request: Request,
    ctx: UiResponder,
    matcher_name: Texts = [],  # noqa: B006
    matcher_op: Texts = [],  # noqa: B006
    matcher_value: Texts = [],  # noqa: B006
    service_id: Short = "",
    duration: Short = "2h",
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Create the silence, or show the form again with the error next to its field."""
    # Rows whose name and value are both empty are the spare rows the form always offers.
    rows = [
        {"name": name.strip(), "op": op, "value": value}
        for name, op, value in zip(matcher_name, matcher_op, matcher_value, strict=False)
        if name.strip() or value
    ]
    scope = _int(service_id)
    form: dict[str, Any] = {
        "rows": rows + _form_rows([])[: max(EMPTY_ROWS - len(rows), 1)],
        "service_id": scope,
        "comment": comment,
        "duration": duration,
    }
    try:
        if service_id.strip() and scope is None:
            raise Invalid("choose a service from the list, or any service", {"field": "service_id"})
        span = service.parse_duration(duration)
        silence = service.create_silence(
            ctx, matchers=rows, comment=comment, ends_at=ctx.now() + span, service_id=scope
        )
    except AppError as exc:
        ctx.session.rollback()
        return _new_page(request, ctx, form, {_field_of(exc): exc.message}, status_code=exc.status_code)
    return RedirectResponse(f"/silences/{silence.id}?" + urlencode({"done": "created"}), status_code=303)


@router.get("/silences/{silence_id}", response_class=HTMLResponse)
def silence_page(request: Request, ctx: UiViewer, silence_id: str, done: str = "") -> Response:
    """One silence: matchers, span, author, comment, the alerts it holds back, and an expire button."""
    silence = service.get_silence(ctx, _int(silence_id) or 0)
    service_name = catalog.get_service(ctx, silence.service_id).name if silence.service_id else None
    notices = {"created": "Silence created.", "expired": "Silence expired; its alerts are evaluated again."}
    return render(
        request,
        "silences/show.html",
        silence=silence,
        status=silence.status_at(ctx.now()),
        service_name=service_name,
        alerts=service.silenced_alerts(ctx, silence),
        notice=notices.get(done, ""),
    )


@router.post("/silences/{silence_id}/expire", response_class=HTMLResponse)
def expire_silence_form(ctx: UiResponder, silence_id: str) -> Response:
    """Expire the silence now."""
    silence = service.expire_silence(ctx, service.get_silence(ctx, _int(silence_id) or 0))
    return RedirectResponse(f"/silences/{silence.id}?done=expired", status_code=303)
