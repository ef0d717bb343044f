"""Noise control on the hot path: silences (another domain), maintenance windows and flapping."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from warroom.context import Ctx
from warroom.intake.models import Alert
from warroom.settings import Settings

# More than FLAP_CHANGES state changes within FLAP_WINDOW mark an alert flapping.
FLAP_CHANGES = 6
FLAP_WINDOW = timedelta(minutes=30)


def note_state_change(alert: Alert, now: datetime, settings: Settings | None = None) -> None:
    """Remember a firing/resolved change and update the flapping mark (a bounded list of recent instants)."""
    since = now - FLAP_WINDOW
    recent = [t for t in (alert.state_changes or []) if datetime.fromisoformat(t) > since]
    recent.append(now.isoformat())
    alert.state_changes = recent[-(FLAP_CHANGES + 2) :]
    alert.flapping = len(recent) > FLAP_CHANGES


def matching_silence(ctx: Ctx, alert: Alert, at: datetime) -> Any:
    """The silences domain's matching_silence, or None while it does not exist yet."""
    try:
        from warroom.silences import service as silences
    except ImportError:
        return None
    finder = getattr(silences, "matching_silence", None)
    if finder is None:
        return None
    labels = {**(alert.labels or {}), "severity": (alert.labels or {}).get("severity", alert.severity)}
    return finder(ctx.session, labels, at, alert.service_id)


def maintenance_window(ctx: Ctx, alert: Alert, at: datetime) -> Any:
    from warroom.maintenance import service as maintenance

    return maintenance.suppressing_window(ctx.session, alert.service_id, at)


def evaluate(ctx: Ctx, alert: Alert, at: datetime) -> str | None:
    """Set why a firing alert may not open anything (silenced, maintenance, flapping), or clear it."""
    alert.silenced_by_id = None
    alert.suppressed_reason = None
    silence = matching_silence(ctx, alert, at)
    if silence is not None:
        alert.silenced_by_id = int(silence.id)
        alert.suppressed_reason = "silenced"
    elif maintenance_window(ctx, alert, at) is not None:
        alert.suppressed_reason = "maintenance"
    elif alert.flapping:
        alert.suppressed_reason = "flapping"
    return alert.suppressed_reason
