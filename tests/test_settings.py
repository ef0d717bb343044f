"""Settings are read from a mapping passed in, never by mutating os.environ."""

from __future__ import annotations

import pytest

from warroom.cli import CliApp, main
from warroom.settings import DEFAULT_SECRET_KEY, VARIABLES, Settings, SettingsError

GOOD_SECRET = "s" * 48


def test_an_empty_environment_gives_the_documented_defaults():
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///warroom.db"
    assert settings.mode == "production"
    assert settings.secret_key == DEFAULT_SECRET_KEY
    assert settings.base_url is None
    assert settings.smtp_host is None
    assert settings.smtp_port == 25
    assert settings.smtp_tls == "none"
    assert settings.session_days == 14
    assert settings.job_max_attempts == 8
    assert settings.is_sqlite is True
    assert settings.smtp_configured is False


def test_values_are_read_and_parsed_from_the_mapping():
    settings = Settings.from_env(
        {
            "WARROOM_DATABASE_URL": "postgresql://u:p@db:5432/warroom",
            "WARROOM_SECRET_KEY": GOOD_SECRET,
            "WARROOM_MODE": "dev",
            "WARROOM_BASE_URL": "https://warroom.example.com/",
            "WARROOM_SMTP_HOST": "mail.example.com",
            "WARROOM_SMTP_PORT": "587",
            "WARROOM_SMTP_TLS": "starttls",
            "WARROOM_SMTP_TIMEOUT": "2.5",
            "WARROOM_SESSION_DAYS": "3",
            "WARROOM_JOB_MAX_ATTEMPTS": "4",
            "WARROOM_WORKER_POLL": "0.25",
        }
    )
    assert settings.database_url == "postgresql://u:p@db:5432/warroom"
    assert settings.secret_key == GOOD_SECRET
    assert settings.mode == "dev"
    assert settings.base_url == "https://warroom.example.com"
    assert settings.smtp_host == "mail.example.com"
    assert settings.smtp_port == 587
    assert settings.smtp_tls == "starttls"
    assert settings.smtp_timeout_seconds == 2.5
    assert settings.session_days == 3
    assert settings.job_max_attempts == 4
    assert settings.worker_poll_seconds == 0.25
    assert settings.smtp_configured is True
    assert settings.is_sqlite is False


def test_empty_values_keep_the_default():
    settings = Settings.from_env({"WARROOM_SMTP_PORT": "", "WARROOM_MODE": ""})
    assert settings.smtp_port == 25
    assert settings.mode == "production"


def test_unrelated_variables_are_ignored():
    assert Settings.from_env({"HOME": "/root", "DATABASE_URL": "mysql://x"}).database_url == "sqlite:///warroom.db"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///var/warroom.db", "sqlite:///var/warroom.db"),
    ],
)
def test_postgresql_urls_are_given_the_psycopg_driver(given, expected):
    assert Settings.from_env({"WARROOM_DATABASE_URL": given}).sqlalchemy_url == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WARROOM_SMTP_PORT", "twenty-five"),
        ("WARROOM_SMTP_PORT", "0"),
        ("WARROOM_SESSION_DAYS", "-1"),
        ("WARROOM_JOB_MAX_ATTEMPTS", "1.5"),
        ("WARROOM_SMTP_TIMEOUT", "0"),
        ("WARROOM_WEBHOOK_TIMEOUT", "soon"),
        ("WARROOM_JOB_BACKOFF", "-3"),
        ("WARROOM_WORKER_POLL", "nan-ish"),
        ("WARROOM_BASE_URL", "warroom.example.com"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_value(name, value):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({name: value})
    message = str(raised.value)
    assert message.startswith(f"{name}={value!r} is not valid: ")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WARROOM_MODE", "staging"),
        ("WARROOM_SMTP_TLS", "tls"),
        ("WARROOM_DATABASE_URL", "mysql://u@h/db"),
    ],
)
def test_a_value_outside_the_allowed_choices_names_the_variable(name, value):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({name: value})
    assert str(raised.value).startswith(f"{name} must ")


def test_every_variable_is_documented_once_with_help_text():
    names = [name for name, _attr, _parse, _help in VARIABLES]
    assert len(names) == len(set(names))
    for name, attr, _parse, help_text in VARIABLES:
        assert name.startswith("WARROOM_")
        assert hasattr(Settings(), attr), attr
        assert len(help_text) > 10, name


def test_the_default_secret_key_is_refused_in_production():
    settings = Settings.from_env({})
    with pytest.raises(SettingsError) as raised:
        settings.check_can_serve()
    assert str(raised.value).startswith("WARROOM_SECRET_KEY is not set.")


def test_a_short_secret_key_is_refused_in_production():
    settings = Settings.from_env({"WARROOM_SECRET_KEY": "short-secret"})
    with pytest.raises(SettingsError) as raised:
        settings.check_can_serve()
    assert str(raised.value) == "WARROOM_SECRET_KEY must be at least 32 characters long"


@pytest.mark.parametrize("mode", ["dev", "demo"])
def test_the_default_secret_key_is_allowed_for_a_local_trial(mode):
    settings = Settings.from_env({"WARROOM_MODE": mode})
    settings.check_can_serve()
    assert settings.is_dev is True
    assert settings.uses_default_secret is True


def test_a_long_secret_key_may_serve_in_production():
    settings = Settings.from_env({"WARROOM_SECRET_KEY": GOOD_SECRET})
    settings.check_can_serve()
    assert settings.is_dev is False
    assert settings.uses_default_secret is False


def test_overrides_are_validated_too():
    with pytest.raises(SettingsError):
        Settings().with_overrides(mode="chaos")
    assert Settings().with_overrides(mode="demo").mode == "demo"


def test_serve_refuses_to_start_in_production_with_the_default_key(tmp_path, capsys, monkeypatch):
    import uvicorn

    def must_not_run(*args, **kwargs):
        raise AssertionError("the server was started")

    monkeypatch.setattr(uvicorn, "run", must_not_run)
    app = CliApp(settings=Settings(database_url=f"sqlite:///{tmp_path / 'serve.db'}"))
    code = main(["serve", "--port", "8999"], app=app)
    app.close()
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("warroom: error: WARROOM_SECRET_KEY is not set.")
    assert "Traceback" not in captured.err
    # Refused before touching the database: no file was created.
    assert not (tmp_path / "serve.db").exists()


def test_warroom_config_lists_every_variable(capsys):
    assert main(["config"], app=CliApp(settings=Settings())) == 0
    out = capsys.readouterr().out
    for name, _attr, _parse, help_text in VARIABLES:
        assert f"{name:28} {help_text}" in out.splitlines()


def test_the_readme_documents_every_variable():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _attr, _parse, _help in VARIABLES if f"| `{name}` |" not in readme]
    assert missing == []
