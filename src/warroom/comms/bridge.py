"""The incident bridge: one conference or chat link per incident."""

from __future__ import annotations

from urllib.parse import urlsplit

from warroom.comms.models import IncidentBridge
from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.incidents import service as incidents
from warroom.incidents.checks import has_control_chars
from warroom.incidents.models import Incident

MAX_LABEL = 200


def get_bridge(ctx: Ctx, incident: Incident) -> IncidentBridge | None:
    """The incident's bridge, or None."""
    return ctx.session.get(IncidentBridge, incident.id)


def _clean_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > 2000 or parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise Invalid(
            "the bridge link must be an absolute http:// or https:// URL (e.g. https://meet.example.com/sev1)",
            {"field": "url"},
        )
    return url


def set_bridge(ctx: Ctx, incident: Incident, *, url: str, label: str = "") -> IncidentBridge:
    """Set or replace the bridge link; recorded on the timeline."""
    clean = _clean_url(url)
    text = " ".join(label.split()) or "Bridge"
    if len(text) > MAX_LABEL or has_control_chars(text, allow_newlines=False):
        raise Invalid(f"the label must be one line of at most {MAX_LABEL} characters", {"field": "label"})
    bridge = get_bridge(ctx, incident)
    if bridge is None:
        bridge = IncidentBridge(incident_id=incident.id, url=clean, label=text, updated_at=ctx.now())
        ctx.session.add(bridge)
    bridge.url, bridge.label, bridge.updated_at = clean, text, ctx.now()
    bridge.updated_by_id = ctx.actor.user_id
    ctx.session.flush()
    incidents.record_event(
        ctx,
        incident,
        kind="comms.bridge_set",
        data={"summary": f"Bridge set: {text} ({clean})", "url": clean, "label": text},
    )
    return bridge


def remove_bridge(ctx: Ctx, incident: Incident) -> None:
    """Remove the bridge link; NotFound when there is none."""
    bridge = get_bridge(ctx, incident)
    if bridge is None:
        raise NotFound(f"incident {incident.id} has no bridge; set one with PUT /api/v1/incidents/{incident.id}/bridge")
    ctx.session.delete(bridge)
    ctx.session.flush()
    incidents.record_event(ctx, incident, kind="comms.bridge_removed", data={"summary": "Bridge removed"})
