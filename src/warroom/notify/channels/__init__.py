"""One transport file per channel. Each turns a prepared delivery into a send, or raises one of these."""

from __future__ import annotations

from warroom.jobs.registry import PermanentFailure, RetryLater


class DeliveryRetry(RetryLater):
    """A temporary failure: try again after `delay_seconds` (default: the queue's backoff). It counts."""

    def __init__(self, message: str, *, response_code: int | None = None, delay_seconds: float | None = None) -> None:
        super().__init__(message, delay_seconds, counts=True)
        self.response_code = response_code


class DeliveryRejected(PermanentFailure):
    """The receiver refused the message in a way retrying cannot fix (a 4xx, an SMTP 5xx)."""

    def __init__(self, message: str, *, response_code: int | None = None) -> None:
        super().__init__(message)
        self.response_code = response_code


class SmtpNotConfigured(PermanentFailure):
    """SMTP settings disappeared between queueing and sending."""
