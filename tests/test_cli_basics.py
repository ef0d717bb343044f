"""The `warroom` command: users, tokens, migrations, and one-line errors instead of tracebacks."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from warroom.cli import CliApp, main


@pytest.fixture
def cli(settings, clock, db, capsys, monkeypatch):
    """Run `warroom ARGS` in-process against the test database; returns (exit code, stdout, stderr)."""

    def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        app = CliApp(settings=settings, clock=clock, _db=db)
        code = main(list(args), app=app)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _assert_one_line_error(code: int, out: str, err: str, expected: str) -> None:
    assert code == 1
    assert out == ""
    assert err == f"warroom: error: {expected}\n"


def test_user_create_reads_the_password_from_stdin_and_the_user_can_log_in(cli, client):
    code, out, err = cli(
        "user", "create", "Dana@Example.com", "--name", "Dana", "--role", "responder", "--password-stdin",
        stdin="dana-secret-pw\n",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith("created responder dana@example.com (id ")

    import re

    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login",
        data={"email": "dana@example.com", "password": "dana-secret-pw", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "wr_session" in response.cookies


def test_user_list_json_shows_the_created_user(cli):
    cli(
        "user",
        "create",
        "erin@example.com",
        "--name",
        "Erin",
        "--role",
        "viewer",
        "--password-stdin",
        stdin="pw-long-enough\n",
    )
    code, out, _err = cli("user", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["email"], r["name"], r["role"], r["timezone"]) for r in rows] == [
        ("erin@example.com", "Erin", "viewer", "UTC")
    ]


def test_token_create_prints_the_token_alone_on_the_last_line_and_it_works(cli, client, alice):
    code, out, err = cli("token", "create", "alice@example.com", "--name", "laptop")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "API token for alice@example.com. It is shown once; store it now:"
    token = lines[-1]
    assert token.strip() == token
    assert " " not in token
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["email"] == "alice@example.com"
    tokens = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {token}"}).json()
    assert sorted(t["name"] for t in tokens) == ["laptop", "tests"]


def test_token_create_accepts_a_user_id(cli, alice):
    code, out, _err = cli("token", "create", str(alice.id))
    assert code == 0
    assert out.splitlines()[0] == "API token for alice@example.com. It is shown once; store it now:"


def test_migrate_reports_the_database_is_up_to_date(cli):
    assert cli("migrate") == (0, "database is up to date\n", "")
    # Running it again changes nothing and says the same.
    assert cli("migrate") == (0, "database is up to date\n", "")


def test_token_for_an_unknown_user_is_one_line_error(cli):
    _assert_one_line_error(*cli("token", "create", "nobody@example.com"), "no user with email nobody@example.com")


def test_token_for_an_unknown_user_id_is_one_line_error(cli):
    _assert_one_line_error(*cli("token", "create", "4242"), "user 4242 does not exist")


def test_duplicate_user_is_one_line_error(cli, alice):
    result = cli(
        "user", "create", "ALICE@example.com", "--name", "Alice 2", "--role", "viewer", "--password-stdin",
        stdin="another-password\n",
    )  # fmt: skip
    _assert_one_line_error(*result, "a user with email alice@example.com already exists")


def test_too_short_password_is_one_line_error(cli):
    result = cli(
        "user", "create", "f@example.com", "--name", "F", "--role", "viewer", "--password-stdin", stdin="short\n"
    )
    _assert_one_line_error(*result, "password must be at least 8 characters")


def test_bad_role_is_refused_by_the_parser_with_usage_and_exit_2(cli, capsys):
    with pytest.raises(SystemExit) as exited:
        cli("user", "create", "g@example.com", "--name", "G", "--role", "emperor", "--password-stdin")
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "argument --role: invalid choice: 'emperor'" in err
    assert "Traceback" not in err


def test_unknown_timezone_is_one_line_error(cli):
    result = cli(
        "user", "create", "h@example.com", "--name", "H", "--role", "viewer", "--timezone", "Mars/Olympus",
        "--password-stdin", stdin="long-enough-pw\n",
    )  # fmt: skip
    _assert_one_line_error(*result, "unknown time zone 'Mars/Olympus'; use an IANA name such as Europe/Berlin")


def _run_warroom(*args: str, env_overrides: dict[str, str] | None = None, cwd: str | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "-m", "warroom", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_python_dash_m_warroom_help_lists_the_commands():
    result = _run_warroom("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: warroom ")
    for command in ("serve", "worker", "migrate", "demo", "config", "user", "token"):
        assert command in result.stdout
    assert result.stderr == ""


def test_a_failing_command_prints_one_line_and_no_traceback(tmp_path):
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    migrated = _run_warroom("migrate", env_overrides={"WARROOM_DATABASE_URL": database})
    assert migrated.returncode == 0, migrated.stderr
    result = _run_warroom("token", "create", "ghost@example.com", env_overrides={"WARROOM_DATABASE_URL": database})
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "warroom: error: no user with email ghost@example.com\n"


def test_an_unmigrated_database_is_one_line_hint_not_a_traceback(tmp_path):
    database = f"sqlite:///{tmp_path / 'empty.db'}"
    result = _run_warroom("user", "list", env_overrides={"WARROOM_DATABASE_URL": database})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("warroom: database error: no such table: users")
    assert "did `warroom migrate` run?" in result.stderr


def test_a_bad_environment_value_is_one_line_configuration_error(tmp_path):
    result = _run_warroom("config", env_overrides={"WARROOM_SMTP_PORT": "many"}, cwd=str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "warroom: configuration error: WARROOM_SMTP_PORT='many' is not valid: "
        "invalid literal for int() with base 10: 'many'\n"
    )
