"""Webhook channel: POST the stored JSON, signed with HMAC-SHA256, through lib/http.py."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from warroom.lib import http
from warroom.lib.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from warroom.notify.channels import DeliveryRejected, DeliveryRetry
from warroom.settings import Settings

RETRYABLE_CLIENT_ERRORS = (408, 429)


def retry_after_seconds(value: str | None, *, now: datetime, cap: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    seconds: float
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = (parsedate_to_datetime(value) - now).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), cap)


def signed_headers(secret: str, body: bytes, *, now: datetime, event: str | None, delivery_id: int) -> dict[str, str]:
    timestamp = int(now.timestamp())
    return {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        TIMESTAMP_HEADER: str(timestamp),
        "X-Warroom-Event": event or "webhook",
        "X-Warroom-Delivery": str(delivery_id),
    }


def send(settings: Settings, prepared: dict[str, Any], *, now: datetime) -> int:
    """POST the delivery; returns the 2xx status, or raises DeliveryRetry / DeliveryRejected."""
    url: str = prepared["target"]
    body = prepared["body"].encode("utf-8")
    headers = signed_headers(
        prepared["secret"], body, now=now, event=prepared.get("event"), delivery_id=prepared["delivery_id"]
    )
    return post_or_raise(
        settings, url, body, headers, now=now, name=url, hint="fix the receiver or the URL, then retry the job"
    )


def post_or_raise(
    settings: Settings, url: str, body: bytes, headers: dict[str, str], *, now: datetime, name: str, hint: str
) -> int:
    """POST and classify the answer: the 2xx status, or DeliveryRetry (no answer, 5xx, 408/429…) / DeliveryRejected.

    `name` is how messages refer to the receiver (a Slack webhook URL is itself a secret, so callers may pass
    only the host); `hint` says what to do about a refusal.
    """
    try:
        response = http.post(url, content=body, headers=headers, timeout=settings.webhook_timeout_seconds)
    except http.HttpError as exc:
        raise DeliveryRetry(f"no response from {name}: {exc}") from None
    code = response.status_code
    if 200 <= code < 300:
        return code
    said = f"{name} answered {code}"
    snippet = " ".join(response.text.split())[:200]
    if snippet:
        said += f": {snippet}"
    if code in RETRYABLE_CLIENT_ERRORS:
        delay = retry_after_seconds(response.headers.get("retry-after"), now=now, cap=settings.job_backoff_cap_seconds)
        raise DeliveryRetry(said, response_code=code, delay_seconds=delay)
    if code >= 500:
        raise DeliveryRetry(said, response_code=code)
    # 3xx (we do not follow redirects) and other 4xx: the same request will be refused again.
    raise DeliveryRejected(f"{said} (not retried; {hint})", response_code=code)
