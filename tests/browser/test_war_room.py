"""The war room in a real browser: log in, declare, assign the commander, post a note, see it live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser.helpers import add_function, add_service, log_in, screenshot
from warroom.incidents import service

pytestmark = pytest.mark.browser
LIVE_WAIT_MS = 15_000


def _seed_catalog(make_ctx, actor):
    with make_ctx(actor=actor) as ctx:
        database = add_service(ctx, "inventory-db", tier=1)
        wms = add_service(ctx, "wms", tier=1, depends_on=[database])
        storefront = add_service(ctx, "storefront", tier=1, depends_on=[wms])
        labels = add_service(ctx, "label-printing", tier=2, depends_on=[wms])
        add_service(ctx, "reporting", tier=3, depends_on=[storefront])
        add_function(ctx, "Order picking", services=[wms])
        add_function(ctx, "Parcel dispatch", services=[labels])


def _seed_history(make_ctx, clock, actor):
    """Older incidents, so the list screenshot shows several states."""
    with make_ctx(actor=actor) as ctx:
        old = service.declare_incident(ctx, title="Label printer queue stuck in Leipzig", severity="SEV3")
        service.change_status(ctx, old, status="resolved")
        service.declare_incident(ctx, title="Quarterly failover drill", severity="SEV2", exercise=True)
        service.declare_incident(ctx, title="Payroll export shows wrong totals", severity="SEV4", private=True)
    clock.advance(minutes=1)


def test_responder_declares_assigns_commander_and_notes_appear_live(new_page, make_ctx, clock, alice, bob):
    _seed_catalog(make_ctx, alice.user)
    page = new_page()
    page.goto("/incidents")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    screenshot(page, "login")
    log_in(page, alice)
    expect(page.get_by_role("heading", name="No incidents yet: good.")).to_be_visible()
    screenshot(page, "incident-list-empty")

    page.get_by_role("link", name="Declare incident").first.click()
    page.get_by_role("button", name="Declare incident").click()
    expect(page.locator("#title-error")).to_have_text("Title is required.")
    expect(page.get_by_label("Title")).to_be_focused()
    screenshot(page, "declare-form-errors")
    page.get_by_label("Title").fill("WMS pick lists fail to load in all warehouses")
    page.get_by_role("radio", name=re.compile("^SEV1 Critical")).check()
    page.get_by_label("Summary").fill("Scanners show 'pick list unavailable' since 14:02; the WMS API answers 503.")
    page.get_by_label("wms").check()
    screenshot(page, "declare-form")
    page.get_by_role("button", name="Declare incident").click()

    expect(page).to_have_url(re.compile(r"/incidents/\d+$"))
    incident_url = page.url
    alarm = page.get_by_role("alert").filter(has_text="SEV1 without an Incident Commander")
    expect(alarm).to_be_visible()

    # A second tab, open before anything else happens, must receive the note through live polling.
    watcher = new_page(context=page.context)
    watcher.goto(incident_url)

    clock.advance(minutes=3)
    commander = page.locator("#role-incident_commander")
    commander.get_by_label("Assign the Incident Commander").select_option(label="Bob")
    commander.get_by_role("button", name="Assign").click()
    expect(page.locator(".topbar")).to_contain_text("Bob")
    expect(alarm).to_have_count(0)
    expect(page.locator(".timeline")).to_contain_text("assigned Bob as Incident Commander")

    clock.advance(minutes=2)
    composer = page.get_by_label("Add a note")
    composer.fill("Rolled back the 14:02 WMS deploy; error rate falling.")
    page.get_by_role("button", name="Post note").click()
    entry = page.locator(".tl-entry").filter(has_text="Rolled back the 14:02 WMS deploy")
    expect(entry).to_be_visible()
    expect(entry).to_contain_text("Alice")
    expect(composer).to_have_value("")
    expect(composer).to_be_focused()

    # "n" jumps back to the composer from anywhere, without typing the letter into it.
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("n")
    expect(composer).to_be_focused()
    expect(composer).to_have_value("")

    expect(watcher.locator(".tl-entry").filter(has_text="Rolled back the 14:02 WMS deploy")).to_be_visible(
        timeout=LIVE_WAIT_MS
    )
    # The role change came from elsewhere: the watcher is told to reload for the side column.
    expect(watcher.locator("#stale-notice")).to_be_visible(timeout=LIVE_WAIT_MS)

    # Fill the side column so the screenshot shows a working war room.
    incident_id = int(incident_url.rsplit("/", 1)[1])
    with make_ctx(actor=bob.user) as ctx:
        incident = service.get_incident(ctx, incident_id)
        service.acknowledge(ctx, incident)
        service.assign_role(ctx, incident, role="technical_lead", user_id=bob.id)
        service.update_incident(
            ctx, incident, impact="Warehouses cannot pick orders.", customers_affected=1200, regions=["EU", "US"]
        )
        service.add_task(ctx, incident, title="Page the WMS vendor", assignee_id=bob.id, due_at=clock.now())
        service.change_status(ctx, incident, status="identified", note="Bad deploy at 14:02")
    clock.advance(minutes=4)
    page.reload()
    expect(page.locator(".topbar")).to_contain_text("Identified")
    expect(page.locator("#ack")).to_contain_text("Yes, by Bob")
    screenshot(page, "incident-page")

    _seed_history(make_ctx, clock, alice.user)
    page.goto("/incidents")
    expect(page.locator(".incident-table")).to_contain_text("WMS pick lists fail to load")
    screenshot(page, "incident-list")


def test_the_war_room_works_without_javascript(new_page, make_ctx, alice, bob):
    with make_ctx(actor=alice.user) as ctx:
        incident = service.declare_incident(ctx, title="Label printers offline", severity="SEV3")
    page = new_page(javascript=False)
    log_in(page, bob, f"/incidents/{incident.id}")
    page.get_by_label("Add a note").fill("Printer queue restarted.")
    page.get_by_role("button", name="Post note").click()
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.id}\?composer=1#composer$"))
    expect(page.locator(".tl-entry").filter(has_text="Printer queue restarted.")).to_be_visible()
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".topbar")).to_contain_text("Resolved")
    expect(page.get_by_role("button", name="Close")).to_be_visible()
