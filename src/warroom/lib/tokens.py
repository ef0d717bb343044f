"""Random secrets and their stored form. Tokens are high-entropy, so a fast SHA-256 is the right hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(prefix: str = "wr_") -> str:
    """A URL-safe random token with 256 bits of entropy."""
    return prefix + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
