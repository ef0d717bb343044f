"""Automatic re-export: with an export directory set, each publish and maintenance edge rewrites the static site."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from status_helpers import add_service, declare
from warroom.incidents.models import Incident
from warroom.jobs.worker import Worker
from warroom.status import service
from warroom.status.export import export_dir


def _run_jobs(db: Any, clock: Any, settings: Any) -> None:
    for _ in range(10):
        if Worker(db, clock, settings).run_due() == 0:
            return


def _summary(directory: Path) -> dict[str, Any]:
    return dict(json.loads((directory / "api/v2/summary.json").read_text()))


def test_a_published_update_is_in_the_exported_summary_after_the_jobs_run(
    make_ctx, alice, db, clock, settings, tmp_path
):
    out = tmp_path / "site"
    exporting = settings.with_overrides(extra={"status_export_dir": str(out)})
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        incident = declare(ctx, services=[api.id])
        service.publish_update(
            ctx, incident, status="investigating", body="Looking into errors.", name="API errors",
            components={api.id: "major_outage"},
        )  # fmt: skip
    assert not out.exists()

    _run_jobs(db, clock, exporting)

    summary = _summary(out)
    assert [i["name"] for i in summary["incidents"]] == ["API errors"]
    assert [u["body"] for u in summary["incidents"][0]["incident_updates"]] == ["Looking into errors."]
    assert [(c["name"], c["status"]) for c in summary["components"]] == [("Public API", "major_outage")]

    clock.advance(minutes=5)
    with make_ctx(actor=alice.user) as ctx:
        again = ctx.session.get(Incident, incident.id)
        service.publish_update(ctx, again, status="resolved", body="Fixed.", components={api.id: "operational"})
    _run_jobs(db, clock, exporting)

    summary = _summary(out)
    assert summary["incidents"] == []  # summary lists unresolved incidents only
    assert [(c["name"], c["status"]) for c in summary["components"]] == [("Public API", "operational")]


def test_maintenance_start_and_end_re_export(make_ctx, alice, db, clock, settings, tmp_path):
    from warroom.maintenance import service as maintenance

    out = tmp_path / "site"
    exporting = settings.with_overrides(extra={"status_export_dir": str(out)})
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        maintenance.schedule(
            ctx, title="DB upgrade", starts_at=clock.now() + timedelta(minutes=10),
            ends_at=clock.now() + timedelta(minutes=40), service_ids=[api.id], public=True,
        )  # fmt: skip
    _run_jobs(db, clock, exporting)
    assert [c["status"] for c in _summary(out)["components"]] == ["operational"]

    clock.advance(minutes=11)
    _run_jobs(db, clock, exporting)
    assert [c["status"] for c in _summary(out)["components"]] == ["under_maintenance"]

    clock.advance(minutes=30)
    _run_jobs(db, clock, exporting)
    assert [c["status"] for c in _summary(out)["components"]] == ["operational"]


def test_without_an_export_directory_nothing_is_written(make_ctx, alice, db, clock, settings, tmp_path):
    assert export_dir(settings) is None
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        incident = declare(ctx, services=[api.id])
        service.publish_update(ctx, incident, status="investigating", body="Looking.", name="API errors")
    _run_jobs(db, clock, settings)
    assert list(tmp_path.rglob("summary.json")) == []
