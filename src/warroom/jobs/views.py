from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warroom.jobs import service
from warroom.jobs.models import JOB_STATUSES
from warroom.lib.schema import MAX_ID
from warroom.web import UiAdmin, render

router = APIRouter()
PAGE_SIZE = 50
JobId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/admin/jobs", response_class=HTMLResponse)
def jobs_page(
    request: Request,
    ctx: UiAdmin,
    status: Annotated[str, Query(max_length=20)] = "",
    queue: Annotated[str, Query(max_length=50)] = "",
    name: Annotated[str, Query(max_length=100)] = "",
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    retried: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Queue health for admins: counts, newest jobs with filters, dead letters with a Retry button."""
    status_error = None
    if status and status not in JOB_STATUSES:
        status_error = f"Unknown status {status!r}; choose one of {', '.join(JOB_STATUSES)}."
        status = ""
    jobs, total = service.list_jobs(
        ctx, status=status or None, queue=queue or None, name=name or None, limit=PAGE_SIZE, offset=offset
    )
    dead, dead_total = service.list_jobs(ctx, status="dead", limit=20)
    return render(
        request,
        "jobs/admin.html",
        status_code=400 if status_error else 200,
        stats=service.stats(ctx),
        jobs=jobs,
        total=total,
        dead=dead,
        dead_total=dead_total,
        filters={"status": status, "queue": queue, "name": name},
        statuses=JOB_STATUSES,
        offset=offset,
        page_size=PAGE_SIZE,
        status_error=status_error,
        retried=retried,
        prev_url=_page_url(status, queue, name, offset - PAGE_SIZE) if offset > 0 else None,
        next_url=_page_url(status, queue, name, offset + PAGE_SIZE) if offset + PAGE_SIZE < total else None,
    )


def _page_url(status: str, queue: str, name: str, offset: int) -> str:
    params = {k: v for k, v in {"status": status, "queue": queue, "name": name}.items() if v}
    if offset > 0:
        params["offset"] = str(offset)
    return "/admin/jobs" + ("?" + urlencode(params) if params else "")


@router.post("/admin/jobs/{job_id}/retry")
def retry_job(job_id: JobId, ctx: UiAdmin) -> Response:
    service.retry_dead(ctx, job_id=job_id)
    return RedirectResponse(f"/admin/jobs?retried={job_id}", status_code=303)
