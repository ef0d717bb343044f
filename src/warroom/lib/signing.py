"""HMAC signatures for outbound webhooks, in the style receivers already verify (Stripe/GitHub-like)."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Warroom-Signature"
TIMESTAMP_HEADER = "X-Warroom-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>` over `<timestamp>.<body>`, so a replayed body with a new timestamp fails."""
    message = str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
