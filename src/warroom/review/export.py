"""Markdown and standalone HTML exports. Hidden timeline entries and the human debrief are left out."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from warroom.review.metrics import METRICS
from warroom.review.sections import PRIVATE, SECTIONS

INSTANT_LABELS = {
    "impact_started": "Impact started",
    "detected": "Detected",
    "declared": "Declared",
    "acknowledged": "Acknowledged",
    "mitigated": "Mitigated",
    "resolved": "Resolved",
    "first_public_update": "First public update",
}


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def duration(seconds: int | None) -> str:
    """Seconds as "1 h 20 min", "4 min" or "45 s"; "—" when unknown."""
    if seconds is None:
        return "—"
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{sign}{seconds} s"
    minutes = seconds // 60
    return f"{sign}{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{sign}{minutes} min"


def metric_label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def to_markdown(doc: dict[str, Any]) -> str:
    """The post-mortem as Markdown."""
    incident = doc["incident"]
    lines = [
        f"# Post-mortem: {incident['title']}",
        "",
        f"Incident {incident['id']} · {incident['severity']} · post-mortem {doc['status'].replace('_', ' ')}",
        "",
    ]
    for key, heading in SECTIONS.items():
        if key in PRIVATE:
            continue
        lines += [f"## {heading}", "", doc["sections"].get(key, "").strip() or "_Not written yet._", ""]
        if key == "contributing_factors" and doc["factors"]:
            lines += [f"- **{f['category']}**: {f['text']}" for f in doc["factors"]] + [""]
    lines += ["## Key instants", ""]
    lines += [f"- {label}: {_when(doc['key_instants'].get(key))}" for key, label in INSTANT_LABELS.items()]
    lines += ["", "## Metrics", ""]
    lines += [f"- {metric_label(name)}: {duration(doc['metrics'].get(name))}" for name in METRICS]
    lines += ["", "## Timeline", "", "| Time (UTC) | Source | Who | What |", "|---|---|---|---|"]
    for entry in doc["timeline"]:
        if entry["hidden"]:
            continue
        mark = "★ " if entry["starred"] else ""
        later = " _(added later)_" if entry["added_later"] else ""
        what = (mark + entry["summary"] + later).replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {_when(entry['at'])} | {entry['source']} | {entry['actor']} | {what} |")
    lines += ["", "## Action items", ""]
    if not doc["action_items"]:
        lines.append(f"None. {doc['no_actions_reason'] or ''}".strip())
    for item in doc["action_items"]:
        owner = item["owner"] or "no owner"
        due = _when(item["due_at"]) if item["due_at"] else "no due date"
        lines.append(
            f"- [{'x' if item['status'] == 'done' else ' '}] {item['title']} ({item['type']}, {owner}, due {due})"
        )
    return "\n".join(lines).rstrip() + "\n"


def to_html(doc: dict[str, Any]) -> str:
    """The post-mortem as one standalone HTML page (inline style, no scripts)."""
    incident = doc["incident"]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Post-mortem: {escape(incident['title'])}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:860px;margin:2em auto;padding:0 1em;line-height:1.5}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;text-align:left;"
        "vertical-align:top}.muted{color:#555}</style></head><body>",
        f"<h1>Post-mortem: {escape(incident['title'])}</h1>",
        f'<p class="muted">Incident {incident["id"]} · {escape(incident["severity"])} · '
        f"post-mortem {escape(doc['status'].replace('_', ' '))}</p>",
    ]
    for key, heading in SECTIONS.items():
        if key in PRIVATE:
            continue
        text = doc["sections"].get(key, "").strip()
        body = escape(text).replace("\n", "<br>") if text else "<em>Not written yet.</em>"
        parts.append(f"<h2>{escape(heading)}</h2><p>{body}</p>")
        if key == "contributing_factors" and doc["factors"]:
            rows = "".join(
                f"<li><strong>{escape(f['category'])}</strong>: {escape(f['text'])}</li>" for f in doc["factors"]
            )
            parts.append(f"<ul>{rows}</ul>")
    instants = "".join(
        f"<li>{label}: {_when(doc['key_instants'].get(key))}</li>" for key, label in INSTANT_LABELS.items()
    )
    parts.append(f"<h2>Key instants</h2><ul>{instants}</ul>")
    values = "".join(f"<li>{metric_label(n)}: {duration(doc['metrics'].get(n))}</li>" for n in METRICS)
    parts.append(f"<h2>Metrics</h2><ul>{values}</ul>")
    table_rows: list[str] = []
    for entry in doc["timeline"]:
        if entry["hidden"]:
            continue
        mark = "★ " if entry["starred"] else ""
        later = " <em>(added later)</em>" if entry["added_later"] else ""
        table_rows.append(
            f"<tr><td>{_when(entry['at'])}</td><td>{escape(entry['source'])}</td><td>{escape(entry['actor'])}</td>"
            f"<td>{mark}{escape(entry['summary'])}{later}</td></tr>"
        )
    parts.append(
        "<h2>Timeline</h2><table><thead><tr><th>Time (UTC)</th><th>Source</th><th>Who</th><th>What</th></tr>"
        f"</thead><tbody>{''.join(table_rows)}</tbody></table>"
    )
    items = "".join(
        f"<li>{'☑' if i['status'] == 'done' else '☐'} {escape(i['title'])} ({escape(i['type'])}, "
        f"{escape(i['owner'] or 'no owner')}, due {_when(i['due_at']) if i['due_at'] else 'no due date'})</li>"
        for i in doc["action_items"]
    )
    none = f"<p>None. {escape(doc['no_actions_reason'] or '')}</p>"
    parts.append(f"<h2>Action items</h2>{f'<ul>{items}</ul>' if items else none}")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
