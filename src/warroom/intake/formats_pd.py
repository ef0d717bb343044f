"""Light parsers for PagerDuty Events v2 and v1, PagerDuty change events and the generic JSON format."""

from __future__ import annotations

import secrets
from typing import Any

from warroom.intake.formats import (
    MAX_KEY,
    MAX_TEXT,
    MAX_TITLE,
    SEVERITIES,
    BadPayload,
    Change,
    Incoming,
    PagerDutyEvent,
    any_map,
    clip,
    parse_time,
    short_key,
    string_map,
)

ACTIONS = ("trigger", "acknowledge", "resolve")


def _links(value: Any, name: str, errors: list[str]) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(f"{name} must be an array")
        return []
    out: list[dict[str, Any]] = []
    for index, item in enumerate(value[:20]):
        if not isinstance(item, dict) or not isinstance(item.get("href"), str):
            errors.append(f"{name}[{index}].href must be a string")
            continue
        link: dict[str, Any] = {"href": clip(item["href"], 2000), "text": clip(item.get("text") or "", 300)}
        out.append(link)
    return out


def _images(value: Any, errors: list[str]) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append("images must be an array")
        return []
    out: list[dict[str, Any]] = []
    for index, item in enumerate(value[:20]):
        if not isinstance(item, dict) or not isinstance(item.get("src"), str):
            errors.append(f"images[{index}].src must be a string")
            continue
        out.append({"href": clip(item.get("href") or item["src"], 2000), "text": clip(item.get("alt") or "", 300)})
    return out


def _dedup(value: Any, errors: list[str], *, name: str = "dedup_key") -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        errors.append(f"{name} must be a string")
        return None
    text = str(value).replace("\x00", "")
    if len(text) > MAX_KEY:
        errors.append(f"{name} must be at most {MAX_KEY} characters")
        return None
    return text


def routing_key_of(data: Any, header: str | None, name: str = "routing_key") -> str:
    key = data.get(name) if isinstance(data, dict) else None
    if isinstance(key, str) and key:
        return key
    return header or ""


def parse_events_v2(data: Any, header_key: str | None) -> PagerDutyEvent:
    """One Events API v2 event. A trigger without dedup_key gets a generated one."""
    if not isinstance(data, dict):
        raise BadPayload(["Event object must be a JSON object"])
    errors: list[str] = []
    key = routing_key_of(data, header_key)
    if not key:
        errors.append("'routing_key' is missing or blank")
    action = data.get("event_action")
    if action not in ACTIONS:
        errors.append("'event_action' must be one of trigger, acknowledge, resolve")
    dedup = _dedup(data.get("dedup_key"), errors)
    alert: Incoming | None = None
    if action == "trigger":
        alert = _v2_trigger(data, errors)
    elif action in ("acknowledge", "resolve") and dedup is None:
        errors.append("'dedup_key' is required for acknowledge and resolve events")
    if errors:
        raise BadPayload(errors)
    dedup = dedup or secrets.token_hex(16)
    if alert is not None:
        alert.fingerprint = short_key(dedup)
        alert.group_key = "pd:" + short_key(dedup, 240)
    return PagerDutyEvent(routing_key=key, action=str(action), dedup_key=dedup, alert=alert)


def _v2_trigger(data: dict[str, Any], errors: list[str]) -> Incoming | None:
    payload = data.get("payload")
    if not isinstance(payload, dict):
        errors.append("'payload' is missing or not an object")
        return None
    summary = payload.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        errors.append("'payload.summary' is missing or blank")
    elif len(summary) > MAX_TITLE:
        errors.append(f"'payload.summary' must be at most {MAX_TITLE} characters")
    source = payload.get("source")
    if not isinstance(source, str) or not source.strip():
        errors.append("'payload.source' is missing or blank")
    severity = payload.get("severity")
    if severity not in SEVERITIES:
        errors.append("'payload.severity' must be one of critical, error, warning, info")
    timestamp = parse_time(payload.get("timestamp"), "'payload.timestamp'", errors)
    details = any_map(payload.get("custom_details"), "'payload.custom_details'", errors)
    labels: dict[str, str] = {}
    for name in ("component", "group", "class"):
        value = payload.get(name)
        if value is not None:
            if not isinstance(value, str):
                errors.append(f"'payload.{name}' must be a string")
            else:
                labels[name] = clip(value, 2000)
    links = _links(data.get("links"), "links", errors) + _images(data.get("images"), errors)
    client_url = data.get("client_url")
    if isinstance(client_url, str) and client_url:
        links.append({"href": clip(client_url, 2000), "text": clip(data.get("client") or "Client", 300)})
    if not isinstance(summary, str) or not isinstance(source, str) or severity not in SEVERITIES:
        return None
    labels["source"] = clip(source, 2000)
    labels["severity"] = str(severity)
    return Incoming(
        fingerprint="",
        status="firing",
        severity=str(severity),
        title=clip(summary.strip(), MAX_TITLE),
        labels=labels,
        annotations=details,
        source=clip(source, 255),
        links=links,
        starts_at=timestamp,
    )


def parse_events_v1(data: Any) -> PagerDutyEvent:
    """One Events API v1 event (what Alertmanager's pagerduty_configs sends with a v1 url)."""
    if not isinstance(data, dict):
        raise BadPayload(["Event object must be a JSON object"])
    errors: list[str] = []
    key = data.get("service_key")
    if not isinstance(key, str) or not key:
        errors.append("'service_key' is missing or blank")
    action = data.get("event_type")
    if action not in ACTIONS:
        errors.append("'event_type' must be one of trigger, acknowledge, resolve")
    dedup = _dedup(data.get("incident_key"), errors, name="incident_key")
    description = data.get("description")
    alert: Incoming | None = None
    if action == "trigger":
        if not isinstance(description, str) or not description.strip():
            errors.append("'description' is missing or blank")
        details = any_map(data.get("details"), "details", errors)
        links = []
        client_url = data.get("client_url")
        if isinstance(client_url, str) and client_url:
            links.append({"href": clip(client_url, 2000), "text": clip(data.get("client") or "Client", 300)})
        if isinstance(description, str):
            severity = str(details.get("severity", "critical")).lower()
            alert = Incoming(
                fingerprint="",
                status="firing",
                severity=severity if severity in SEVERITIES else "critical",
                title=clip(description.strip(), MAX_TITLE),
                annotations=details,
                source=clip(data.get("client") or "", 255),
                links=links,
            )
    elif action in ("acknowledge", "resolve") and dedup is None:
        errors.append("'incident_key' is required for acknowledge and resolve events")
    if errors:
        raise BadPayload(errors)
    assert isinstance(key, str)
    dedup = dedup or secrets.token_hex(16)
    if alert is not None:
        alert.fingerprint = short_key(dedup)
        alert.group_key = "pd:" + short_key(dedup, 240)
    return PagerDutyEvent(routing_key=key, action=str(action), dedup_key=dedup, alert=alert)


def parse_change(data: Any, header_key: str | None) -> Change:
    """A change event: {routing_key, payload: {summary, source?, timestamp?, custom_details?}, links?}."""
    if not isinstance(data, dict):
        raise BadPayload(["Event object must be a JSON object"])
    errors: list[str] = []
    key = routing_key_of(data, header_key)
    if not key:
        errors.append("'routing_key' is missing or blank")
    payload = data.get("payload")
    if not isinstance(payload, dict):
        raise BadPayload([*errors, "'payload' is missing or not an object"])
    summary = payload.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        errors.append("'payload.summary' is missing or blank")
    elif len(summary) > MAX_TITLE:
        errors.append(f"'payload.summary' must be at most {MAX_TITLE} characters")
    timestamp = parse_time(payload.get("timestamp"), "'payload.timestamp'", errors)
    details = any_map(payload.get("custom_details"), "'payload.custom_details'", errors)
    links = _links(data.get("links"), "links", errors)
    if errors:
        raise BadPayload(errors)
    assert isinstance(summary, str)
    return Change(
        routing_key=key,
        summary=clip(summary.strip(), MAX_TITLE),
        source=clip(payload.get("source") or "", 255),
        timestamp=timestamp,
        links=links,
        custom_details=details,
    )


def parse_generic(data: Any) -> Incoming:
    """{title, message?, severity?, dedup_key?, state: firing|resolved, labels?, source?, link?, timestamp?}."""
    if not isinstance(data, dict):
        raise BadPayload(["the body must be a JSON object"])
    errors: list[str] = []
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.append("title is required and must be a non-blank string")
    state = data.get("state", "firing")
    if state not in ("firing", "resolved"):
        errors.append("state must be 'firing' or 'resolved'")
    severity = data.get("severity", "warning")
    if severity not in SEVERITIES:
        errors.append("severity must be one of critical, error, warning, info")
    message = data.get("message")
    if message is not None and not isinstance(message, str):
        errors.append("message must be a string")
    labels = string_map(data.get("labels"), "labels", errors)
    dedup = _dedup(data.get("dedup_key"), errors)
    timestamp = parse_time(data.get("timestamp"), "timestamp", errors)
    link = data.get("link")
    if link is not None and not isinstance(link, str):
        errors.append("link must be a string")
    if errors:
        raise BadPayload(errors)
    assert isinstance(title, str)
    fingerprint = short_key(dedup or "title:" + title.strip())
    return Incoming(
        fingerprint=fingerprint,
        status=str(state),
        severity=str(severity),
        title=clip(title.strip(), MAX_TITLE),
        description=clip(message or "", MAX_TEXT),
        labels=labels,
        source=clip(data.get("source") or "", 255),
        links=[{"href": clip(link, 2000), "text": "Link"}] if link else [],
        starts_at=timestamp,
        group_key="generic:" + short_key(dedup or "title:" + title.strip(), 240),
    )
