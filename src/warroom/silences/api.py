"""/api/v1/silences: list, create, preview, get and expire silences. Responders may silence; viewers read."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from warroom.lib.pagination import MAX_LIMIT
from warroom.lib.schema import MAX_ID
from warroom.silences import service
from warroom.silences.schemas import (
    PreviewAlert,
    PreviewOut,
    SilenceCreate,
    SilenceList,
    SilenceOut,
    SilencePreview,
)
from warroom.web import ApiResponder, ApiViewer

router = APIRouter(prefix="/silences", tags=["silences"])
SilenceId = Annotated[int, Path(ge=1, le=MAX_ID, description="silence id")]
Status = Literal["pending", "active", "expired"]


@router.get("", response_model=SilenceList)
def list_silences(
    ctx: ApiViewer,
    status: Status | None = None,
    service_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> SilenceList:
    """Silences, newest first; filter by derived status (pending, active, expired) or service."""
    rows, total = service.list_silences(ctx, status=status, service_id=service_id, limit=limit, offset=offset)
    items = [SilenceOut.of(s, ctx.now()) for s in rows]
    return SilenceList(items=items, total=total, limit=limit, offset=offset)


@router.post("", response_model=SilenceOut, status_code=201)
def create_silence(ctx: ApiResponder, body: SilenceCreate) -> SilenceOut:
    """Silence alerts whose labels match every matcher, from now (or starts_at) until ends_at."""
    silence = service.create_silence(
        ctx,
        matchers=[m.model_dump() for m in body.matchers],
        comment=body.comment,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        service_id=body.service_id,
    )
    return SilenceOut.of(silence, ctx.now())


@router.post("/preview", response_model=PreviewOut)
def preview_silence(ctx: ApiResponder, body: SilencePreview) -> PreviewOut:
    """Which currently firing alerts these matchers would silence (nothing is saved)."""
    alerts, total, available = service.preview(
        ctx, matchers=[m.model_dump() for m in body.matchers], service_id=body.service_id
    )
    items = [
        PreviewAlert(id=a.id, title=a.title, service_id=a.service_id, severity=a.severity, labels=a.labels or {})
        for a in alerts
    ]
    return PreviewOut(items=items, total=total, intake_available=available)


@router.get("/{silence_id}", response_model=SilenceOut)
def get_silence(ctx: ApiViewer, silence_id: SilenceId) -> SilenceOut:
    """One silence."""
    return SilenceOut.of(service.get_silence(ctx, silence_id), ctx.now())


@router.post("/{silence_id}/expire", response_model=SilenceOut)
def expire_silence(ctx: ApiResponder, silence_id: SilenceId) -> SilenceOut:
    """End the silence now; alerts it held back are evaluated again."""
    silence = service.expire_silence(ctx, service.get_silence(ctx, silence_id))
    return SilenceOut.of(silence, ctx.now())
