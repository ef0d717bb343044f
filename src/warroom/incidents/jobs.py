"""Background work of the incidents domain, and the topics it publishes for higher domains.

Incidents react to nothing yet; paging, comms and review subscribe to these topics in their own jobs.py
(`warroom.jobs.registry.subscribe(topic, job_name)`). Every job payload also carries its `topic`.
"""

from __future__ import annotations

TOPICS: dict[str, str] = {
    "incident.event": "every timeline event: {incident_id, event_id, kind}",
    "incident.declared": "a new incident: {incident_id, event_id, title, severity, private, exercise, services}",
    "incident.status_changed": "{incident_id, event_id, from, to, reopened}",
    "incident.reopened": "monitoring/resolved → investigating: {incident_id, event_id, from, to}",
    "incident.resolved": "{incident_id, event_id, from, to, resolved_at}",
    "incident.acknowledged": "first acknowledgement only: {incident_id, event_id, user_id}",
    "incident.severity_changed": "{incident_id, event_id, from, to}",
}
