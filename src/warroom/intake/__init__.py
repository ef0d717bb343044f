"""Alert intake: integrations, drop-in receivers, alerts and groups, routing alerts to incidents."""
