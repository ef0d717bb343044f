"""Teams, services (tier, dependencies), business functions."""
