"""The durable job queue: enqueue, claim, retry with backoff, dead-letter, idempotency keys."""
