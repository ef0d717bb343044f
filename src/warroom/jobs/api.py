from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from warroom.jobs import service
from warroom.jobs.schemas import JobOut, JobPage, JobStatsOut
from warroom.lib.pagination import MAX_LIMIT
from warroom.lib.schema import MAX_ID
from warroom.web import ApiAdmin

router = APIRouter(tags=["jobs"])
Status = Literal["pending", "running", "done", "dead", "cancelled"]
JobId = Annotated[int, Path(ge=1, le=MAX_ID, description="job id")]


@router.get("/jobs", response_model=JobPage)
def list_jobs(
    ctx: ApiAdmin,
    status: Status | None = None,
    queue: Annotated[str | None, Query(max_length=50)] = None,
    name: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> JobPage:
    """Background jobs, newest first (admin)."""
    jobs, total = service.list_jobs(ctx, status=status, queue=queue, name=name, limit=limit, offset=offset)
    return JobPage(items=[JobOut.model_validate(j) for j in jobs], total=total, limit=limit, offset=offset)


@router.get("/jobs/stats", response_model=JobStatsOut)
def job_stats(ctx: ApiAdmin) -> JobStatsOut:
    """Job counts by status (admin)."""
    return JobStatsOut(**service.stats(ctx).as_dict())


@router.get("/jobs/{job_id}", response_model=JobOut)
def get_job(job_id: JobId, ctx: ApiAdmin) -> JobOut:
    return JobOut.model_validate(service.get_job(ctx, job_id))


@router.post("/jobs/{job_id}/retry", response_model=JobOut)
def retry_job(job_id: JobId, ctx: ApiAdmin) -> JobOut:
    """Put a dead-lettered job back on the queue (409 unless it is dead)."""
    return JobOut.model_validate(service.retry_dead(ctx, job_id=job_id))
