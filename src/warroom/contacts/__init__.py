"""Contact methods, notification rules and page delivery: email, webhook, Slack-format, SMS/voice."""
