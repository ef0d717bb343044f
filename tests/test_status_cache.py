"""The render cache: one render per generation, dropped on publish and on maintenance start/end."""

from __future__ import annotations

import time
from datetime import timedelta

from status_helpers import add_service, declare
from warroom.jobs.worker import Worker
from warroom.maintenance import service as maintenance
from warroom.status import cache as status_cache
from warroom.status import service


def test_the_page_is_rendered_once_and_served_from_memory(client, app):
    first = client.get("/status")
    second = client.get("/status")

    assert first.text == second.text
    assert app.state.status_cache.renders == 1
    assert second.headers["etag"] == first.headers["etag"]
    assert client.get("/status", headers={"If-None-Match": first.headers["etag"]}).status_code == 304


def test_publishing_an_update_invalidates_the_cache(client, app, alice_api, make_ctx, alice):
    with make_ctx(actor=alice.user) as ctx:
        incident_id = declare(ctx).id
    before = client.get("/status/api/v2/summary.json").json()
    assert before["incidents"] == []

    published = alice_api.post(
        f"/api/v1/incidents/{incident_id}/public-updates",
        json={"status": "investigating", "body": "Looking.", "name": "Trouble"},
    )
    assert published.status_code == 201

    after = client.get("/status/api/v2/summary.json").json()
    assert [i["name"] for i in after["incidents"]] == ["Trouble"]
    assert "Trouble" in client.get("/status").text


def test_a_maintenance_start_invalidates_the_cache_through_its_job(client, app, make_ctx, alice, clock, db, settings):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        starts = ctx.now() + timedelta(minutes=10, seconds=30)
        maintenance.schedule(
            ctx, title="Patch", service_ids=[api.id], starts_at=starts, ends_at=starts + timedelta(hours=1)
        )
    worker = Worker(db, clock, settings)
    worker.run_due()
    assert client.get("/status/api/v2/components.json").json()["components"][0]["status"] == "operational"
    renders = app.state.status_cache.renders

    clock.advance(minutes=10, seconds=40)
    worker.run_due()

    assert client.get("/status/api/v2/components.json").json()["components"][0]["status"] == "under_maintenance"
    assert app.state.status_cache.renders == renders + 1


def test_a_direct_component_change_invalidates_the_cache(client, make_ctx, alice):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
    assert client.get("/status/api/v2/status.json").json()["status"]["indicator"] == "none"

    with make_ctx(actor=alice.user) as ctx:
        service.set_component_statuses(ctx, {api.id: "degraded_performance"})

    assert client.get("/status/api/v2/status.json").json()["status"]["indicator"] == "minor"


def test_the_fast_lane_answers_a_hit_exactly_as_the_route_does(client, app, monkeypatch):
    from warroom.status import views

    through_route = client.get("/status/api/v2/summary.json")
    app.state.status_cache.check_seconds = 3600  # no poll falls due during the test, however slow the machine
    calls: list[tuple[str, str]] = []
    real = views._cached

    async def counting(request, key, media_type, build):  # type: ignore[no-untyped-def]
        calls.append(key)
        return await real(request, key, media_type, build)

    monkeypatch.setattr(views, "_cached", counting)
    through_lane = client.get("/status/api/v2/summary.json")

    assert calls == []  # the framework's route never ran
    assert through_lane.content == through_route.content
    for name in ("etag", "last-modified", "cache-control", "content-type", "access-control-allow-origin"):
        assert through_lane.headers[name] == through_route.headers[name]
    assert through_lane.headers["content-security-policy"] == through_route.headers["content-security-policy"]
    # A query string, a conditional request and HEAD take the ordinary route.
    client.get("/status?x=1")
    client.get("/status/api/v2/summary.json", headers={"If-None-Match": through_route.headers["etag"]})
    assert calls == [("page", "index"), ("json", "summary.json")]


def test_a_due_poll_runs_in_the_background_and_sees_another_process_publish(client, app, make_ctx, alice):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
    cache = status_cache.cache_for(app.state)
    cache.check_seconds = 3600
    assert client.get("/status/api/v2/status.json").json()["status"]["indicator"] == "none"
    with make_ctx(actor=alice.user) as ctx:
        service.set_component_statuses(ctx, {api.id: "major_outage"})
    # Pretend the change came from another process: this one has not counted it and its poll is not due.
    cache._seen_local = status_cache._local_bumps
    assert client.get("/status/api/v2/status.json").json()["status"]["indicator"] == "none"

    cache._checked_at -= cache.check_seconds  # the once-a-second poll is now due

    # The hit that finds the poll due is answered from memory at once; the poll runs in a thread meanwhile.
    assert client.get("/status/api/v2/status.json").json()["status"]["indicator"] == "none"
    deadline = time.monotonic() + 10
    while cache._poll_claimed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not cache._poll_claimed
    assert client.get("/status/api/v2/status.json").json()["status"]["indicator"] == "critical"


def test_a_refresh_is_claimed_once_and_only_for_a_key_rendered_before(app, db):
    from warroom.status.cache import RenderCache

    cache = RenderCache()
    now = app.state.clock.now()
    assert cache.refresh_soon(("page", "index"), now) is False  # nothing to re-render yet
    cache.get(
        ("page", "index"),
        open_session=lambda: db.session(readonly=True),
        now=now,
        media_type="text/html",
        build=lambda s: b"v1",
    )
    cache._checked_at -= cache.check_seconds
    assert cache.try_poll() is True  # a poll already under way ...
    assert cache.refresh_soon(("page", "index"), now) is False  # ... is not started twice
    cache.release_poll()
    assert cache.refresh_soon(("page", "index"), now) is True


def test_concurrent_misses_render_a_key_once(app, db):
    import threading

    from warroom.status.cache import RenderCache

    cache = RenderCache()
    started = threading.Barrier(8)
    rendered: list[int] = []

    def build(session):  # type: ignore[no-untyped-def]
        rendered.append(1)
        return b"page"

    def fetch() -> None:
        started.wait(timeout=10)
        cache.get(
            ("page", "index"),
            open_session=lambda: db.session(readonly=True),
            now=app.state.clock.now(),
            media_type="text/html",
            build=build,
        )

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert len(rendered) == 1 and cache.renders == 1


def test_the_next_minute_is_rendered_ahead_in_the_last_seconds_of_a_minute(app, db, clock):
    import time

    from warroom.status.cache import RenderCache

    cache = RenderCache()
    opened = lambda: db.session(readonly=True)  # noqa: E731
    key = ("page", "index")
    clock.set(clock.now().replace(second=30, microsecond=0))
    cache.get(key, open_session=opened, now=clock.now(), media_type="text/html", build=lambda s: b"v1")
    early = cache.prerender_next_minute(
        key, open_session=opened, now=clock.now(), media_type="text/html", build=lambda s: b"v2"
    )
    clock.advance(seconds=25)  # 5 s before the minute ends
    late = cache.prerender_next_minute(
        key, open_session=opened, now=clock.now(), media_type="text/html", build=lambda s: b"v2"
    )
    deadline = time.monotonic() + 10
    while cache.renders < 2 and time.monotonic() < deadline:
        time.sleep(0.01)

    assert (early, late) == (False, True)
    clock.advance(seconds=5)
    entry, _poll_due = cache.peek(key, clock.now())
    assert entry is not None and entry.body == b"v2"  # ready when the minute starts: nobody waits for it


def test_pages_in_memory_are_still_served_when_the_database_is_down(client, app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from warroom.status import cache as status_cache_module

    first = client.get("/status/api/v2/status.json")
    cache = app.state.status_cache

    def unreachable(session):  # type: ignore[no-untyped-def]
        raise OperationalError("SELECT generation", {}, Exception("connection refused"))

    monkeypatch.setattr(status_cache_module, "current_generation", unreachable)
    cache._checked_at -= cache.check_seconds  # a poll is due and will fail

    second = client.get("/status/api/v2/status.json")

    assert second.status_code == 200 and second.content == first.content
