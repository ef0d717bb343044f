"""The demo dataset: a fulfilment company whose Warehouse Management System fails at peak season."""

from __future__ import annotations

from sqlalchemy import select

from warroom.auth import service as auth_service
from warroom.auth.models import User
from warroom.context import Ctx

DEMO_USERS = (
    ("alice@example.com", "Alice Archer", "owner", "alice-demo-password", "Europe/Berlin"),
    ("bob@example.com", "Bob Baker", "responder", "bob-demo-password", "America/New_York"),
    ("carol@example.com", "Carol Chen", "viewer", "carol-demo-password", "UTC"),
)


def load(ctx: Ctx) -> list[tuple[str, str, str]]:
    """Create the demo users and data unless they exist; return (email, password, role) to print."""
    for email, name, role, password, tz in DEMO_USERS:
        if ctx.session.scalar(select(User).where(User.email == email)) is None:
            auth_service.create_user(ctx, email=email, name=name, role=role, password=password, timezone=tz)
    return [(email, password, role) for email, _n, role, password, _tz in DEMO_USERS]
