"""The post-mortem's sections, drawn from the Google SRE, Atlassian and PagerDuty templates."""

from __future__ import annotations

# key → heading, in document order. Contributing factors also have a structured list (category + text).
SECTIONS: dict[str, str] = {
    "summary": "Summary",
    "impact": "Impact",
    "detection": "Detection",
    "response": "Response",
    "root_cause": "Trigger and root cause",
    "contributing_factors": "Contributing factors",
    "mitigation": "Mitigation and resolution",
    "went_well": "What went well",
    "went_wrong": "What went wrong",
    "got_lucky": "Where we got lucky",
    "debrief": "Human debrief",
}
# Publishing needs text in each of these.
REQUIRED = ("summary", "impact", "detection", "response", "root_cause", "mitigation")
# The human debrief is about people (load, rest): it is never part of an export or the public version.
PRIVATE = ("debrief",)
# What may be marked public: any section but the debrief, plus the action-item list ("what we are doing").
PUBLIC_CHOICES = (*(key for key in SECTIONS if key not in PRIVATE), "action_items")
# The public version's "what happened" is drawn from these sections, when marked public.
WHAT_HAPPENED = ("impact", "detection", "response", "root_cause", "contributing_factors", "mitigation")
# Lint also runs on action-item titles, as section "action_items".
LINT_SECTIONS = (*SECTIONS, "action_items")
MAX_SECTION = 20_000
