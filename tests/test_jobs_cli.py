"""`warroom jobs list|retry|stats`."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from warroom.cli import CliApp, main
from warroom.jobs import service
from warroom.jobs.registry import PermanentFailure, job
from warroom.jobs.worker import Worker


@job("test.cli.reject")
def reject(ctx: Any, payload: dict[str, Any]) -> None:
    raise PermanentFailure("400 Bad Request from https://hooks.example.com")


@pytest.fixture
def cli(settings, clock):
    app = CliApp(settings=settings, clock=clock, out=io.StringIO())
    yield app
    app.close()


@pytest.fixture
def dead_job_id(make_ctx, db, clock, settings) -> int:
    with make_ctx() as ctx:
        queued = service.enqueue(ctx, "test.cli.reject")
    Worker(db, clock, settings).run_due()
    return queued.id


def test_jobs_list_shows_dead_jobs_as_json(cli, dead_job_id):
    assert main(["jobs", "list", "--status", "dead", "--json"], app=cli) == 0
    body = json.loads(cli.out.getvalue())
    assert body["total"] == 1
    assert body["items"][0]["id"] == dead_job_id
    assert body["items"][0]["last_error"] == "400 Bad Request from https://hooks.example.com"


def test_jobs_list_prints_one_line_per_job(cli, dead_job_id):
    assert main(["jobs", "list"], app=cli) == 0
    line = cli.out.getvalue().strip()
    assert line.split()[:3] == [str(dead_job_id), "dead", "test.cli.reject"]
    assert line.endswith("1/8  400 Bad Request from https://hooks.example.com")


def test_jobs_retry_requeues_a_dead_job(cli, dead_job_id):
    assert main(["jobs", "retry", str(dead_job_id)], app=cli) == 0
    assert cli.out.getvalue() == f"job {dead_job_id} (test.cli.reject) is pending again; a worker will run it\n"


def test_jobs_retry_of_a_live_job_fails_with_one_line(cli, dead_job_id, capsys):
    main(["jobs", "retry", str(dead_job_id)], app=cli)
    assert main(["jobs", "retry", str(dead_job_id)], app=cli) == 1
    assert capsys.readouterr().err == (f"warroom: error: job {dead_job_id} is pending; only dead jobs can be retried\n")


def test_jobs_stats_counts_by_status(cli, dead_job_id):
    assert main(["jobs", "stats", "--json"], app=cli) == 0
    assert json.loads(cli.out.getvalue()) == {
        "pending": 0,
        "due": 0,
        "running": 0,
        "dead": 1,
        "done": 0,
        "cancelled": 0,
    }
