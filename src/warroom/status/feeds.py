"""Atom and RSS feeds of public incident updates (built with ElementTree, so every value is escaped)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from warroom.status.public import Snapshot

ATOM_NS = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 50


def _entries(snap: Snapshot) -> list[tuple[datetime, str, str, str, str]]:
    """(published, id, title, body, link) for the newest updates across public incidents."""
    found = []
    for incident in snap.incidents:
        for update in incident.updates:
            title = f"{incident.name}: {update.status.capitalize()}"
            link = f"{snap.base_url}/status/incidents/{incident.id}"
            found.append((update.published_at, f"{link}#update-{update.id}", title, update.body, link))
    return sorted(found, reverse=True)[:MAX_ENTRIES]


def _document(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def atom(snap: Snapshot) -> bytes:
    """The Atom 1.0 feed."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    ET.SubElement(feed, f"{{{ATOM_NS}}}title").text = f"{snap.page_name} status history"
    ET.SubElement(feed, f"{{{ATOM_NS}}}id").text = f"{snap.base_url}/status/history.atom"
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", href=f"{snap.base_url}/status")
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", rel="self", href=f"{snap.base_url}/status/history.atom")
    entries = _entries(snap)
    updated = entries[0][0] if entries else snap.now
    ET.SubElement(feed, f"{{{ATOM_NS}}}updated").text = updated.astimezone(UTC).isoformat()
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    ET.SubElement(author, f"{{{ATOM_NS}}}name").text = snap.page_name
    for published, entry_id, title, body, link in entries:
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        ET.SubElement(entry, f"{{{ATOM_NS}}}id").text = entry_id
        ET.SubElement(entry, f"{{{ATOM_NS}}}title").text = title
        ET.SubElement(entry, f"{{{ATOM_NS}}}updated").text = published.astimezone(UTC).isoformat()
        ET.SubElement(entry, f"{{{ATOM_NS}}}published").text = published.astimezone(UTC).isoformat()
        ET.SubElement(entry, f"{{{ATOM_NS}}}link", href=link)
        ET.SubElement(entry, f"{{{ATOM_NS}}}content", type="text").text = body
    return _document(feed)


def rss(snap: Snapshot) -> bytes:
    """The RSS 2.0 feed."""
    root = ET.Element("rss", version="2.0")
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = f"{snap.page_name} status history"
    ET.SubElement(channel, "link").text = f"{snap.base_url}/status"
    ET.SubElement(channel, "description").text = f"Incident updates from {snap.page_name}"
    entries = _entries(snap)
    ET.SubElement(channel, "lastBuildDate").text = format_datetime(
        (entries[0][0] if entries else snap.now).astimezone(UTC), usegmt=True
    )
    for published, entry_id, title, body, link in entries:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = title
        ET.SubElement(item, "link").text = link
        ET.SubElement(item, "guid", isPermaLink="false").text = entry_id
        ET.SubElement(item, "pubDate").text = format_datetime(published.astimezone(UTC), usegmt=True)
        ET.SubElement(item, "description").text = body
    return _document(root)
