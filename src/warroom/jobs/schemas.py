from __future__ import annotations

from datetime import datetime
from typing import Any

from warroom.lib.schema import Response

# Ids are PostgreSQL integers; larger path values get a 422 instead of a database overflow.


class JobOut(Response):
    id: int
    name: str
    queue: str
    status: str
    payload: dict[str, Any]
    run_at: datetime
    attempts: int
    max_attempts: int
    idempotency_key: str | None
    locked_by: str | None
    locked_until: datetime | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


class JobPage(Response):
    items: list[JobOut]
    total: int
    limit: int
    offset: int


class JobStatsOut(Response):
    pending: int
    due: int
    running: int
    dead: int
    done: int
    cancelled: int
