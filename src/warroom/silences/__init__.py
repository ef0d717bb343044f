"""Silences (label matchers) and flapping rules that keep alerts from opening incidents."""
