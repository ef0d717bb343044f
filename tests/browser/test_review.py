"""The metrics dashboard and a published post-mortem in a real browser, with JavaScript off (server-rendered)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from browser.helpers import log_in, screenshot
from warroom import demo
from warroom.incidents.models import Incident

pytestmark = pytest.mark.browser


def test_dashboard_and_postmortem_render_without_javascript(new_page, make_ctx, alice):
    with make_ctx() as ctx:
        demo.load(ctx)
    with make_ctx() as ctx:
        labels = ctx.session.scalar(select(Incident).where(Incident.title == "Carrier label API rejects DPD labels"))
        assert labels is not None
        labels_id = labels.id
    page = new_page(javascript=False)
    page.set_default_timeout(30_000)  # a loaded machine renders slowly; nothing here waits on timers
    log_in(page, alice, path="/metrics")
    expect(page.get_by_role("heading", name="Response metrics")).to_be_visible()
    expect(page.get_by_role("img", name="Median response times per month (minutes)")).to_be_visible()
    expect(page.get_by_role("img", name="How long incidents took to resolve (number of incidents)")).to_be_visible()
    screenshot(page, "review-metrics-dashboard")

    page.goto(f"/incidents/{labels_id}/postmortem")
    expect(page.get_by_role("heading", name="Post-mortem: Carrier label API rejects DPD labels")).to_be_visible()
    expect(page.locator(".pm-published").first).to_contain_text("Published")
    expect(page.get_by_text("Add an alert on carrier API 401 responses")).to_be_visible()
    expect(page.locator(".ai-overdue").first).to_contain_text("Overdue")
    screenshot(page, "review-postmortem")

    page.goto("/action-items?overdue=1")
    expect(page.get_by_role("cell", name="#" + str(labels_id))).to_be_visible()
    screenshot(page, "review-action-items-overdue")
