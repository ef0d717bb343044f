"""The public status page: components, public updates, templates, uptime, Statuspage-compatible JSON, feeds, export."""
