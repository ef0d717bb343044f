"""User and customer reports, evidence, confirmation, related and merged incidents."""
