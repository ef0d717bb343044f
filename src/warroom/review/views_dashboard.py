"""Review pages across incidents: the metrics dashboard, action items, post-mortem search, the public version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from warroom.catalog.models import Service, Team
from warroom.context import Ctx
from warroom.errors import AppError, NotFound
from warroom.incidents import panels
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.lib.schema import MAX_ID
from warroom.review import charts, service
from warroom.review.export import duration, metric_label
from warroom.review.metrics import METRICS, parse_since
from warroom.review.models import ACTION_STATUSES, FACTOR_CATEGORIES
from warroom.review.pages import Edits, item_form_vars
from warroom.web import PublicCtx, UiViewer, render

router = APIRouter()
PAGE_SIZE = 50
TREND_METRICS = ("time_to_acknowledge", "time_to_mitigate", "time_to_resolve")


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else seconds / 60


def _dashboard_charts(data: dict[str, Any]) -> dict[str, str]:
    months = sorted(data["by_month"])
    trend = charts.line_chart(
        "Median response times per month (minutes)",
        months,
        [
            charts.Series(metric_label(name), [_minutes(data["by_month"][m][name]["median"]) for m in months])
            for name in TREND_METRICS
        ],
    )
    resolve = [i["time_to_resolve"] for i in data["incidents"] if i["time_to_resolve"] is not None]
    distribution = charts.histogram(
        "How long incidents took to resolve (number of incidents)", charts.bucket_counts(resolve)
    )
    return {"trend": trend, "distribution": distribution}


@router.get("/metrics", response_class=HTMLResponse)
def dashboard(request: Request, ctx: UiViewer, since: Annotated[str, Query(max_length=40)] = "90d") -> Response:
    """Response metrics: monthly trend, distribution, and tables by severity, service, team and month."""
    error = None
    try:
        start = parse_since(since, ctx.now())
    except AppError as exc:
        error, start = exc.message, parse_since("90d", ctx.now())
    data = service.collect_metrics(ctx, since=start)
    return render(
        request,
        "review/metrics.html",
        status_code=422 if error else 200,
        data=data,
        since=since,
        since_error=error,
        start=start,
        charts=_dashboard_charts(data),
        metrics=METRICS,
        label=metric_label,
        duration=duration,
    )


@dataclass(frozen=True)
class ListFilters:
    """The action-item list's filters, as they appear in its address."""

    overdue: str = ""
    status: str = ""
    team_id: int | None = None
    service_id: int | None = None
    incident_id: int | None = None
    offset: int = 0

    @classmethod
    def from_query(cls, query: str) -> ListFilters:
        """The filters of a list address sent back by a form (unusable values are left out, not refused)."""
        params = {key: values[-1] for key, values in parse_qs(query).items()}

        def number(key: str, top: int = MAX_ID) -> int | None:
            value = params.get(key, "")
            return int(value) if value.isdigit() and len(value) <= 10 and int(value) <= top else None

        return cls(
            overdue=params.get("overdue", "")[:5],
            status=params.get("status", "")[:20],
            team_id=number("team_id") or None,
            service_id=number("service_id") or None,
            incident_id=number("incident_id") or None,
            offset=number("offset", 1_000_000) or 0,
        )


@router.get("/action-items", response_class=HTMLResponse)
def action_items(
    request: Request,
    ctx: UiViewer,
    overdue: Annotated[str, Query(max_length=5)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    team_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    service_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    incident_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Action items across incidents with filters in the URL (open, overdue, team, service)."""
    filters = ListFilters(overdue, status, team_id, service_id, incident_id, offset)
    return list_page(request, ctx, filters, query=str(request.url.query))


def list_page(
    request: Request,
    ctx: Ctx,
    filters: ListFilters,
    *,
    query: str,
    errors: dict[str, str] | None = None,
    edits: Edits | None = None,
    status_code: int = 200,
) -> Response:
    """The action-item list; an edit form refused on it shows the list again with the message by the field."""
    status = filters.status
    status_error = None
    if status and status not in (*ACTION_STATUSES, "active"):
        status_error = f"Unknown status {status!r}; choose one of active, {', '.join(ACTION_STATUSES)}."
        status = ""
    overdue = filters.overdue in ("1", "true", "on")
    items, total = service.list_action_items(
        ctx,
        overdue=True if overdue else None,
        status=status or None,
        team_id=filters.team_id,
        service_id=filters.service_id,
        incident_id=filters.incident_id,
        limit=PAGE_SIZE,
        offset=filters.offset,
    )
    return render(
        request,
        "review/action_items.html",
        status_code=422 if status_error else status_code,
        items=[service.action_item_dict(ctx, item) for item in items],
        total=total,
        filters={
            "overdue": overdue,
            "status": status,
            "team_id": filters.team_id,
            "service_id": filters.service_id,
            "incident_id": filters.incident_id,
        },
        status_error=status_error,
        errors=errors or {},
        edits=edits or {},
        teams=list(ctx.session.scalars(select(Team).order_by(Team.name))),
        services=list(ctx.session.scalars(select(Service).order_by(Service.name))),
        offset=filters.offset,
        page_size=PAGE_SIZE,
        query=query,
        **item_form_vars(request, ctx),
    )


@router.get("/postmortems", response_class=HTMLResponse)
def search(
    request: Request,
    ctx: UiViewer,
    q: Annotated[str, Query(max_length=200)] = "",
    service_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    factor: Annotated[str, Query(max_length=100)] = "",
    tag: Annotated[str, Query(max_length=50)] = "",
) -> Response:
    """Search post-mortems by text, service, contributing factor and tag."""
    hits = service.search_postmortems(ctx, q=q or None, service_id=service_id, factor=factor or None, tag=tag or None)
    return render(
        request,
        "review/search.html",
        hits=hits,
        filters={"q": q, "service_id": service_id, "factor": factor, "tag": tag},
        services=list(ctx.session.scalars(select(Service).order_by(Service.name))),
        categories=FACTOR_CATEGORIES,
    )


@router.get("/postmortems/{incident_id}/public", response_class=HTMLResponse)
def public_page(request: Request, ctx: PublicCtx, incident_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    """The public version of a published post-mortem: only the sections its author marked public."""
    found = service.public_postmortem(ctx.session, incident_id)
    if found is None:
        raise NotFound("there is no public post-mortem at this address")
    return render(request, "review/public.html", doc=found)


def _panel(ctx: Ctx, incident: Incident) -> dict[str, Any] | None:
    postmortem = service.get_postmortem(ctx, incident)
    if incidents.is_open(incident):
        similar = service.similar_incidents(ctx, incident, limit=3)
        return {"similar": similar, "postmortem": postmortem, "open": True}
    return {"similar": [], "postmortem": postmortem, "open": False}


panels.register(
    panels.Panel(name="review.postmortem", slot="side", order=80, template="review/_panel.html", build=_panel)
)
