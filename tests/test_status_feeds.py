"""Atom and RSS feeds of public updates parse as XML and carry the updates, newest first."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from status_helpers import declare
from warroom.incidents import service as incidents
from warroom.status import service

ATOM = "{http://www.w3.org/2005/Atom}"


def _publish_two(make_ctx, alice, clock):
    with make_ctx(actor=alice.user) as ctx:
        incident = declare(ctx)
        service.publish_update(
            ctx, incident, status="investigating", body="Looking <b>now</b> & soon.", name="API down"
        )
    clock.advance(minutes=20)
    with make_ctx(actor=alice.user) as ctx:
        service.publish_update(ctx, incidents.get_incident(ctx, incident.id), status="identified", body="Found it.")


def test_the_atom_feed_parses_and_lists_updates_newest_first(client, make_ctx, alice, clock):
    _publish_two(make_ctx, alice, clock)

    response = client.get("/status/history.atom")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["API down: Identified", "API down: Investigating"]
    assert entries[1].findtext(f"{ATOM}content") == "Looking <b>now</b> & soon."
    assert entries[0].findtext(f"{ATOM}updated") == "2026-03-01T12:20:00+00:00"


def test_the_rss_feed_parses_and_lists_updates(client, make_ctx, alice, clock):
    _publish_two(make_ctx, alice, clock)

    response = client.get("/status/history.rss")

    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["API down: Identified", "API down: Investigating"]
    assert items[0].findtext("pubDate") == "Sun, 01 Mar 2026 12:20:00 GMT"


def test_an_empty_feed_is_still_valid_xml(client):
    assert ET.fromstring(client.get("/status/history.atom").content).tag == f"{ATOM}feed"
    assert ET.fromstring(client.get("/status/history.rss").content).tag == "rss"
