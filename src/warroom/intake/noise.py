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


class InForce:
    """The silences and maintenance windows in force for one service at one instant, read once.

    A delivery's alerts share their service and instant, so a batch asks the database once instead of
    once per alert. Without one (`evaluate(..., in_force=None)`) every call reads afresh.
    """

    def __init__(self) -> None:
        self._silences: dict[tuple[int, datetime], list[Any]] = {}
        self._windows: dict[tuple[int, datetime], Any] = {}

    def silences(self, ctx: Ctx, service_id: int, at: datetime) -> list[Any]:
        key = (service_id, at)
        if key not in self._silences:
            self._silences[key] = _active_silences(ctx, service_id, at)
        return self._silences[key]

    def window(self, ctx: Ctx, service_id: int, at: datetime) -> Any:
        key = (service_id, at)
        if key not in self._windows:
            from warroom.maintenance import service as maintenance

            self._windows[key] = maintenance.suppressing_window(ctx.session, service_id, at)
        return self._windows[key]


def _active_silences(ctx: Ctx, service_id: int, at: datetime) -> list[Any]:
    """The silences domain's active_silences, or [] while it does not exist yet."""
    try:
        from warroom.silences import service as silences
    except ImportError:
        return []
    finder = getattr(silences, "active_silences", None)
    return list(finder(ctx.session, at, service_id)) if finder is not None else []


def matching_silence(ctx: Ctx, alert: Alert, at: datetime, in_force: InForce | None = None) -> Any:
    """The silence in force that matches the alert's labels (and its severity), or None."""
    found = (in_force or InForce()).silences(ctx, alert.service_id, at)
    if not found:
        return None
    from warroom.silences import service as silences

    labels = {**(alert.labels or {}), "severity": (alert.labels or {}).get("severity", alert.severity)}
    return silences.first_matching(found, labels)


def maintenance_window(ctx: Ctx, alert: Alert, at: datetime, in_force: InForce | None = None) -> Any:
    return (in_force or InForce()).window(ctx, alert.service_id, at)


def evaluate(ctx: Ctx, alert: Alert, at: datetime, in_force: InForce | None = None) -> str | None:
    """Set why a firing alert may not open anything (silenced, maintenance, flapping), or clear it."""
    alert.silenced_by_id = None
    alert.suppressed_reason = None
    silence = matching_silence(ctx, alert, at, in_force)
    if silence is not None:
        alert.silenced_by_id = int(silence.id)
        alert.suppressed_reason = "silenced"
    elif maintenance_window(ctx, alert, at, in_force) is not None:
        alert.suppressed_reason = "maintenance"
    elif alert.flapping:
        alert.suppressed_reason = "flapping"
    return alert.suppressed_reason
