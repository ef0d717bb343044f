"""Outbound messages: email over SMTP and signed JSON webhooks, each send a job with a delivery log."""
