"""Contacts HTML pages: the acknowledge link, my contact methods and rules, a person's page log, the incident panel."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.auth import service as auth_service
from warroom.auth.models import User
from warroom.contacts import service
from warroom.contacts.ack import LinkExpired
from warroom.contacts.methods import KIND_LABELS
from warroom.contacts.models import CONTACT_KINDS, PAGE_STATUSES, URGENCIES
from warroom.contacts.pages import provider_missing
from warroom.context import Ctx
from warroom.errors import AppError, Conflict, Forbidden, Invalid
from warroom.incidents import panels
from warroom.incidents.models import Incident
from warroom.lib.schema import MAX_ID
from warroom.web import PublicCtx, UiResponder, UiViewer, render

router = APIRouter()
PAGE_SIZE = 50
Token = Annotated[str, Path(min_length=1, max_length=200)]
MethodId = Annotated[int, Path(ge=1, le=MAX_ID)]
RuleId = Annotated[int, Path(ge=1, le=MAX_ID)]
# The token in the URL is the credential: keep it out of Referer headers and search engines.
PRIVATE_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex", "Cache-Control": "no-store"}


def _ack_refused(request: Request, error: Forbidden) -> Response:
    status_code = 410 if isinstance(error, LinkExpired) else 403
    response = render(request, "contacts/ack_invalid.html", status_code=status_code, message=error.message)
    response.headers.update(PRIVATE_HEADERS)
    return response


@router.get("/ack/{token}", response_class=HTMLResponse)
def ack_page(request: Request, token: Token, ctx: PublicCtx) -> Response:
    """Show the incident and one Acknowledge button. A GET never acknowledges (mail scanners fetch links)."""
    try:
        link = service.read_token(ctx, token)
    except Forbidden as error:
        return _ack_refused(request, error)
    response = render(request, "contacts/ack.html", link=link, incident=link.incident, done=False, first=False)
    response.headers.update(PRIVATE_HEADERS)
    return response


@router.post("/ack/{token}", response_class=HTMLResponse)
def ack_submit(request: Request, token: Token, ctx: PublicCtx) -> Response:
    """Acknowledge as the paged person (source "ack-link"). Repeats are harmless."""
    try:
        link, first = service.acknowledge_by_link(ctx, token)
    except Forbidden as error:
        return _ack_refused(request, error)
    response = render(request, "contacts/ack.html", link=link, incident=link.incident, done=True, first=first)
    response.headers.update(PRIVATE_HEADERS)
    return response


NOTICES = {
    "added": "Contact method added. Send a test to verify it.",
    "test": "Test notification queued; this page shows the result once the worker has sent it.",
    "deleted": "Contact method deleted, with the rules that used it.",
    "rule-added": "Notification rule added.",
    "rule-deleted": "Notification rule deleted.",
}


def _me_page(request: Request, ctx: Ctx, *, status_code: int = 200, **extra: Any) -> Response:
    user_id = ctx.actor.user_id or 0
    methods = service.list_contact_methods(ctx, user_id=user_id)
    pages, total = service.user_pages(ctx, user_id=user_id, limit=10)
    context: dict[str, Any] = {
        "methods": methods,
        "methods_by_id": {m.id: m for m in methods},
        "rules": service.list_rules(ctx, user_id=user_id),
        "pages": pages,
        "pages_total": total,
        "kinds": CONTACT_KINDS,
        "kind_labels": KIND_LABELS,
        "urgencies": URGENCIES,
        "off": {kind: provider_missing(ctx.settings, kind) for kind in CONTACT_KINDS},
        "can_change": ctx.actor.role != "viewer",
        "errors": {},
        "form": {},
        "rule_errors": {},
        "rule_form": {},
        "added": None,
        "notice": None,
    }
    context.update(extra)
    return render(request, "contacts/me.html", status_code=status_code, **context)


@router.get("/me/contacts", response_class=HTMLResponse)
def my_contacts(
    request: Request,
    ctx: UiViewer,
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """My contact methods (add, test, delete), notification rules and my latest pages."""
    return _me_page(request, ctx, notice=NOTICES.get(done))


def _field(exc: AppError, default: str) -> str:
    return str(exc.detail.get("field", default)) if isinstance(exc.detail, dict) else default


@router.post("/me/contacts", response_class=HTMLResponse)
def add_method(
    request: Request,
    ctx: UiResponder,
    kind: Annotated[str, Form(max_length=20)] = "",
    target: Annotated[str, Form(max_length=2000)] = "",
    label: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    form = {"kind": kind, "target": target, "label": label}
    try:
        added = service.add_contact_method(ctx, user_id=ctx.actor.user_id or 0, kind=kind, target=target, label=label)
    except (Invalid, Conflict) as exc:
        return _me_page(request, ctx, status_code=400, errors={_field(exc, "target"): exc.message}, form=form)
    if added.secret:
        # Rendered, not redirected: the signing secret must never travel in a URL.
        return _me_page(request, ctx, status_code=201, added=added)
    return RedirectResponse("/me/contacts?done=added", status_code=303)


@router.post("/me/contacts/{method_id}/test")
def test_method(method_id: MethodId, ctx: UiResponder) -> Response:
    service.send_test_notification(ctx, user_id=ctx.actor.user_id or 0, method_id=method_id)
    return RedirectResponse("/me/contacts?done=test", status_code=303)


@router.post("/me/contacts/{method_id}/delete")
def delete_method(method_id: MethodId, ctx: UiResponder) -> Response:
    service.delete_contact_method(ctx, user_id=ctx.actor.user_id or 0, method_id=method_id)
    return RedirectResponse("/me/contacts?done=deleted", status_code=303)


@router.post("/me/rules", response_class=HTMLResponse)
def add_rule(
    request: Request,
    ctx: UiResponder,
    contact_method_id: Annotated[str, Form(max_length=12)] = "",
    delay_minutes: Annotated[str, Form(max_length=12)] = "",
    urgency: Annotated[str, Form(max_length=10)] = "any",
) -> Response:
    form = {"contact_method_id": contact_method_id, "delay_minutes": delay_minutes, "urgency": urgency}
    try:
        method_id = _int(contact_method_id, "contact_method_id", "choose a contact method")
        delay = _int(delay_minutes, "delay_minutes", "the delay is a whole number of minutes, 0 to 1440")
        service.add_rule(
            ctx, user_id=ctx.actor.user_id or 0, contact_method_id=method_id, delay_minutes=delay, urgency=urgency
        )
    except (Invalid, Conflict) as exc:
        errors = {_field(exc, "delay_minutes"): exc.message}
        return _me_page(request, ctx, status_code=400, rule_errors=errors, rule_form=form)
    except AppError as exc:  # a method id that is not yours
        return _me_page(request, ctx, status_code=400, rule_errors={"contact_method_id": exc.message}, rule_form=form)
    return RedirectResponse("/me/contacts?done=rule-added", status_code=303)


def _int(raw: str, field: str, message: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise Invalid(message, {"field": field}) from None
    if not 0 <= value <= MAX_ID:
        raise Invalid(message, {"field": field})
    return value


@router.post("/me/rules/{rule_id}/delete")
def delete_rule(rule_id: RuleId, ctx: UiResponder) -> Response:
    service.delete_rule(ctx, user_id=ctx.actor.user_id or 0, rule_id=rule_id)
    return RedirectResponse("/me/contacts?done=rule-deleted", status_code=303)


@router.get("/users/{user_id}/pages", response_class=HTMLResponse)
def user_pages(
    request: Request,
    user_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    ctx: UiViewer,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Response:
    """One person's page log: every delivery with its status and reason."""
    person = auth_service.get_user(ctx, user_id)
    rows, total = service.user_pages(ctx, user_id=person.id, limit=PAGE_SIZE, offset=offset)
    base = f"/users/{person.id}/pages"
    return render(
        request,
        "contacts/user_pages.html",
        person=person,
        pages=rows,
        total=total,
        has_methods=bool(service.list_contact_methods(ctx, user_id=person.id)),
        kind_labels=KIND_LABELS,
        statuses=PAGE_STATUSES,
        prev_url=f"{base}?offset={max(offset - PAGE_SIZE, 0)}" if offset > 0 else None,
        next_url=f"{base}?offset={offset + PAGE_SIZE}" if offset + PAGE_SIZE < total else None,
    )


def _panel(ctx: Ctx, incident: Incident) -> dict[str, Any] | None:
    rows, total = service.incident_pages(ctx, incident=incident, limit=20)
    if not rows:
        return None
    people = {r.user_id for r in rows}
    names = {uid: user.name for uid in people if (user := ctx.session.get(User, uid)) is not None}
    return {"pages": rows, "total": total, "names": names, "kind_labels": KIND_LABELS}


panels.register(
    panels.Panel(name="contacts.pages", slot="side", order=40, template="contacts/_pages_panel.html", build=_panel)
)
