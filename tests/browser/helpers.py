"""Helpers for browser tests: screenshots, logging in, and seeding the catalog."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from warroom.catalog.models import BusinessFunction, Service, business_function_services, service_dependencies
from warroom.context import Ctx

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def screenshot(page: Any, name: str) -> None:
    """Save a full-page screenshot for reviewers under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page: Any, persona: Any, path: str = "/incidents") -> None:
    page.goto(path)
    page.get_by_label("Email").fill(persona.user.email)
    page.get_by_label("Password").fill(persona.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{path}")


def add_service(ctx: Ctx, name: str, *, tier: int, depends_on: Sequence[Service] = ()) -> Service:
    """A catalog service written straight to its table (the catalog's own API is tested elsewhere)."""
    service = Service(name=name, tier=tier, description="", created_at=ctx.now(), updated_at=ctx.now())
    ctx.session.add(service)
    ctx.session.flush()
    for other in depends_on:
        ctx.session.execute(insert(service_dependencies).values(service_id=service.id, depends_on_id=other.id))
    return service


def add_function(ctx: Ctx, name: str, *, services: Sequence[Service]) -> BusinessFunction:
    function = BusinessFunction(name=name, description="", created_at=ctx.now())
    ctx.session.add(function)
    ctx.session.flush()
    for service in services:
        ctx.session.execute(insert(business_function_services).values(function_id=function.id, service_id=service.id))
    return function
