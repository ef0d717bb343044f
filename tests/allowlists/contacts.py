"""Contacts routes that are public or use another credential (see tests/allowlists/__init__.py)."""

from __future__ import annotations

# (method, path) exactly as registered.
PUBLIC_ROUTES: set[tuple[str, str]] = set()
# (method, path) -> which credential the route checks instead of a user session or bearer token.
OTHER_CREDENTIAL_ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/ack/{token}"): "signed, time-limited acknowledge token (HMAC with the secret key); shows, never acts",
    ("POST", "/ack/{token}"): "signed, time-limited acknowledge token (HMAC with the secret key); idempotent",
}
# Non-GET /api/v1 routes a viewer may call.
VIEWER_WRITABLE_ROUTES: set[tuple[str, str]] = set()
