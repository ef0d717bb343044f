"""Page transports: email (lib/mail), signed webhook and Slack-format JSON (lib/http), Twilio-compatible SMS/voice.

Each raises notify's DeliveryRetry (temporary) or DeliveryRejected / a NotConfigured failure (permanent),
so the job queue retries with backoff or dead-letters, and the delivery log says why.
"""

from __future__ import annotations

import base64
import functools
import ssl
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import quote, urlencode

from warroom.jobs.registry import PermanentFailure
from warroom.lib import mail
from warroom.lib.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from warroom.notify.channels import DeliveryRejected, DeliveryRetry, SmtpNotConfigured
from warroom.notify.channels import webhook as webhook_channel
from warroom.notify.service import NOT_CONFIGURED_MESSAGE
from warroom.settings import Settings

DELIVERY_HEADER = "X-Warroom-Delivery-Id"
TWILIO_NOT_CONFIGURED = (
    "SMS and voice are off: set WARROOM_TWILIO_ACCOUNT_SID, WARROOM_TWILIO_AUTH_TOKEN and WARROOM_TWILIO_FROM "
    "(and WARROOM_TWILIO_BASE_URL for a Twilio-compatible provider), then restart Warroom"
)


class ProviderNotConfigured(PermanentFailure):
    """The channel's provider settings are missing: retrying cannot help until an admin sets them."""


@dataclass(frozen=True)
class Outgoing:
    """One message ready to go out. `text` is the email body / SMS text / TwiML; `json_body` the exact JSON."""

    channel: str
    target: str
    delivery_id: str
    subject: str
    text: str
    json_body: str
    secret: str | None = None


def message_id(delivery_id: str) -> str:
    """`<delivery-id@warroom>`, percent-encoding what a Message-ID may not contain (`:` becomes `%3A`)."""
    return f"<{quote(delivery_id, safe='-_.')}@warroom>"


def send(settings: Settings, message: Outgoing, *, now: datetime) -> int | None:
    """Send through the message's channel; returns the HTTP status (None for email)."""
    if message.channel == "email":
        _email(settings, message, now=now)
        return None
    if message.channel in ("webhook", "slack"):
        return _json_post(settings, message, now=now)
    if message.channel in ("sms", "voice"):
        return _twilio(settings, message, now=now)
    raise PermanentFailure(f"unknown channel {message.channel!r}")


@functools.cache
def _tls_context(tls: str) -> ssl.SSLContext:
    """One context per process: building the default one loads the system CA store (costly), once per send
    otherwise. Without TLS the context is never used, so an empty one saves even that first load."""
    if tls == "none":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return ssl.create_default_context()


def _email(settings: Settings, message: Outgoing, *, now: datetime) -> None:
    config = mail.SmtpConfig.from_settings(settings)
    if config is None:
        raise SmtpNotConfigured(NOT_CONFIGURED_MESSAGE)
    config = replace(config, ssl_context=_tls_context(config.tls))
    email = mail.build_message(
        sender=config.sender,
        to=message.target,
        subject=message.subject,
        body=message.text,
        date=now,
        message_id=message_id(message.delivery_id),
        headers={"Auto-Submitted": "auto-generated", DELIVERY_HEADER: message.delivery_id},
    )
    try:
        mail.send(config, email)
    except mail.MailError as exc:
        if exc.permanent:
            raise DeliveryRejected(str(exc), response_code=exc.code) from None
        raise DeliveryRetry(str(exc), response_code=exc.code) from None


def _json_post(settings: Settings, message: Outgoing, *, now: datetime) -> int:
    body = message.json_body.encode("utf-8")
    headers = {"Content-Type": "application/json", DELIVERY_HEADER: message.delivery_id}
    if message.channel == "webhook":
        timestamp = int(now.timestamp())
        headers[SIGNATURE_HEADER] = sign(message.secret or "", timestamp, body)
        headers[TIMESTAMP_HEADER] = str(timestamp)
        headers["X-Warroom-Event"] = "page"
    return _post(settings, message.target, body, headers, now=now)


def _twilio(settings: Settings, message: Outgoing, *, now: datetime) -> int:
    sid, token, sender = settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_from
    if not (sid and token and sender):
        raise ProviderNotConfigured(TWILIO_NOT_CONFIGURED)
    resource = "Messages.json" if message.channel == "sms" else "Calls.json"
    url = f"{settings.twilio_base_url.rstrip('/')}/2010-04-01/Accounts/{quote(sid, safe='')}/{resource}"
    fields = {"To": message.target, "From": sender}
    if message.channel == "sms":
        fields["Body"] = message.text
    else:
        fields["Twiml"] = message.text
    credentials = base64.b64encode(f"{sid}:{token}".encode()).decode("ascii")
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": f"Basic {credentials}",
        DELIVERY_HEADER: message.delivery_id,
    }
    return _post(settings, url, urlencode(fields).encode("ascii"), headers, now=now)


def _post(settings: Settings, url: str, body: bytes, headers: dict[str, str], *, now: datetime) -> int:
    # Never echo credentials: the URL of a Slack webhook is itself a secret, so errors name only the host.
    host = url.split("/")[2] if url.count("/") >= 2 else url
    hint = "fix the address or the receiver, then send a test"
    return webhook_channel.post_or_raise(settings, url, body, headers, now=now, name=host, hint=hint)
