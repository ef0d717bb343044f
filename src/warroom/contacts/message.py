"""What a page says, per channel: incident id, title, severity, services, declared time and the two links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from warroom.context import Ctx
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident


@dataclass(frozen=True)
class PageContent:
    incident_id: int
    title: str
    severity: str
    status: str
    services: list[str]
    declared_at: datetime
    reason: str
    ack_url: str
    incident_url: str
    delivery_id: str

    @property
    def subject(self) -> str:
        return f"[{self.severity}] Incident #{self.incident_id}: {self.title}"

    def email_body(self) -> str:
        services = ", ".join(self.services) or "none recorded"
        return (
            f"You are being paged: {self.reason}\n\n"
            f"Incident #{self.incident_id}: {self.title}\n"
            f"Severity: {self.severity}\n"
            f"Status: {self.status}\n"
            f"Services: {services}\n"
            f"Declared: {self.declared_at.strftime('%Y-%m-%d %H:%M UTC')}\n\n"
            f"Acknowledge (no login needed, link valid 24 hours):\n{self.ack_url}\n\n"
            f"Open the incident:\n{self.incident_url}\n\n"
            f"Delivery id: {self.delivery_id}\n"
        )

    def json(self) -> dict[str, Any]:
        return {
            "type": "page",
            "delivery_id": self.delivery_id,
            "reason": self.reason,
            "incident": {
                "id": self.incident_id,
                "title": self.title,
                "severity": self.severity,
                "status": self.status,
                "services": self.services,
                "declared_at": self.declared_at.isoformat(),
                "url": self.incident_url,
            },
            "ack_url": self.ack_url,
        }

    def slack(self) -> dict[str, Any]:
        services = ", ".join(self.services) or "none recorded"
        text = f"{self.subject}. Acknowledge: {self.ack_url}"
        fields = [
            {"type": "mrkdwn", "text": f"*Severity*\n{self.severity}"},
            {"type": "mrkdwn", "text": f"*Status*\n{self.status}"},
            {"type": "mrkdwn", "text": f"*Services*\n{services}"},
            {"type": "mrkdwn", "text": f"*Declared*\n{self.declared_at.strftime('%Y-%m-%d %H:%M UTC')}"},
        ]
        return {
            "text": text,
            "blocks": [
                {"type": "header", "text": {"type": "plain_text", "text": self.subject[:150]}},
                {"type": "section", "text": {"type": "mrkdwn", "text": f"You are being paged: {self.reason}"}},
                {"type": "section", "fields": fields},
                {
                    "type": "actions",
                    "elements": [
                        {"type": "button", "text": {"type": "plain_text", "text": "Acknowledge"}, "url": self.ack_url},
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "Open incident"},
                            "url": self.incident_url,
                        },
                    ],
                },
                {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Delivery id {self.delivery_id}"}]},
            ],
        }

    def sms(self) -> str:
        # Short: one or two SMS segments. The link does the rest.
        return f"Warroom {self.severity} #{self.incident_id}: {self.title[:80]}. Ack: {self.ack_url}"

    def twiml(self) -> str:
        said = (
            f"Warroom page. Severity {self.severity[-1:]} incident number {self.incident_id}: {self.title[:200]}. "
            "Acknowledge with the link sent to you, or in Warroom."
        )
        return f'<Response><Say>{escape(said)}</Say><Pause length="1"/><Say>{escape(said)}</Say></Response>'


def page_content(ctx: Ctx, incident: Incident, *, reason: str, ack_url: str, delivery_id: str) -> PageContent:
    """The facts a page carries, read now (at send time, so a retitled incident pages with its new title)."""
    base = ctx.settings.base_url or ""
    return PageContent(
        incident_id=incident.id,
        title=incident.title,
        severity=incident.severity,
        status=incident.status,
        services=[s.name for s in incidents.incident_services(ctx, incident)],
        declared_at=incident.declared_at,
        reason=reason,
        ack_url=ack_url,
        incident_url=f"{base}/incidents/{incident.id}",
        delivery_id=delivery_id,
    )


TEST_SUBJECT = "Warroom test notification"


def test_text(name: str, when: datetime) -> str:
    """The body of a test notification."""
    return (
        f"This is a test notification from Warroom for {name}, sent {when.strftime('%Y-%m-%d %H:%M UTC')}. "
        "If it reached you, pages will too."
    )
