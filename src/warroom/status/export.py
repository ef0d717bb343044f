"""Static export: the whole public page, its JSON and feeds as files with relative links, for a CDN or bucket."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from warroom.settings import Settings
from warroom.status import render as pages
from warroom.status.feeds import atom, rss
from warroom.status.public import json_documents, snapshot

EXPORT_DIR_KEY = "status_export_dir"


def export_dir(settings: Settings) -> Path | None:
    """Where to re-export after each publish (WARROOM_STATUS_EXPORT_DIR), or None when automatic export is off."""
    # `extra` lets tests and embedders set it without the environment.
    value = settings.status_export_dir or settings.extra.get(EXPORT_DIR_KEY)
    return Path(str(value)) if value else None


def export_site(session: Session, settings: Settings, now: datetime, directory: Path) -> list[Path]:
    """Write every public surface under `directory`; returns the files written."""
    snap = snapshot(session, settings, now)
    links = pages.Links(export=True)
    files: dict[str, bytes] = {
        "index.html": pages.render_index(session, snap, links),
        "history.html": pages.render_history(snap, links, pages.current_month(now)),
        "history.atom": atom(snap),
        "history.rss": rss(snap),
        "status.css": pages.asset("status.css"),
        "status.js": pages.asset("status.js"),
    }
    for month in pages.months_with_incidents(snap):
        files[f"history-{month}.html"] = pages.render_history(snap, links, month)
    for incident in snap.incidents:
        files[f"incident-{incident.id}.html"] = pages.render_incident(snap, links, incident)
    for name, document in json_documents(snap).items():
        files[f"api/v2/{name}"] = pages.render_json(document)
    written = []
    for name, body in sorted(files.items()):
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(body)
        tmp.replace(path)  # readers never see a half-written file
        written.append(path)
    return written
