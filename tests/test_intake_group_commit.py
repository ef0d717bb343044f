"""Intake group commit: concurrent deliveries share the writer's transaction; each is answered after it commits."""

from __future__ import annotations

import threading

from test_intake_support import integration, make_service, path_of
from warroom.intake import writer as intake_writer


def generic(title: str, dedup: str) -> dict[str, str]:
    return {"title": title, "state": "firing", "severity": "critical", "dedup_key": dedup}


def test_deliveries_that_arrive_while_the_writer_commits_share_its_next_transaction(client, app, alice_api, make_ctx):
    url = path_of(integration(alice_api, make_service(make_ctx), "generic")["url"])
    first_batch_started = threading.Event()
    release = threading.Event()
    real_apply = intake_writer.apply_batch
    sizes: list[int] = []

    def held_apply(database, deliveries):  # type: ignore[no-untyped-def]
        sizes.append(len(deliveries))
        if len(sizes) == 1:
            first_batch_started.set()
            assert release.wait(timeout=20)  # hold the first transaction open while the others queue
        return real_apply(database, deliveries)

    writer = intake_writer.writer_for(app.state)
    writer.apply = held_apply
    answers: dict[int, int] = {}

    def post(n: int) -> None:
        answers[n] = client.post(url, json=generic(f"disk {n}", f"d{n}")).status_code

    first = threading.Thread(target=post, args=(0,))
    first.start()
    assert first_batch_started.wait(timeout=20)
    others = [threading.Thread(target=post, args=(n,)) for n in range(1, 9)]
    for thread in others:
        thread.start()
    for _ in range(400):  # until all eight wait in the writer's queue (bounded: 400 x 10 ms)
        if writer._queue.qsize() == 8:
            break
        threading.Event().wait(0.01)
    assert answers == {}  # nobody is answered before their transaction commits
    release.set()
    for thread in [first, *others]:
        thread.join(timeout=30)

    assert answers == {n: 202 for n in range(9)}
    assert sizes == [1, 8]  # the eight waiting deliveries committed together
    alerts = alice_api.get("/api/v1/alerts", params={"limit": 50}).json()
    assert sorted(a["title"] for a in alerts["items"]) == sorted(f"disk {n}" for n in range(9))


def test_a_refused_delivery_in_a_batch_leaves_the_others_stored(app, make_ctx, alice_api, db):
    from starlette.responses import Response

    service_id = make_service(make_ctx)
    key = integration(alice_api, service_id, "generic")["key"]
    state = app.state

    def work_for(title: str):  # type: ignore[no-untyped-def]
        from warroom.intake import service as intake
        from warroom.intake.formats_pd import parse_generic

        def work(ctx, found):  # type: ignore[no-untyped-def]
            if title == "refused":
                raise ValueError("not storable")
            intake.ingest(ctx, found, [parse_generic({"title": title, "state": "firing", "dedup_key": title})])
            return Response(status_code=202)

        return work

    batch = [
        intake_writer.Delivery(key=key, work=work_for("one"), clock=state.clock, settings=state.settings),
        intake_writer.Delivery(key="not-a-key", work=work_for("lost"), clock=state.clock, settings=state.settings),
        intake_writer.Delivery(key=key, work=work_for("refused"), clock=state.clock, settings=state.settings),
        intake_writer.Delivery(key=key, work=work_for("two"), clock=state.clock, settings=state.settings),
    ]
    results = intake_writer.apply_batch(db, batch)

    assert [type(r).__name__ for r in results] == ["Response", "UnknownKey", "ValueError", "Response"]
    titles = sorted(a["title"] for a in alice_api.get("/api/v1/alerts").json()["items"])
    assert titles == ["one", "two"]


def _generic_deliveries(state, key: str, bodies: list[dict[str, str]]) -> list[intake_writer.Delivery]:  # type: ignore[no-untyped-def]
    import json

    from warroom.intake import receivers

    build = receivers.generic_plan(key)
    return [intake_writer.Delivery.of(build(json.dumps(body).encode()), state.clock, state.settings) for body in bodies]


def _count_ingests(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """The number of alerts in each of the writer's ingest calls, recorded as they happen."""
    real_ingest = intake_writer.service.ingest
    sizes: list[int] = []

    def counting(ctx, found, items):  # type: ignore[no-untyped-def]
        sizes.append(len(items))
        return real_ingest(ctx, found, items)

    monkeypatch.setattr(intake_writer.service, "ingest", counting)
    return sizes


def test_new_alerts_of_back_to_back_deliveries_share_one_ingest_and_each_caller_gets_its_own_row(
    app, make_ctx, alice_api, db, monkeypatch
):
    import json

    key = integration(alice_api, make_service(make_ctx), "generic")["key"]
    sizes = _count_ingests(monkeypatch)
    batch = _generic_deliveries(app.state, key, [generic(f"disk {n}", f"d{n}") for n in range(3)])
    results = intake_writer.apply_batch(db, batch)

    assert sizes == [3]  # one ingest for the three deliveries
    answers = [json.loads(bytes(r.body)) for r in results]  # type: ignore[union-attr]
    stored = {a["fingerprint"]: a["id"] for a in alice_api.get("/api/v1/alerts").json()["items"]}
    assert [a["alert_id"] for a in answers] == [stored[a["dedup_key"]] for a in answers]
    assert [a["dedup_key"] for a in answers] == ["d0", "d1", "d2"]


def test_a_refused_delivery_in_a_merged_run_fails_alone(app, make_ctx, alice_api, db, monkeypatch):
    key = integration(alice_api, make_service(make_ctx), "generic")["key"]
    sizes = _count_ingests(monkeypatch)
    bodies = [generic("one", "a"), generic("bad \ud800 title", "b"), generic("two", "c")]
    batch = _generic_deliveries(app.state, key, bodies)
    results = intake_writer.apply_batch(db, batch)

    assert sizes == [3, 1, 1, 1]  # the run failed as a whole, then each delivery was applied alone
    assert [getattr(r, "status_code", None) for r in results[0::2]] == [202, 202]
    assert isinstance(results[1], Exception)  # the unstorable text is refused (answered 400 by the receiver)
    titles = sorted(a["title"] for a in alice_api.get("/api/v1/alerts").json()["items"])
    assert titles == ["one", "two"]
