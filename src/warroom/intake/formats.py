"""Light parsers: each wire format's JSON into normalised `Incoming` alerts. Unknown fields are ignored.

Parsers raise `BadPayload` with one message per wrong field; the receiver turns that into the format's own
error shape. They never touch the database, so the write transaction stays short.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

_quote = json.encoder.encode_basestring_ascii  # what json.dumps (ensure_ascii) writes for a str
SEVERITIES = ("critical", "error", "warning", "info")
MAX_TITLE = 1024
MAX_TEXT = 20_000
MAX_LABELS = 100
MAX_KEY = 255
ZERO_TIME = "0001-01-01T00:00:00Z"


class BadPayload(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class Incoming:
    fingerprint: str
    status: str  # firing | resolved
    severity: str
    title: str
    description: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    links: list[dict[str, Any]] = field(default_factory=list)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    group_key: str | None = None
    # True when ends_at came from the sender (push API); False when it is our resolve_timeout guess.
    explicit_end: bool = False
    # True for the push API: a firing alert that is not re-sent expires (resolve_timeout).
    expires: bool = False


@dataclass
class PagerDutyEvent:
    routing_key: str
    action: str  # trigger | acknowledge | resolve
    dedup_key: str
    alert: Incoming | None  # only for trigger


@dataclass
class Change:
    routing_key: str
    summary: str
    source: str
    timestamp: datetime | None
    links: list[dict[str, Any]]
    custom_details: dict[str, Any]


def load_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadPayload(["the body is not valid JSON"]) from None


def load_alerts_json(body: bytes) -> Any:
    """`load_json` for the Prometheus formats, four times faster (orjson).

    Their values are strings by specification, so orjson's one lossy reading (an integer beyond 64 bits
    becomes a float) can only touch a value the parser turns into text anyway. What orjson refuses and the
    standard parser accepts (lone surrogates, NaN) goes to the standard parser, so the same bodies pass.
    PagerDuty and generic bodies carry free-form details and keep the standard parser's exact numbers.
    """
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return load_json(body)


def clip(value: Any, limit: int) -> str:
    text = value if isinstance(value, str) else ("" if value is None else json.dumps(value, default=str))
    return text.replace("\x00", "")[:limit]


_recent_times: dict[str, datetime | None] = {}  # senders re-send the same startsAt with every delivery
RECENT_TIMES = 4096
_UNSEEN = object()


def parse_time(value: Any, name: str, errors: list[str]) -> datetime | None:
    if value in (None, "", ZERO_TIME):
        return None
    if type(value) is str:
        seen = _recent_times.get(value, _UNSEEN)
        if seen is not _UNSEEN:
            return seen  # type: ignore[return-value]
    if not isinstance(value, str) or len(value) > 64:
        errors.append(f"{name} must be an RFC 3339 timestamp")
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        errors.append(f"{name} must be an RFC 3339 timestamp, got {value[:40]!r}")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    found = None if parsed.year < 1970 or parsed.year > 9000 else parsed.astimezone(UTC)
    if len(_recent_times) >= RECENT_TIMES:
        _recent_times.clear()  # bounded: distinct timestamps cannot grow it
    _recent_times[value] = found
    return found


def string_map(value: Any, name: str, errors: list[str], *, required: bool = False) -> dict[str, str]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        errors.append(f"{name} must be an object of strings")
        return {}
    if _clean(value):
        return value  # the common case, checked by C-level calls: nothing to clip or convert
    out: dict[str, str] = {}
    for key, item in list(value.items())[:MAX_LABELS]:
        out[clip(key, 200)] = clip(item, 2000)
    return out


def _clean(value: dict[Any, Any]) -> bool:
    """True when every key and value is a string without NUL, within the limits `clip` applies."""
    if not value:
        return True
    if len(value) > MAX_LABELS:
        return False
    values = value.values()
    try:
        keys, texts = "".join(value), "".join(values)  # TypeError unless every one is a str
    except TypeError:
        return False
    # Within the limits when all of them together are (the usual case); else look at each.
    return (
        "\x00" not in keys
        and "\x00" not in texts
        and (len(keys) <= 200 or max(map(len, value)) <= 200)
        and (len(texts) <= 2000 or max(map(len, values)) <= 2000)
    )


def any_map(value: Any, name: str, errors: list[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(f"{name} must be an object")
        return {}
    # Bounded: stored as JSON, so strip NUL bytes (PostgreSQL refuses them) by a round trip.
    return dict(json.loads(json.dumps(value, default=str).replace("\\u0000", "")))


def label_fingerprint(labels: dict[str, str]) -> str:
    """A stable fingerprint of a label set (the push API's identity of an alert).

    The SHA-256 of `json.dumps(sorted(labels.items()), separators=(",", ":"))` (the first 32 hex digits).
    For an ASCII label set orjson writes those same bytes (json escapes DEL, orjson does not) at a fraction
    of the cost; anything else (non-ASCII, which json escapes and orjson does not, lone surrogates) goes
    through json's own escaper. tests/test_intake_formats.py checks both against the definition.
    """
    items = sorted(labels.items())
    try:
        canonical = orjson.dumps(items)
        if canonical.isascii() and b"\x7f" not in canonical:
            return hashlib.sha256(canonical).hexdigest()[:32]
    except orjson.JSONEncodeError:
        pass  # lone surrogates: the escaper below writes them as json does
    text = "[" + ",".join(f"[{_quote(k)},{_quote(v)}]" for k, v in items) + "]"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def short_key(value: str, limit: int = MAX_KEY) -> str:
    """Keys longer than a column holds are hashed; short ones stay readable."""
    value = value.replace("\x00", "")
    return value if len(value) <= limit else "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


_SEVERITY_ALIASES = {"page": "critical", "high": "critical", "crit": "critical", "err": "error", "warn": "warning"}


def _severity_from_labels(labels: dict[str, str]) -> str:
    raw = (labels.get("severity") or labels.get("priority") or "").lower()
    raw = _SEVERITY_ALIASES.get(raw, raw)
    return raw if raw in SEVERITIES else "warning"


def _named(errors: list[str], index: int, problems: list[str]) -> None:
    """Report a field's problems under its alert's name (built only when something is wrong)."""
    if problems:
        errors.extend(f"alerts[{index}].{problem}" for problem in problems)


def _labels(item: dict[str, Any], key: str, index: int, errors: list[str], *, required: bool = False) -> dict[str, str]:
    value = item.get(key)
    if type(value) is dict and _clean(value):
        return value  # the common case: nothing to clip, convert or report
    problems: list[str] = []
    found = string_map(value, key, problems, required=required)
    _named(errors, index, problems)
    return found


def _time(item: dict[str, Any], key: str, index: int, errors: list[str]) -> datetime | None:
    value = item.get(key)
    if value in (None, "", ZERO_TIME):
        return None
    problems: list[str] = []
    parsed = parse_time(value, key, problems)
    _named(errors, index, problems)
    return parsed


def _prometheus_alert(item: Any, index: int, errors: list[str]) -> Incoming | None:
    if not isinstance(item, dict):
        errors.append(f"alerts[{index}] must be an object")
        return None
    labels = _labels(item, "labels", index, errors, required=True)
    if "labels" in item and isinstance(item.get("labels"), dict) and not labels.get("alertname"):
        errors.append(f"alerts[{index}].labels.alertname is required")
    annotations = _labels(item, "annotations", index, errors)
    starts = _time(item, "startsAt", index, errors)
    ends = _time(item, "endsAt", index, errors)
    generator = item.get("generatorURL")
    links = [{"href": clip(generator, 2000), "text": "Source"}] if isinstance(generator, str) and generator else []
    # Label and annotation values are clean strings already (no NUL, at most 2,000 characters): only cut them.
    title = annotations.get("summary") or labels.get("alertname") or "alert"
    return Incoming(
        fingerprint="",
        status="firing",
        severity=_severity_from_labels(labels),
        title=title[:MAX_TITLE],
        description=annotations.get("description", ""),
        labels=labels,
        annotations=annotations,
        source=(labels.get("instance") or labels.get("job") or "")[:255],
        links=links,
        starts_at=starts,
        ends_at=ends,
        explicit_end=ends is not None,
        expires=True,
    )


def parse_prometheus(data: Any) -> list[Incoming]:
    """The Alertmanager v2 push API body: a JSON array of alerts; fingerprint = label set."""
    if not isinstance(data, list):
        raise BadPayload(["the body must be a JSON array of alerts"])
    errors: list[str] = []
    alerts = [_prometheus_alert(item, i, errors) for i, item in enumerate(data)]
    if errors:
        raise BadPayload(errors[:20])
    out = [a for a in alerts if a is not None]
    for alert in out:
        alert.fingerprint = label_fingerprint(alert.labels)
        alert.group_key = "alertname:" + alert.labels.get("alertname", "")
    return out


def parse_alertmanager(data: Any) -> list[Incoming]:
    """An Alertmanager webhook (version 4): group on groupKey, one alert per fingerprint."""
    if not isinstance(data, dict):
        raise BadPayload(["the body must be a JSON object (an Alertmanager webhook)"])
    errors: list[str] = []
    raw_alerts = data.get("alerts")
    if not isinstance(raw_alerts, list):
        raise BadPayload(["alerts must be an array"])
    group_key = data.get("groupKey")
    if group_key is not None and not isinstance(group_key, str):
        errors.append("groupKey must be a string")
        group_key = None
    common = string_map(data.get("commonLabels"), "commonLabels", errors)
    out: list[Incoming] = []
    for index, item in enumerate(raw_alerts):
        alert = _prometheus_alert(item, index, errors)
        if alert is None:
            continue
        assert isinstance(item, dict)
        status = item.get("status", data.get("status", "firing"))
        if status not in ("firing", "resolved"):
            errors.append(f"alerts[{index}].status must be firing or resolved")
        alert.status = "resolved" if status == "resolved" else "firing"
        fingerprint = item.get("fingerprint")
        if fingerprint is not None and not isinstance(fingerprint, str):
            errors.append(f"alerts[{index}].fingerprint must be a string")
        alert.fingerprint = short_key(fingerprint) if isinstance(fingerprint, str) and fingerprint else ""
        alert.fingerprint = alert.fingerprint or label_fingerprint(alert.labels)
        alert.explicit_end = False  # webhook alerts resolve by status, not by endsAt
        alert.expires = False
        if alert.status == "firing":
            alert.ends_at = None
        alert.group_key = "am:" + short_key(group_key or json.dumps(sorted(common.items())), 240)
        out.append(alert)
    if errors:
        raise BadPayload(errors[:20])
    return out
