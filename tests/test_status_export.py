"""`warroom status export DIR`: every public surface as static files with relative links."""

from __future__ import annotations

import json
import re

from status_helpers import add_service, declare
from warroom.cli import CliApp, main
from warroom.status import service


def test_the_export_writes_pages_json_and_feeds_with_relative_links(make_ctx, alice, settings, clock, tmp_path):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        incident = declare(ctx, services=[api.id])
        service.publish_update(
            ctx,
            incident,
            status="investigating",
            body="Looking.",
            name="API errors",
            components={api.id: "major_outage"},
        )
    out = tmp_path / "site"

    code = main(["status", "export", str(out), "--json"], app=CliApp(settings=settings, clock=clock))

    assert code == 0
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == sorted(
        [
            "index.html",
            "history.html",
            "history-2026-03.html",
            f"incident-{incident.id}.html",
            "history.atom",
            "history.rss",
            "status.css",
            "status.js",
            "api/v2/summary.json",
            "api/v2/status.json",
            "api/v2/components.json",
            "api/v2/incidents.json",
            "api/v2/incidents/unresolved.json",
            "api/v2/scheduled-maintenances.json",
            "api/v2/scheduled-maintenances/upcoming.json",
            "api/v2/scheduled-maintenances/active.json",
        ]
    )
    index = (out / "index.html").read_text()
    links = re.findall(r'(?:href|src)="([^"]+)"', index)
    assert links and all(not link.startswith("/") for link in links), links
    assert f'href="incident-{incident.id}.html"' in index
    assert 'href="status.css"' in index
    summary = json.loads((out / "api/v2/summary.json").read_text())
    assert summary["status"]["indicator"] == "critical"
    assert [c["status"] for c in summary["components"]] == ["major_outage"]


def test_exporting_onto_a_file_is_refused_with_one_line(settings, clock, tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x")

    code = main(["status", "export", str(target)], app=CliApp(settings=settings, clock=clock))

    assert code == 1
    assert "is not a directory" in capsys.readouterr().err
