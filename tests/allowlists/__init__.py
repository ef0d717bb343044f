"""Per-domain route allow-lists for tests/test_routes_require_auth.py, merged here.

Each capability lists its own public routes, routes with another credential (integration keys, signed
links), and viewer-writable API routes in `tests/allowlists/<domain>.py`, so a reviewer sees them in one place
per domain and the lists stay explicit.
"""

from __future__ import annotations

import importlib

DOMAINS = (
    "maintenance",
    "intake",
    "silences",
    "reports",
    "schedules",
    "paging",
    "contacts",
    "status",
    "comms",
    "review",
)

PUBLIC_ROUTES: set[tuple[str, str]] = set()
OTHER_CREDENTIAL_ROUTES: dict[tuple[str, str], str] = {}
VIEWER_WRITABLE_ROUTES: set[tuple[str, str]] = set()

for _domain in DOMAINS:
    _module = importlib.import_module(f"allowlists.{_domain}")
    PUBLIC_ROUTES |= set(getattr(_module, "PUBLIC_ROUTES", ()))
    OTHER_CREDENTIAL_ROUTES |= dict(getattr(_module, "OTHER_CREDENTIAL_ROUTES", {}))
    VIEWER_WRITABLE_ROUTES |= set(getattr(_module, "VIEWER_WRITABLE_ROUTES", ()))
