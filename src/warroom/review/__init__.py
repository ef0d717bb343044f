"""Post-incident review: post-mortems from the timeline, the blameless linter, action items, metrics."""
