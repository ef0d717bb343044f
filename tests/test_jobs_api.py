"""GET /api/v1/jobs and POST /api/v1/jobs/{id}/retry: admins only."""

from __future__ import annotations

from typing import Any

import pytest

from warroom.errors import NotFound
from warroom.jobs import service
from warroom.jobs.registry import PermanentFailure, job
from warroom.jobs.worker import Worker


@job("test.api.reject")
def reject(ctx: Any, payload: dict[str, Any]) -> None:
    raise PermanentFailure("receiver said 410 Gone")


@pytest.fixture
def dead_job_id(make_ctx, db, clock, settings) -> int:
    with make_ctx() as ctx:
        queued = service.enqueue(ctx, "test.api.reject", {"n": 1})
        service.enqueue(ctx, "test.api.later", {"n": 2}, run_at=clock.now().replace(year=2027))
    Worker(db, clock, settings).run_due()
    return queued.id


def test_admins_list_jobs_with_filters(alice_api, dead_job_id):
    response = alice_api.get("/api/v1/jobs", params={"status": "dead"})
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (1, 50, 0)
    item = body["items"][0]
    assert (item["id"], item["name"], item["status"], item["attempts"]) == (dead_job_id, "test.api.reject", "dead", 1)
    assert item["last_error"] == "receiver said 410 Gone"
    everything = alice_api.get("/api/v1/jobs").json()
    assert [i["name"] for i in everything["items"]] == ["test.api.later", "test.api.reject"]


def test_an_unknown_status_filter_is_a_422(alice_api):
    response = alice_api.get("/api/v1/jobs", params={"status": "deadish"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "query.status"


def test_responders_and_viewers_cannot_see_jobs(bob_api, charlie_api):
    assert bob_api.get("/api/v1/jobs").status_code == 403
    response = charlie_api.post("/api/v1/jobs/1/retry")
    assert response.status_code == 403
    assert response.json()["error"] == "this needs the admin role or higher; you are viewer"


def test_retrying_a_dead_job_puts_it_back(alice_api, dead_job_id, clock):
    response = alice_api.post(f"/api/v1/jobs/{dead_job_id}/retry")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["attempts"], body["finished_at"]) == ("pending", 0, None)
    again = alice_api.post(f"/api/v1/jobs/{dead_job_id}/retry")
    assert again.status_code == 409
    assert again.json()["error"] == f"job {dead_job_id} is pending; only dead jobs can be retried"


def test_retrying_an_unknown_job_is_a_404(alice_api):
    response = alice_api.post("/api/v1/jobs/424242/retry")
    assert response.status_code == 404
    assert response.json()["error"].startswith("job 424242 does not exist")


def test_stats_count_by_status(alice_api, dead_job_id):
    response = alice_api.get("/api/v1/jobs/stats")
    assert response.json() == {"pending": 1, "due": 0, "running": 0, "dead": 1, "done": 0, "cancelled": 0}


def test_an_id_beyond_the_database_range_is_a_422_not_a_crash(alice_api, make_ctx):
    assert alice_api.get("/api/v1/jobs/9223372036854775808").status_code == 422
    with make_ctx() as ctx, pytest.raises(NotFound):
        service.get_job(ctx, 2**63)
