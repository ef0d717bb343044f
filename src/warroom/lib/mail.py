"""SMTP transport: the only place Warroom speaks SMTP (standard library only).

Errors come back as MailError with `permanent` set the way SMTP means it: a 5xx reply will fail again,
a 4xx reply or a lost connection may not.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache

from warroom.settings import Settings


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "warroom@localhost"
    user: str | None = None
    password: str | None = None
    tls: str = "none"  # none | starttls | ssl
    timeout: float = 10.0
    # None means the system trust store with hostname checks; tests pass one that trusts their own CA.
    ssl_context: ssl.SSLContext | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """The configured server, or None when WARROOM_SMTP_HOST is unset."""
        if not settings.smtp_host:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            user=settings.smtp_user,
            password=settings.smtp_password,
            tls=settings.smtp_tls,
            timeout=settings.smtp_timeout_seconds,
        )


class MailError(Exception):
    """Sending failed. `permanent` means retrying the same message cannot help."""

    def __init__(self, message: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    date: datetime | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A plain-text message. Header values with line breaks are refused by the email package."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if date is not None:
        message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id or make_msgid(domain="warroom")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


@cache
def _tls_context() -> ssl.SSLContext:
    """One verifying context per process: building one loads the CA bundle (~0.2 s of CPU each time)."""
    return ssl.create_default_context()


def send(config: SmtpConfig, message: EmailMessage) -> None:
    """Deliver `message` to the configured server, or raise MailError."""
    context = config.ssl_context or _tls_context()
    try:
        client: smtplib.SMTP
        if config.tls == "ssl":
            client = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        with client:
            if config.tls == "starttls":
                client.starttls(context=context)
            if config.user:
                client.login(config.user, config.password or "")
            refused = client.send_message(message)
        if refused:
            raise _refused(refused)
    except MailError:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        raise _refused(exc.recipients) from None
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise MailError(
            f"{config.host}:{config.port} replied {exc.smtp_code} {text}",
            permanent=500 <= exc.smtp_code < 600,
            code=exc.smtp_code,
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        # The server lacks STARTTLS or AUTH: a configuration mismatch that retrying cannot fix.
        raise MailError(
            f"{config.host}:{config.port}: {str(exc).rstrip('.')}; check WARROOM_SMTP_TLS", permanent=True
        ) from None
    except ssl.SSLCertVerificationError as exc:
        reason = f"TLS certificate rejected: {exc.verify_message}"
        raise MailError(f"{config.host}:{config.port}: {reason}", permanent=True) from None
    except (smtplib.SMTPException, OSError) as exc:
        # Refused or dropped connections, timeouts and TLS hiccups are usually temporary.
        raise MailError(f"{config.host}:{config.port}: {type(exc).__name__}: {exc}", permanent=False) from None


def _refused(recipients: dict[str, tuple[int, bytes]]) -> MailError:
    codes = [code for code, _ in recipients.values()]
    detail = "; ".join(
        f"{address}: {code} {reply.decode('utf-8', 'replace')}" for address, (code, reply) in recipients.items()
    )
    permanent = all(500 <= code < 600 for code in codes)
    return MailError(f"recipient refused: {detail}", permanent=permanent, code=max(codes) if codes else None)
