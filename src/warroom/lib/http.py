"""Outbound HTTP: the only place Warroom makes HTTP requests (webhooks now; monitors later).

Callers pass the timeout from settings. Redirects are not followed: a webhook receiver that moved
should be updated, not chased. Response bodies are read up to a small limit.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import httpx

from warroom import __version__

USER_AGENT = f"Warroom/{__version__}"
MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class HttpResponse:
    status_code: int
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-cased names
    text: str = ""


class HttpError(Exception):
    """No response arrived: DNS, connection, TLS or timeout trouble. Usually worth retrying."""


@cache
def _tls_context() -> ssl.SSLContext:
    """One verifying context per process: building one loads the CA bundle (~0.2 s of CPU each time)."""
    return ssl.create_default_context()


def post(url: str, *, content: bytes, headers: Mapping[str, str], timeout: float) -> HttpResponse:
    """POST `content` to `url` and return the status, headers and the start of the body."""
    try:
        with (
            httpx.Client(
                timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}, verify=_tls_context()
            ) as client,
            client.stream("POST", url, content=content, headers=dict(headers)) as response,
        ):
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) >= MAX_RESPONSE_BYTES:
                    break
            return HttpResponse(
                status_code=response.status_code,
                headers={name.lower(): value for name, value in response.headers.items()},
                text=body[:MAX_RESPONSE_BYTES].decode(response.encoding or "utf-8", "replace"),
            )
    except httpx.HTTPError as exc:
        raise HttpError(f"{type(exc).__name__}: {exc or 'no detail'}") from None
