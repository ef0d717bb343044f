"""Comms routes that are public or use another credential (see tests/allowlists/__init__.py)."""

from __future__ import annotations

# (method, path) exactly as registered: visitors of the status page subscribe without an account.
PUBLIC_ROUTES: set[tuple[str, str]] = {
    ("GET", "/status/subscribe"),
    ("POST", "/status/subscribe"),  # double-submit CSRF cookie and a per-IP rate limit
}
# (method, path) -> which credential the route checks instead of a user session or bearer token.
OTHER_CREDENTIAL_ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/status/subscribe/confirm/{token}"): "HMAC-signed confirm link from the double opt-in mail",
    ("GET", "/status/unsubscribe/{token}"): "HMAC-signed unsubscribe link (shows a confirmation page only)",
    ("POST", "/status/unsubscribe/{token}"): "HMAC-signed unsubscribe link (RFC 8058 one-click, no cookie/CSRF)",
}
# Non-GET /api/v1 routes a viewer may call: stakeholder subscriptions are a personal notification setting.
VIEWER_WRITABLE_ROUTES: set[tuple[str, str]] = {
    ("POST", "/api/v1/stakeholder-subscriptions"),
    ("DELETE", "/api/v1/stakeholder-subscriptions/{subscription_id}"),
}
