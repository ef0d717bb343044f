"""The re-delivery fast path: what it planned from a read (or its row cache) is written only if still true."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from test_intake_support import integration, make_service, path_of
from warroom.intake import batchread, fastpath, readfirst, receivers, rowcache, statements
from warroom.intake import writer as intake_writer
from warroom.intake.pipeline import RESOLVE_TIMEOUT


def push(name: str, instance: str, summary: str) -> list[dict[str, Any]]:
    """A Prometheus push API body (one alert)."""
    return [{"labels": {"alertname": name, "instance": instance}, "annotations": {"summary": summary}}]


def only_alert(api: Any, name: str) -> dict[str, Any]:
    found = [a for a in api.get("/api/v1/alerts", params={"limit": 50}).json()["items"] if a["title"] == name]
    assert len(found) == 1, found
    return dict(found[0])


def _known_then_resolved_elsewhere(client: Any, alice_api: Any, make_ctx: Any, db: Any) -> tuple[str, Any]:
    """An alert delivered twice (so the writer's row cache holds it as firing), then resolved by another
    writer (another process, a job) outside this writer's knowledge; (its intake path, its body)."""
    service_id = make_service(make_ctx)
    url = path_of(integration(alice_api, service_id, "prometheus")["url"])
    body = push("DiskFull", "node-1", "DiskFull")
    assert client.post(url, json=body).status_code == 200
    assert client.post(url, json=body).status_code == 200
    with db.raw_connection() as raw, db.write_on(raw):
        cursor = raw.cursor()
        mark = "%s" if db.is_postgres else "?"
        cursor.execute(f"UPDATE intake_alerts SET status = 'resolved' WHERE service_id = {mark}", (service_id,))
        cursor.close()
    return url, body


def test_an_alert_resolved_behind_the_writers_back_fires_again_on_its_next_delivery(
    client, alice_api, make_ctx, clock, db
):
    url, body = _known_then_resolved_elsewhere(client, alice_api, make_ctx, db)

    clock.advance(seconds=60)
    assert client.post(url, json=body).status_code == 200

    alert = only_alert(alice_api, "DiskFull")
    assert alert["status"] == "firing"
    assert alert["firing_count"] == 2  # fired again (the full path), not merely touched


def test_a_row_id_taken_over_by_another_alert_is_never_written_for_the_first(client, alice_api, make_ctx, clock, db):
    service_id = make_service(make_ctx)
    url = path_of(integration(alice_api, service_id, "prometheus")["url"])
    first = push("First", "node-1", "same words")
    assert client.post(url, json=first).status_code == 200
    assert client.post(url, json=first).status_code == 200  # known now
    (row_id,) = [a["id"] for a in alice_api.get("/api/v1/alerts").json()["items"]]
    # Another writer turns the row into another alert with the same id and annotations (SQLite reuses the
    # highest rowid once it is deleted; here the row is rewritten in place to be sure on every database).
    with db.raw_connection() as raw, db.write_on(raw):
        cursor = raw.cursor()
        mark = "%s" if db.is_postgres else "?"
        cursor.execute(
            f"UPDATE intake_alerts SET fingerprint = {mark}, title = {mark} WHERE id = {mark}",
            ("another-alert", "Second", row_id),
        )
        cursor.close()
    before = only_alert(alice_api, "Second")

    clock.advance(seconds=60)
    assert client.post(url, json=first).status_code == 200

    assert only_alert(alice_api, "Second")["last_seen"] == before["last_seen"]  # untouched
    again = only_alert(alice_api, "same words")  # stored anew under its own fingerprint
    assert again["id"] != row_id


def test_one_alert_delivered_three_times_in_a_batch_with_changing_annotations_keeps_the_last(
    app, alice_api, make_ctx, clock, db
):
    key = integration(alice_api, make_service(make_ctx), "prometheus")["key"]
    build = receivers.prometheus_plan(key)

    def delivery(summary: str) -> intake_writer.Delivery:
        body = json.dumps(push("Flaky", "node-1", summary)).encode()
        return intake_writer.Delivery.of(build(body), app.state.clock, app.state.settings)

    intake_writer.apply_batch(db, [delivery("one")])
    clock.advance(seconds=30)
    results = intake_writer.apply_batch(db, [delivery("two"), delivery("three"), delivery("three")])
    assert [getattr(r, "status_code", r) for r in results] == [200, 200, 200]
    clock.advance(seconds=30)
    assert getattr(intake_writer.apply_batch(db, [delivery("three")])[0], "status_code", None) == 200

    alert = alice_api.get("/api/v1/alerts").json()["items"][0]
    assert alert["annotations"] == {"summary": "three"}
    assert alert["firing_count"] == 1
    assert alert["last_seen"].startswith(clock.now().isoformat()[:19])


def test_an_alert_the_full_path_changed_is_read_afresh_not_planned_from_the_cache(
    client, alice_api, make_ctx, clock, db
):

    service_id = make_service(make_ctx)
    url = path_of(integration(alice_api, service_id, "prometheus")["url"])
    firing = push("CpuHot", "node-1", "CpuHot")
    resolved = [{**firing[0], "endsAt": "2020-01-01T00:00:00Z"}]  # an endsAt in the past: resolved
    assert client.post(url, json=firing).status_code == 200
    assert client.post(url, json=firing).status_code == 200  # cached as firing
    assert client.post(url, json=resolved).status_code == 200  # the full path resolves it

    assert (service_id, only_alert(alice_api, "CpuHot")["fingerprint"]) not in rowcache.cache_for(db).rows
    assert only_alert(alice_api, "CpuHot")["status"] == "resolved"


def _last_seen(db: Any, service_id: int) -> str:
    with db.raw_connection() as raw:
        cursor = raw.cursor()
        mark = "%s" if db.is_postgres else "?"
        cursor.execute(f"SELECT last_seen FROM intake_alerts WHERE service_id = {mark}", (service_id,))
        (value,) = cursor.fetchone()
        cursor.close()
    return str(value)


def test_last_seen_is_kept_to_the_second_a_repeat_within_it_writes_nothing(client, alice_api, make_ctx, clock, db):
    service_id = make_service(make_ctx)
    url = path_of(integration(alice_api, service_id, "prometheus")["url"])
    body = push("DiskFull", "node-1", "DiskFull")
    assert client.post(url, json=body).status_code == 200
    first = _last_seen(db, service_id)
    clock.advance(seconds=0.25)
    assert client.post(url, json=body).status_code == 200  # planned from a fresh read
    clock.advance(seconds=0.25)
    assert client.post(url, json=body).status_code == 200  # answered from reads (SQLite)
    assert _last_seen(db, service_id) == first  # still says this second: nothing written

    clock.advance(seconds=0.75)  # the next second
    assert client.post(url, json=body).status_code == 200
    assert _last_seen(db, service_id) != first
    assert only_alert(alice_api, "DiskFull")["last_seen"].startswith(clock.now().isoformat()[:19])

    changed = push("DiskFull", "node-1", "DiskFull, now at 99 %")
    assert client.post(url, json=changed).status_code == 200  # same second, new annotations: written
    assert only_alert(alice_api, "DiskFull")["annotations"] == {"summary": "DiskFull, now at 99 %"}


def test_a_repeat_within_the_second_of_an_alert_resolved_behind_the_writers_back_fires_it_again(
    client, alice_api, make_ctx, clock, db
):
    url, body = _known_then_resolved_elsewhere(client, alice_api, make_ctx, db)

    # Same second: a fresh read (SQLite: on the loop; PostgreSQL: the writer's, under its lock) sees it resolved.
    assert client.post(url, json=body).status_code == 200

    alert = only_alert(alice_api, "DiskFull")
    assert alert["status"] == "firing"
    assert alert["firing_count"] == 2


def test_a_repeat_the_reads_answer_never_reaches_the_writer_thread(client, alice_api, make_ctx, clock, db, app):
    service_id = make_service(make_ctx)
    url = path_of(integration(alice_api, service_id, "prometheus")["url"])
    body = push("DiskFull", "node-1", "DiskFull")
    assert client.post(url, json=body).status_code == 200  # new: the writer stores it
    thread = intake_writer.writer_for(app.state)
    before = thread.items
    clock.advance(seconds=0.5)
    assert client.post(url, json=body).status_code == 200  # same second: answered from reads (SQLite: on the loop)
    assert thread.items == before
    clock.advance(seconds=1)
    assert client.post(url, json=body).status_code == 200  # a new second: last_seen moves, so it is written
    on_the_loop = 1 if db.is_postgres else 0  # PostgreSQL writes a plain re-delivery on the loop's connection
    assert thread.items == before + 1 - on_the_loop
    assert only_alert(alice_api, "DiskFull")["last_seen"].startswith(clock.now().isoformat()[:19])


def test_when_reading_on_the_loop_fails_the_writer_takes_the_delivery(client, alice_api, make_ctx, clock, monkeypatch):
    service_id = make_service(make_ctx)
    url = path_of(integration(alice_api, service_id, "prometheus")["url"])
    body = push("DiskFull", "node-1", "first words")
    assert client.post(url, json=body).status_code == 200

    def broken(db: Any, deliveries: Any) -> None:
        raise RuntimeError("the read failed")

    async def broken_async(reads: Any, db: Any, deliveries: Any) -> None:
        raise RuntimeError("the read failed")

    monkeypatch.setattr(readfirst, "answer_from_reads", broken)
    monkeypatch.setattr(readfirst, "answer_from_async_reads", broken_async)
    assert client.post(url, json=push("DiskFull", "node-1", "second words")).status_code == 200
    assert only_alert(alice_api, "first words")["annotations"] == {"summary": "second words"}


def test_read_first_backs_off_after_batches_it_could_not_answer_and_probes_again(db):
    reads = readfirst.ReadFirst(db, None)  # type: ignore[arg-type]
    assert [reads._worth_trying() for _ in range(3)] == [True] * 3  # no misses yet: every batch tries
    reads.misses = readfirst.ReadFirst.MISSES
    probe = [False] * readfirst.ReadFirst.PROBE + [True]
    assert [reads._worth_trying() for _ in range(2 * len(probe))] == probe * 2


def _deliveries(app: Any, key: str, *summaries: tuple[str, str]) -> list[intake_writer.Delivery]:
    """One push delivery per (alertname, summary), as the receiver parses it."""
    build = receivers.prometheus_plan(key)
    return [
        intake_writer.Delivery.of(
            build(json.dumps(push(name, "node-1", summary)).encode()), app.state.clock, app.state.settings
        )
        for name, summary in summaries
    ]


def test_the_reads_answer_each_delivery_that_repeats_and_leave_the_others_to_the_writer(
    app, alice_api, make_ctx, clock, db
):
    key = integration(alice_api, make_service(make_ctx), "prometheus")["key"]
    intake_writer.apply_batch(db, _deliveries(app, key, ("Known", "same"), ("Changing", "before")))
    clock.advance(seconds=0.25)  # the same second
    batch = _deliveries(app, key, ("Known", "same"), ("Changing", "after"), ("New", "x"), ("Known", "same"))

    answers = readfirst.answer_from_reads(db, batch)

    assert [getattr(answer, "status_code", None) for answer in answers] == [200, None, None, 200]


def test_postgresql_reads_a_batch_in_one_statement_even_when_a_key_names_no_alert(app, alice_api, make_ctx, clock, db):
    if not db.is_postgres:
        return  # SQLite reads with writer.named and fastpath.prefetch
    service_id = make_service(make_ctx)
    key = integration(alice_api, service_id, "prometheus")["key"]
    bare = integration(alice_api, service_id, "generic")["key"]
    intake_writer.apply_batch(db, _deliveries(app, key, ("Known", "same")))
    batch = [*_deliveries(app, key, ("Known", "same"), ("New", "x"))]
    batch.append(intake_writer.Delivery(bare, batch[0].work, clock, app.state.settings))  # no alerts: not a plan
    batch.append(intake_writer.Delivery("no-such-key", batch[0].work, clock, app.state.settings))
    sql = statements.driver(db.engine.dialect)

    with db.raw_connection() as raw:
        integrations, stored = batchread.read(raw, sql, batch)
        alone, _ = batchread.read(raw, sql, batch[2:])  # a batch that names no alert at all

    assert integrations["no-such-key"] is None
    assert integrations[bare] is not None and integrations[bare].service_id == service_id
    assert integrations[key] is not None and integrations[key].service_id == service_id
    assert [row.status for row in stored[service_id].values()] == ["firing"]  # Known; New is not stored yet
    assert alone["no-such-key"] is None
    assert alone[bare] is not None and alone[bare].service_id == service_id


def test_the_reads_answer_from_the_stored_row_not_the_cache(app, alice_api, make_ctx, clock, db):
    """Another process moved last_seen and the expiry on, into this second (the cache still names the last
    one): a repeat in this second then needs no write here, and the reads see it."""
    service_id = make_service(make_ctx)
    key = integration(alice_api, service_id, "prometheus")["key"]
    intake_writer.apply_batch(db, _deliveries(app, key, ("Known", "same")))  # cached as written
    clock.advance(seconds=2)
    with db.raw_connection() as raw, db.write_on(raw):
        cursor = raw.cursor()
        mark = "%s" if db.is_postgres else "?"
        sql = statements.driver(db.engine.dialect)
        seen, expiry = sql.bind_time(clock.now()), sql.bind_time(clock.now() + RESOLVE_TIMEOUT)
        cursor.execute(
            f"UPDATE intake_alerts SET last_seen = {mark}, ends_at = {mark} WHERE service_id = {mark}",
            (seen, expiry, service_id),
        )
        cursor.close()

    answers = readfirst.answer_from_reads(db, _deliveries(app, key, ("Known", "same")))

    assert [getattr(answer, "status_code", None) for answer in answers] == [200]


class _Recorder:
    """A readfirst.Waiter that records what it was told; `explode` makes its first call raise."""

    def __init__(self, explode: bool = False) -> None:
        self.calls: list[str] = []
        self.explode = explode

    def answered(self, response: Any) -> None:
        self.calls.append(f"answered {response.status_code}")
        if self.explode:
            raise RuntimeError("this sender's callback failed")

    def queued(self, future: Any) -> None:
        self.calls.append("queued")
        self.future = future

    def refused(self, error: Any) -> None:
        self.calls.append("refused")


def test_a_batch_answers_each_sender_even_when_one_senders_callback_fails(app, alice_api, make_ctx, clock, db):
    key = integration(alice_api, make_service(make_ctx), "prometheus")["key"]
    intake_writer.apply_batch(db, _deliveries(app, key, ("Known", "same")))
    clock.advance(seconds=0.25)
    writer = intake_writer.writer_for(app.state)
    reads = readfirst.ReadFirst(db, writer)
    waiters = [_Recorder(explode=True), _Recorder(), _Recorder()]
    batch = _deliveries(app, key, ("Known", "same"), ("Known", "same"), ("New", "x"))

    async def flush() -> Any:
        loop = asyncio.get_running_loop()
        reads.waiting[loop] = list(zip(batch, waiters, strict=True))
        reads._flush(loop)
        for _ in range(500):  # PostgreSQL: the read thread's answers come back to the loop a moment later
            if waiters[2].calls:
                break
            await asyncio.sleep(0.01)
        return await waiters[2].future  # the new alert: stored by the writer

    stored = asyncio.run(flush())

    assert [w.calls for w in waiters] == [["answered 200"], ["answered 200"], ["queued"]]
    assert getattr(stored, "status_code", None) == 200
    assert only_alert(alice_api, "x")["status"] == "firing"  # its title is its summary


def test_postgresql_loop_writes_only_rows_still_as_planned_and_leave_the_batch_to_the_writer(
    app, alice_api, make_ctx, clock, db
):
    """Read first's writes on the loop (PostgreSQL) are planned from a read; a row resolved between that read
    and the write is left as it is (the batch then goes to the writer), while the other row's re-delivery,
    still true, is written."""
    if not db.is_postgres:
        return  # SQLite's read first only reads; the writer thread writes
    from warroom.intake.asyncreads import AsyncReads

    service_id = make_service(make_ctx)
    key = integration(alice_api, service_id, "prometheus")["key"]
    intake_writer.apply_batch(db, _deliveries(app, key, ("Gone", "g"), ("Kept", "k")))
    clock.advance(seconds=2)  # a new second: both re-deliveries move last_seen
    batch = _deliveries(app, key, ("Gone", "g"), ("Kept", "k"))
    sql = statements.driver(db.engine.dialect)
    reads = AsyncReads(db)

    async def read_resolve_write() -> None:
        query = batchread.Query(batch)
        writes = fastpath.Pending()
        answers = readfirst.answers(sql, batch, *query.collect(sql, await reads.rows(query)), writes=writes)
        assert answers == [None, None] and [index for index, _ids in writes.waiting] == [0, 1]
        gone = next(iter(writes.updates.values())).row  # rows are queued in delivery order: Gone first
        with db.raw_connection() as raw, db.write_on(raw):
            raw.execute("UPDATE intake_alerts SET status = 'resolved' WHERE id = %s", (gone.id,))
        try:
            await reads.write(writes, sql)
        except fastpath.Moved:
            pass
        else:
            raise AssertionError("a moved row must fail the batch's loop write")
        finally:
            await reads.close()

    asyncio.run(read_resolve_write())

    by_title = {a["title"]: a for a in alice_api.get("/api/v1/alerts", params={"limit": 50}).json()["items"]}
    assert by_title["g"]["status"] == "resolved"
    assert not by_title["g"]["last_seen"].startswith(clock.now().isoformat()[:19])  # not written
    assert by_title["k"]["last_seen"].startswith(clock.now().isoformat()[:19])  # still as planned: written
