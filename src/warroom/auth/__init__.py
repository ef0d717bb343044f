"""Users, roles, UI sessions, API tokens and CSRF."""
