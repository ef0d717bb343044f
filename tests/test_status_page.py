"""GET /status: banner, components with word and icon, uptime bars, active incidents, security headers."""

from __future__ import annotations

import re
from datetime import timedelta

from status_helpers import add_service, declare
from warroom.maintenance import service as maintenance
from warroom.status import service


def test_the_page_needs_no_login_and_shows_components_with_words_and_icons(client, make_ctx, alice):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        add_service(ctx, "Dashboard")
        add_service(ctx, "Internal billing", public=False)
        incident = declare(ctx, services=[api.id])
        service.publish_update(
            ctx,
            incident,
            status="identified",
            body="Cause found.",
            name="API errors",
            components={api.id: "major_outage"},
        )

    response = client.get("/status")

    assert response.status_code == 200
    html = response.text
    assert "Internal billing" not in html
    assert re.search(r'class="state s-major_outage"><span class="icon" aria-hidden="true">✕</span> Major outage', html)
    assert re.search(r'class="state s-operational"><span class="icon" aria-hidden="true">✓</span> Operational', html)
    assert "Major System Outage" in html
    assert "Cause found." in html
    assert html.count('<li class="day ') == 2 * 90
    assert '<time datetime="2026-03-01T12:00:00+00:00" data-local>2026-03-01 12:00 UTC</time>' in html
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert '<link rel="alternate" type="application/rss+xml"' in html


def test_public_pages_send_security_headers(client):
    response = client.get("/status")

    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def test_each_day_of_the_uptime_bar_has_a_text_alternative_and_is_focusable(client, make_ctx, alice, clock):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        service.set_component_statuses(ctx, {api.id: "operational"})
    clock.advance(hours=6)

    html = client.get("/status").text

    # Each day is focusable and its tip (shown on hover and focus) is its accessible text: one copy, not two.
    days = re.findall(r'<li class="day b-(\w+)" tabindex="0"><span class="tip">([^<]+)<', html)
    assert len(days) == 90
    assert days[0][1] == "2025-12-02: No data; uptime no data"
    assert days[-1][0] == "operational"
    assert days[-1][1] == "2026-03-01: Operational; uptime 100.00%; no data 18 h 0 min"
    assert 'aria-hidden="true">2026-03-01' not in html


def test_active_maintenance_shows_under_maintenance_and_the_maintenance_banner(client, make_ctx, alice, clock):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        maintenance.schedule(
            ctx,
            title="Database upgrade",
            service_ids=[api.id],
            starts_at=ctx.now(),
            ends_at=ctx.now() + timedelta(hours=2),
        )

    html = client.get("/status").text

    assert "Service Under Maintenance" in html
    assert (
        '<span class="state s-under_maintenance"><span class="icon" aria-hidden="true">⚒</span> Under maintenance'
        in html
    )
    assert "Database upgrade" in html


def test_an_unknown_public_incident_is_404_and_a_bad_month_422(client):
    assert client.get("/status/incidents/42").status_code == 404
    assert client.get("/status/history?month=2026-13").status_code == 422
    assert client.get("/status/history?month=2026-03").status_code == 200
    assert client.get("/status/assets/secret.txt").status_code == 404
