"""Signed links for public subscribers (confirm, unsubscribe) and the public base URL they point at."""

from __future__ import annotations

import hashlib
import hmac

from warroom.settings import Settings

PURPOSES = ("confirm", "unsubscribe")


def _mac(settings: Settings, purpose: str, subscriber_id: int, nonce: str) -> str:
    message = f"comms:{purpose}:{subscriber_id}:{nonce}".encode()
    return hmac.new(settings.secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()[:40]


def make_token(settings: Settings, purpose: str, subscriber_id: int, nonce: str) -> str:
    """`<id>-<mac>`: the id says which subscriber, the MAC proves Warroom issued it for this purpose."""
    return f"{subscriber_id}-{_mac(settings, purpose, subscriber_id, nonce)}"


def parse_token(token: str) -> tuple[int, str] | None:
    """The subscriber id and MAC in a token, or None when it is malformed."""
    head, _, mac = token.partition("-")
    if not head.isdigit() or len(head) > 10 or len(mac) != 40:
        return None
    return int(head), mac


def token_matches(settings: Settings, purpose: str, subscriber_id: int, nonce: str, mac: str) -> bool:
    return hmac.compare_digest(_mac(settings, purpose, subscriber_id, nonce), mac)


def base_url(settings: Settings) -> str:
    """Where links in mail point: WARROOM_BASE_URL, or localhost in dev (mail has no request to read a host from)."""
    return settings.base_url or "http://localhost:8000"


def confirm_url(settings: Settings, subscriber_id: int, nonce: str) -> str:
    return f"{base_url(settings)}/status/subscribe/confirm/{make_token(settings, 'confirm', subscriber_id, nonce)}"


def unsubscribe_url(settings: Settings, subscriber_id: int, nonce: str) -> str:
    token = make_token(settings, "unsubscribe", subscriber_id, nonce)
    return f"{base_url(settings)}/status/unsubscribe/{token}"
