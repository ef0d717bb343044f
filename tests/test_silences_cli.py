"""`warroom silence add|list|expire` with --json and one-line errors."""

from __future__ import annotations

import json

import pytest

from warroom.cli import CliApp, main


@pytest.fixture
def cli(settings, clock, db, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args), app=CliApp(settings=settings, clock=clock, _db=db))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_add_list_and_expire_a_silence(cli) -> None:
    code, out, err = cli(
        "silence", "add", "--matcher", "env=staging", "-m", "job=~api|web", "--duration", "90m",
        "--comment", "load test", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    created = json.loads(out)
    assert created["matchers"] == [
        {"name": "env", "op": "=", "value": "staging"},
        {"name": "job", "op": "=~", "value": "api|web"},
    ]
    assert created["ends_at"] == "2026-03-01T13:30:00+00:00"
    assert created["created_by"] == "CLI"
    code, out, _ = cli("silence", "list")
    assert code == 0
    assert out == (
        f'#{created["id"]:<5} active   until 2026-03-01 13:30 UTC  {{env="staging", job=~"api|web"}}  load test\n'
    )
    code, out, _ = cli("silence", "expire", str(created["id"]))
    assert code == 0
    assert out.startswith(f"expired silence #{created['id']:<5} expired  until 2026-03-01 12:00 UTC")
    code, out, _ = cli("silence", "list", "--status", "active", "--json")
    assert json.loads(out) == {"items": [], "total": 0}


def test_errors_are_one_line(cli) -> None:
    code, _out, err = cli("silence", "add", "-m", "env", "--comment", "x")
    assert code == 1
    assert err.strip().endswith(
        "matcher 1: 'env' is not a matcher; write name=value, name!=value, name=~regex or name!~regex"
    )
    assert len(err.strip().splitlines()) == 1
    code, _, err = cli("silence", "add", "-m", "env=x", "--duration", "forever", "--comment", "x")
    assert code == 1
    assert "'forever' is not a duration" in err
    code, _, err = cli("silence", "expire", "42")
    assert code == 1
    assert "silence 42 does not exist" in err


def test_a_viewer_cannot_add_through_the_cli(cli, charlie) -> None:
    code, _, err = cli("silence", "add", "-m", "env=x", "--comment", "x", "--as", "charlie@example.com")
    assert code == 1
    assert "silencing alerts needs the responder role" in err
