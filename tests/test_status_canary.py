"""Security: internal words never reach a public surface (pages, JSON, feeds, the static export)."""

from __future__ import annotations

from datetime import timedelta

from status_helpers import add_service, declare
from warroom.cli import CliApp, main
from warroom.incidents import service as incidents
from warroom.maintenance import service as maintenance
from warroom.status import service
from warroom.status.views import JSON_DOCUMENTS

CANARY = "CANARY-7f3a9c-do-not-leak"


def _seed(make_ctx, alice) -> int:
    with make_ctx(actor=alice.user) as ctx:
        public_api = add_service(ctx, "Public API", description=f"internal description {CANARY}")
        secret = add_service(ctx, f"secret-service-{CANARY}", public=False)
        private = declare(ctx, title=f"private title {CANARY}", private=True, services=[public_api.id])
        incidents.add_note(ctx, private, body=f"private note {CANARY}")
        public = declare(
            ctx,
            title=f"internal title {CANARY}",
            summary=f"internal summary {CANARY}",
            services=[public_api.id, secret.id],
            impact=f"internal impact {CANARY}",
        )
        incidents.add_note(ctx, public, body=f"internal note {CANARY}")
        service.publish_update(
            ctx,
            public,
            status="identified",
            body="We found the cause.",
            name="API errors",
            components={public_api.id: "partial_outage"},
        )
        maintenance.schedule(
            ctx,
            title="Database upgrade",
            service_ids=[public_api.id, secret.id],
            starts_at=ctx.now() + timedelta(days=1),
            ends_at=ctx.now() + timedelta(days=1, hours=1),
        )
        maintenance.schedule(
            ctx,
            title=f"internal window {CANARY}",
            service_ids=[secret.id],
            starts_at=ctx.now() + timedelta(days=1),
            ends_at=ctx.now() + timedelta(days=1, hours=1),
        )
        return public.id


def test_the_canary_appears_on_no_public_surface(client, make_ctx, alice, settings, clock, tmp_path):
    public_id = _seed(make_ctx, alice)
    urls = [
        "/status",
        f"/status/incidents/{public_id}",
        "/status/history",
        "/status/history?month=2026-03",
        "/status/history.atom",
        "/status/history.rss",
        "/status/assets/status.css",
        "/status/assets/status.js",
        *(f"/status/api/v2/{name}" for name in JSON_DOCUMENTS),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert CANARY not in response.text, url
    assert "API errors" in client.get("/status").text  # the surfaces did show the public incident

    out = tmp_path / "site"
    assert main(["status", "export", str(out)], app=CliApp(settings=settings, clock=clock)) == 0

    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 16
    for path in files:
        assert CANARY not in path.read_text(encoding="utf-8"), path
    assert "API errors" in (out / f"incident-{public_id}.html").read_text()
