"""Every environment read lives here. Values are typed, documented and safe by default."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

DEFAULT_SECRET_KEY = "insecure-dev-secret-change-me"  # noqa: S105 - the point is to refuse it
MODES = ("production", "dev", "demo")
SMTP_TLS_MODES = ("none", "starttls", "ssl")


class SettingsError(ValueError):
    """A WARROOM_* variable holds a value we refuse to start with."""


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. Build it with `Settings.from_env()` or pass values directly in tests."""

    database_url: str = "sqlite:///warroom.db"
    secret_key: str = DEFAULT_SECRET_KEY
    mode: str = "production"
    base_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "warroom@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_tls: str = "none"
    smtp_timeout_seconds: float = 10.0
    webhook_timeout_seconds: float = 10.0
    session_days: int = 14
    job_max_attempts: int = 8
    job_backoff_seconds: float = 10.0
    job_backoff_cap_seconds: float = 3600.0
    job_lease_seconds: float = 300.0
    worker_poll_seconds: float = 1.0
    twilio_base_url: str = "https://api.twilio.com"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    status_export_dir: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    # Each entry: env name, attribute, parser, one-line help. `warroom config` and the docs use it.
    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read WARROOM_* variables; anything absent keeps its default."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for name, attr, parse, _help in VARIABLES:
            raw = env.get(name)
            if raw is None or raw == "":
                continue
            try:
                values[attr] = parse(raw)
            except ValueError as exc:
                raise SettingsError(f"{name}={raw!r} is not valid: {exc}") from None
        settings = cls(**values)
        settings.validate()
        return settings

    def with_overrides(self, **changes: Any) -> Settings:
        updated = replace(self, **changes)
        updated.validate()
        return updated

    def validate(self) -> None:
        if self.mode not in MODES:
            raise SettingsError(f"WARROOM_MODE must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.smtp_tls not in SMTP_TLS_MODES:
            raise SettingsError(f"WARROOM_SMTP_TLS must be one of {', '.join(SMTP_TLS_MODES)}")
        if not (
            self.database_url.startswith("sqlite")
            or self.database_url.startswith("postgresql")
            or self.database_url.startswith("postgres://")
        ):
            raise SettingsError("WARROOM_DATABASE_URL must start with sqlite:/// or postgresql://")

    @property
    def is_dev(self) -> bool:
        return self.mode in ("dev", "demo")

    @property
    def uses_default_secret(self) -> bool:
        return self.secret_key == DEFAULT_SECRET_KEY

    def check_can_serve(self) -> None:
        """Refuse to run in production with the well-known default secret key."""
        if self.uses_default_secret and not self.is_dev:
            raise SettingsError(
                "WARROOM_SECRET_KEY is not set. Set it to a long random value "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
                "or run with --demo / WARROOM_MODE=dev for a local trial."
            )
        if not self.is_dev and len(self.secret_key) < 32:
            raise SettingsError("WARROOM_SECRET_KEY must be at least 32 characters long")

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def sqlalchemy_url(self) -> str:
        """The URL with the driver we ship (psycopg 3) made explicit."""
        url = self.database_url
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("must be a positive integer")
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    if value <= 0:
        raise ValueError("must be a positive number")
    return value


def _url(raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return raw.rstrip("/")


VARIABLES: tuple[tuple[str, str, Any, str], ...] = (
    (
        "WARROOM_DATABASE_URL",
        "database_url",
        str,
        "sqlite:///path.db (default ./warroom.db) or postgresql://user:pw@host/db",
    ),
    ("WARROOM_SECRET_KEY", "secret_key", str, "Signs links and cookies. Required outside dev/demo mode."),
    ("WARROOM_MODE", "mode", str, "production (default), dev or demo"),
    (
        "WARROOM_BASE_URL",
        "base_url",
        _url,
        "Public URL used in links (mail, intake URLs); defaults to the request's host",
    ),
    ("WARROOM_SMTP_HOST", "smtp_host", str, "SMTP server; email is disabled (and says so) when unset"),
    ("WARROOM_SMTP_PORT", "smtp_port", _positive_int, "SMTP port (default 25)"),
    ("WARROOM_SMTP_FROM", "smtp_from", str, "From address of outgoing mail"),
    ("WARROOM_SMTP_USER", "smtp_user", str, "SMTP login user (optional)"),
    ("WARROOM_SMTP_PASSWORD", "smtp_password", str, "SMTP login password (optional)"),
    ("WARROOM_SMTP_TLS", "smtp_tls", str, "none (default), starttls or ssl"),
    ("WARROOM_SMTP_TIMEOUT", "smtp_timeout_seconds", _positive_float, "Seconds before an SMTP attempt fails"),
    ("WARROOM_WEBHOOK_TIMEOUT", "webhook_timeout_seconds", _positive_float, "Seconds before a webhook attempt fails"),
    ("WARROOM_SESSION_DAYS", "session_days", _positive_int, "Days a UI login lasts"),
    ("WARROOM_JOB_MAX_ATTEMPTS", "job_max_attempts", _positive_int, "Attempts before a job is dead-lettered"),
    ("WARROOM_JOB_BACKOFF", "job_backoff_seconds", _positive_float, "First retry delay; doubles each attempt"),
    ("WARROOM_WORKER_POLL", "worker_poll_seconds", _positive_float, "Seconds an idle worker waits between polls"),
    ("WARROOM_TWILIO_BASE_URL", "twilio_base_url", str, "Twilio-compatible SMS/voice API base URL"),
    ("WARROOM_TWILIO_ACCOUNT_SID", "twilio_account_sid", str, "SMS/voice account SID; SMS and voice are off unset"),
    ("WARROOM_TWILIO_AUTH_TOKEN", "twilio_auth_token", str, "SMS/voice auth token"),
    ("WARROOM_TWILIO_FROM", "twilio_from", str, "Phone number SMS and calls come from (E.164)"),
    ("WARROOM_STATUS_EXPORT_DIR", "status_export_dir", str, "Re-export the static status site here after each publish"),
)
