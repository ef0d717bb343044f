"""Renders the public pages to bytes, for the live site (root-relative links) and the static export (relative)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from warroom.status.components import STATUS_ICONS, STATUS_WORDS
from warroom.status.public import INDICATOR_TEXT, PublicIncidentView, Snapshot
from warroom.status.uptime import BAR_DAYS, DaySeconds, bars, overall_uptime
from warroom.web import templates

ASSETS = Path(__file__).parent / "assets"
BAR_WORDS = {**STATUS_WORDS, "maintenance": "Maintenance", "no_data": "No data"}
BAR_ICONS = {**STATUS_ICONS, "maintenance": "⚒", "no_data": "·"}
UPDATE_WORDS = {
    "investigating": "Investigating",
    "identified": "Identified",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
    "postmortem": "Post-mortem",
    "scheduled": "Scheduled",
    "in_progress": "In progress",
    "completed": "Completed",
}


@dataclass(frozen=True)
class Links:
    """Where each public page lives: root-relative on the live site, file-relative in the static export."""

    export: bool = False
    preview: bool = False

    def home(self) -> str:
        if self.preview:
            return "/status/preview"
        return "index.html" if self.export else "/status"

    def incident(self, incident_id: int) -> str:
        return f"incident-{incident_id}.html" if self.export else f"/status/incidents/{incident_id}"

    def history(self, month: str | None = None) -> str:
        if self.export:
            return f"history-{month}.html" if month else "history.html"
        return f"/status/history?month={month}" if month else "/status/history"

    def asset(self, name: str) -> str:
        return name if self.export else f"/status/assets/{name}"

    def feed(self, kind: str) -> str:
        return f"history.{kind}" if self.export else f"/status/history.{kind}"

    def api(self, name: str) -> str:
        return f"api/v2/{name}" if self.export else f"/status/api/v2/{name}"


def _percent(value: float | None) -> str:
    if value is None:
        return "no data"
    return f"{value * 100:.2f}%"


def _day_text(entry: DaySeconds) -> str:
    return _text_of(entry.day, tuple(entry.seconds.items()))


@lru_cache(maxsize=4096)  # finished days repeat on every render
def _text_of(day: date, totals: tuple[tuple[str, int], ...]) -> str:
    entry = DaySeconds(day=day, seconds=dict(totals))
    parts = [f"{day.isoformat()}: {BAR_WORDS[entry.worst]}", f"uptime {_percent(entry.uptime)}"]
    for key in ("degraded_performance", "partial_outage", "major_outage", "maintenance", "no_data"):
        seconds = entry.seconds.get(key, 0)
        if seconds and not (key == "no_data" and seconds == 86_400):
            parts.append(f"{BAR_WORDS[key].lower()} {seconds // 3600} h {seconds % 3600 // 60} min")
    return "; ".join(parts)


def _bars_for(session: Session, snap: Snapshot) -> dict[int, dict[str, Any]]:
    result = {}
    for component in snap.components:
        days = bars(session, component.service_id, snap.now, BAR_DAYS)
        result[component.service_id] = {
            "days": [{"day": d.day, "state": d.worst, "text": _day_text(d)} for d in days],
            "uptime": _percent(overall_uptime(days)),
        }
    return result


def _env_globals(links: Links, snap: Snapshot) -> dict[str, Any]:
    return {
        "snap": snap,
        "links": links,
        "words": STATUS_WORDS,
        "icons": STATUS_ICONS,
        "bar_words": BAR_WORDS,
        "bar_icons": BAR_ICONS,
        "update_words": UPDATE_WORDS,
        "indicator_text": INDICATOR_TEXT,
        "utc": lambda dt: dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if dt else "",
        "iso": lambda dt: dt.astimezone(UTC).isoformat() if dt else "",
    }


def _render(name: str, **context: Any) -> bytes:
    return templates.env.get_template(name).render(**context).encode("utf-8")


def render_index(session: Session, snap: Snapshot, links: Links) -> bytes:
    """The status page: banner, components with uptime bars, open incidents, maintenance."""
    return _render(
        "status/page.html", **_env_globals(links, snap), bars=_bars_for(session, snap), preview=links.preview
    )


def render_incident(snap: Snapshot, links: Links, incident: PublicIncidentView) -> bytes:
    return _render("status/incident.html", **_env_globals(links, snap), incident=incident)


def months_with_incidents(snap: Snapshot) -> list[str]:
    months = {i.created_at.astimezone(UTC).strftime("%Y-%m") for i in snap.incidents}
    months.add(snap.now.astimezone(UTC).strftime("%Y-%m"))
    return sorted(months, reverse=True)


def render_history(snap: Snapshot, links: Links, month: str) -> bytes:
    """One month of public incidents and maintenance, newest first."""
    incidents = [i for i in snap.incidents if i.created_at.astimezone(UTC).strftime("%Y-%m") == month]
    maintenances = [m for m in snap.maintenances if m.scheduled_for.astimezone(UTC).strftime("%Y-%m") == month]
    first = date.fromisoformat(f"{month}-01")
    return _render(
        "status/history.html",
        **_env_globals(links, snap),
        month=month,
        month_label=first.strftime("%B %Y"),
        months=months_with_incidents(snap),
        incidents=incidents,
        maintenances=list(reversed(maintenances)),
    )


def render_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def asset(name: str) -> bytes:
    return (ASSETS / name).read_bytes()


def current_month(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m")
