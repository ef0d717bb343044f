"""The public status page in headless Chromium: component states, an incident update, uptime bars."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from browser.helpers import screenshot
from status_helpers import add_service, declare
from warroom.status import service

pytestmark = pytest.mark.browser
SLOW_MACHINE_MS = 30_000  # the first render compiles templates; a loaded CI machine can take seconds


def _seed(make_ctx, clock, alice):
    start = clock.now()
    clock.set(start - timedelta(days=30))
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        web = add_service(ctx, "Website")
        service.set_component_statuses(ctx, {api.id: "operational", web.id: "operational"})
    clock.set(start - timedelta(days=12))
    with make_ctx(actor=alice.user) as ctx:
        service.set_component_statuses(ctx, {web.id: "partial_outage"})
    clock.set(start - timedelta(days=12) + timedelta(hours=2))
    with make_ctx(actor=alice.user) as ctx:
        service.set_component_statuses(ctx, {web.id: "operational"})
    clock.set(start)
    with make_ctx(actor=alice.user) as ctx:
        incident = declare(ctx, services=[api.id])
        service.publish_update(
            ctx,
            incident,
            status="identified",
            body="Requests to the API fail for some customers. A fix is being rolled out.",
            name="Elevated API error rates",
            components={api.id: "major_outage"},
        )
    clock.advance(minutes=5)


def test_the_status_page_shows_states_an_update_and_uptime_bars(new_page, make_ctx, clock, alice):
    _seed(make_ctx, clock, alice)
    page = new_page()

    page.goto("/status", timeout=SLOW_MACHINE_MS)

    expect(page.locator(".banner")).to_have_text("✕ Major System Outage")
    api = page.locator("[data-component]").filter(has_text="Public API")
    expect(api.locator(".state")).to_have_text("✕ Major outage")
    website = page.locator("[data-component]").filter(has_text="Website")
    expect(website.locator(".state")).to_have_text("✓ Operational")
    expect(page.get_by_role("heading", name="Elevated API error rates")).to_be_visible()
    expect(page.get_by_text("A fix is being rolled out.")).to_be_visible()
    expect(page.locator(".local-time").first).to_contain_text("your time")  # the script added local times
    expect(website.locator("li.day")).to_have_count(90)
    expect(website.locator("li.day.b-partial_outage")).to_have_count(1)
    expect(website.locator("li.day.b-no_data")).to_have_count(
        59
    )  # history starts 30 days ago at noon: that day has data
    outage_day = website.locator("li.day.b-partial_outage")
    outage_day.focus()
    expect(outage_day.locator(".tip")).to_be_visible()
    expect(outage_day.locator(".tip")).to_contain_text("Partial outage")
    screenshot(page, "status-page")


def test_the_status_page_works_without_javascript(new_page, make_ctx, clock, alice):
    _seed(make_ctx, clock, alice)
    page = new_page(javascript=False)

    page.goto("/status", timeout=SLOW_MACHINE_MS)

    expect(page.get_by_text("A fix is being rolled out.")).to_be_visible()
    expect(page.locator("time").first).to_contain_text("UTC")
    expect(page.locator(".local-time")).to_have_count(0)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    screenshot(page, "status-page-no-js")
