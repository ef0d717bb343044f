"""Communications: stakeholder subscriptions, bridges, public subscribers, update cadence."""
