"""Intake part of the demo dataset: integrations, the WMS outage's alerts, and the deploy before it."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from warroom.intake import service
from warroom.intake.formats import Change, Incoming
from warroom.intake.models import AlertGroup

if TYPE_CHECKING:
    from warroom.demo import DemoWorld

GROUP_KEY = '{}/{env="prod"}:{alertname=~"WMS.*"}'


def _alert(name: str, fingerprint: str, summary: str, severity: str, site: str) -> Incoming:
    labels = {"alertname": name, "severity": severity, "env": "prod", "site": site, "service": "wms"}
    return Incoming(
        fingerprint=fingerprint,
        status="firing",
        severity=severity,
        title=summary,
        description=f"{summary} (site {site}).",
        labels=labels,
        annotations={"summary": summary, "runbook_url": "https://runbooks.example.com/wms"},
        source="prometheus-eu-1",
        links=[{"href": "https://grafana.example.com/d/wms", "text": "WMS dashboard"}],
        group_key="am:" + GROUP_KEY,
    )


def seed(world: DemoWorld) -> None:
    """Add this domain's demo data (called after the demo incidents exist)."""
    story = world.story
    ctx = story.ctx
    wms = world.services["WMS"]
    labels_api = world.services["Carrier Label API"]
    incident = world.incidents["wms"]
    detected = incident.detected_at

    story.at(detected - timedelta(hours=1))
    alertmanager = service.create_integration(ctx, service_id=wms.id, type="alertmanager", name="Alertmanager (prod)")
    service.create_integration(ctx, service_id=labels_api.id, type="pagerduty", name="Carrier Label API monitors")
    deploys = [
        (detected - timedelta(minutes=42), "Deploy wms 4.12.0: nightly index maintenance job enabled", "ci"),
        (detected - timedelta(minutes=95), "Inventory DB parameter change: maintenance_work_mem 2 GB", "terraform"),
    ]
    for at, summary, source in deploys:
        change = Change(
            routing_key="",
            summary=summary,
            source=source,
            timestamp=at,
            links=[{"href": "https://ci.example.com/wms/builds/4120", "text": "Build"}],
            custom_details={"version": "4.12.0"} if source == "ci" else {"setting": "maintenance_work_mem"},
        )
        service.record_change(ctx, alertmanager.integration, change)

    # The outage's alert group belongs to the ongoing incident: alerts arriving for it join that incident.
    declared = incident.declared_at
    story.at(declared + timedelta(minutes=1))
    ctx.session.add(
        AlertGroup(
            service_id=wms.id,
            key="am:" + GROUP_KEY,
            title="WMS order lookups failing",
            status="resolved",
            incident_id=incident.id,
            opened_incident=False,
            monitoring_on_resolve=False,
            created_at=declared,
            updated_at=declared,
        )
    )
    ctx.session.flush()
    first = [
        _alert(
            "WMSOrderLookupLatency", "a1f0c2d4e5b60001", "WMS p99 order lookup latency above 20 s", "critical", "DE1"
        ),
        _alert(
            "WMSOrderLookupLatency", "a1f0c2d4e5b60002", "WMS p99 order lookup latency above 20 s", "critical", "NL2"
        ),
    ]
    service.ingest(ctx, alertmanager.integration, first)
    story.at(declared + timedelta(minutes=6))
    later = [_alert("WMSEmptyPickLists", "a1f0c2d4e5b60003", "Handhelds receive empty pick lists", "error", "DE1")]
    service.ingest(ctx, alertmanager.integration, [*first, *later])
