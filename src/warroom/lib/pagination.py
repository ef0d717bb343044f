"""Offset pagination shared by every list endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

MAX_LIMIT = 200


@dataclass(frozen=True)
class PageRequest:
    limit: int = 50
    offset: int = 0


def paginate(session: Session, query: Select[Any], page: PageRequest) -> tuple[list[Any], int]:
    """Run `query` for one page and count the whole result."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.scalars(query.limit(page.limit).offset(page.offset)))
    return rows, int(total)
