"""/admin/jobs: counts, filters in the URL, dead letters with a CSRF-protected Retry button."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import ui_login
from warroom.jobs import service
from warroom.jobs.models import Job
from warroom.jobs.registry import job
from warroom.jobs.worker import Worker


@job("test.ui.explode")
def explode(ctx: Any, payload: dict[str, Any]) -> None:
    raise ValueError("smtp.example.com refused <bob@example.com>")


@pytest.fixture
def dead_job_id(make_ctx, db, clock, settings) -> int:
    with make_ctx() as ctx:
        queued = service.enqueue(ctx, "test.ui.explode", max_attempts=1)
    Worker(db, clock, settings).run_due()
    return queued.id


def test_admins_see_counts_and_dead_letters_with_their_last_error(client, alice, dead_job_id):
    ui_login(client, alice)
    page = client.get("/admin/jobs")
    assert page.status_code == 200
    assert "Dead letters (1)" in page.text
    assert "ValueError: smtp.example.com refused &lt;bob@example.com&gt;" in page.text
    assert f'action="/admin/jobs/{dead_job_id}/retry"' in page.text
    assert '<span aria-hidden="true">✕</span> dead</span>' in page.text


def test_filters_live_in_the_url(client, alice, dead_job_id):
    ui_login(client, alice)
    page = client.get("/admin/jobs?status=done")
    assert "Newest jobs (0)" in page.text
    assert '<option value="done" selected>' in page.text
    bad = client.get("/admin/jobs?status=nope")
    assert bad.status_code == 400
    assert "Unknown status &#39;nope&#39;" in bad.text


def test_retry_button_requeues_the_job(client, alice, dead_job_id, db):
    csrf = ui_login(client, alice)
    response = client.post(f"/admin/jobs/{dead_job_id}/retry", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/jobs?retried={dead_job_id}"
    with db.transaction() as session:
        assert session.get(Job, dead_job_id).status == "pending"
    assert f"Job {dead_job_id} is back on the queue" in client.get(response.headers["location"]).text


def test_retry_without_csrf_is_forbidden(client, alice, dead_job_id, db):
    ui_login(client, alice)
    assert client.post(f"/admin/jobs/{dead_job_id}/retry", data={}).status_code == 403
    with db.transaction() as session:
        assert session.get(Job, dead_job_id).status == "dead"


def test_responders_cannot_open_the_jobs_page(client, bob):
    ui_login(client, bob)
    assert client.get("/admin/jobs").status_code == 403
