"""HTML form ⇄ service arguments for the policy editor and the service paging settings page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from warroom.errors import Invalid
from warroom.paging.models import EscalationPolicy, ServicePaging
from warroom.paging.policies import MAX_RULES

SPARE_RULE_ROWS = 2
NOT_A_NUMBER = -1_000_001  # out of every range, so the service's message (what is allowed) is shown


def _number(text: str) -> int:
    text = text.strip()
    digits = text[1:] if text.startswith("-") else text
    return int(text) if digits.isdigit() and len(digits) <= 7 else NOT_A_NUMBER


@dataclass
class ParsedPolicy:
    name: str
    description: str
    repeat_text: str
    rows: list[dict[str, Any]] = field(default_factory=list)  # {"delay": text, "targets": ["user:1", ...]}

    def fields(self) -> dict[str, Any]:
        """Keyword arguments for create_policy/update_policy."""
        rules = []
        for row in self.rows:
            targets = []
            for value in row["targets"]:
                kind, _sep, ref = value.partition(":")
                targets.append({"type": kind, "id": _number(ref)})
            rules.append({"delay_minutes": _number(row["delay"]), "targets": targets})
        return {
            "name": self.name,
            "description": self.description,
            "repeat_count": _number(self.repeat_text),
            "rules": rules,
        }

    def echo(self) -> dict[str, Any]:
        """The form as submitted, with spare rows, to show again next to the errors."""
        rows = [*self.rows, *({"delay": "5", "targets": []} for _ in range(SPARE_RULE_ROWS))]
        return {"name": self.name, "description": self.description, "repeat_count": self.repeat_text, "rules": rows}


def parse_policy_form(form: FormData) -> ParsedPolicy:
    """Rule rows are delay_N + targets_N; rows without targets are left out (the spare rows)."""
    parsed = ParsedPolicy(
        name=str(form.get("name") or ""),
        description=str(form.get("description") or ""),
        repeat_text=str(form.get("repeat_count") or "0"),
    )
    for index in range(MAX_RULES + SPARE_RULE_ROWS):
        targets = [str(v) for v in form.getlist(f"targets_{index}")]
        if targets:
            parsed.rows.append({"delay": str(form.get(f"delay_{index}") or ""), "targets": targets})
    return parsed


def blank_policy_form() -> dict[str, Any]:
    rows = [{"delay": "5", "targets": []} for _ in range(1 + SPARE_RULE_ROWS)]
    return {"name": "", "description": "", "repeat_count": "0", "rules": rows}


def policy_form(policy: EscalationPolicy) -> dict[str, Any]:
    rows = [
        {"delay": str(rule["delay_minutes"]), "targets": [f"{t['type']}:{t['id']}" for t in rule["targets"]]}
        for rule in policy.rules
    ]
    rows += [{"delay": "5", "targets": []} for _ in range(SPARE_RULE_ROWS)]
    return {
        "name": policy.name,
        "description": policy.description,
        "repeat_count": str(policy.repeat_count),
        "rules": rows,
    }


def settings_form(current: ServicePaging | None) -> dict[str, Any]:
    """The settings page shows one support window (the API takes several)."""
    form: dict[str, Any] = {
        "policy_id": "",
        "ack_timeout_minutes": "",
        "timezone": "",
        "start": "09:00",
        "end": "17:00",
        "days": [],
        "low_urgency": "wait_for_support_hours",
        "more_windows": 0,
    }
    if current is None:
        return form
    form["policy_id"] = str(current.policy_id)
    form["ack_timeout_minutes"] = "" if current.ack_timeout_minutes is None else str(current.ack_timeout_minutes)
    form["low_urgency"] = current.low_urgency
    hours = current.support_hours or {}
    if hours:
        first = hours["windows"][0]
        form.update(timezone=hours["timezone"], start=first["start"], end=first["end"])
        form["days"] = [str(d) for d in first["days"]]
        form["more_windows"] = len(hours["windows"]) - 1
    return form


def settings_echo(form: FormData) -> dict[str, Any]:
    """The settings form as submitted, to show again next to the errors."""
    keys = ("policy_id", "ack_timeout_minutes", "timezone", "start", "end", "low_urgency")
    echo: dict[str, Any] = {key: str(form.get(key) or "").strip() for key in keys}
    echo["days"] = [str(d) for d in form.getlist("days")]
    echo["more_windows"] = 0
    return echo


def settings_arguments(echo: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for set_service_paging (Invalid when support hours lack a zone)."""
    timeout = echo["ack_timeout_minutes"]
    arguments = {
        "policy_id": _number(echo["policy_id"]) if echo["policy_id"] else 0,
        "ack_timeout_minutes": _number(timeout) if timeout else None,
        "support_hours": _hours(echo),
        "low_urgency": echo["low_urgency"],
    }
    return arguments


def _hours(echo: dict[str, Any]) -> dict[str, Any] | None:
    """No zone and no days means no support hours (always within them)."""
    if not echo["timezone"] and not echo["days"]:
        return None
    if not echo["timezone"]:
        raise Invalid("pick the support hours' time zone, e.g. Europe/Berlin", {"field": "support_hours.timezone"})
    days = [_number(d) for d in echo["days"]]
    return {"timezone": echo["timezone"], "windows": [{"days": days, "start": echo["start"], "end": echo["end"]}]}
