"""Stakeholder notices to machines: signed webhooks and Slack-format incoming webhooks, through notify's queue."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_, select

from warroom.catalog.models import business_function_services
from warroom.comms.bridge import get_bridge
from warroom.comms.models import STAKEHOLDER_WEBHOOK_KINDS, StakeholderWebhook
from warroom.comms.stakeholders import REASONS, describe_scope, target_check
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.lib.schema import MAX_ID
from warroom.notify import service as notify

EVENT = "comms.stakeholder_notice"
KIND_NAMES = {"webhook": "signed webhook", "slack": "Slack webhook"}


def add_webhook(
    ctx: Ctx,
    *,
    kind: str,
    url: str,
    scope: str,
    description: str = "",
    service_id: int | None = None,
    function_id: int | None = None,
    severity: str | None = None,
    include_private: bool = False,
) -> StakeholderWebhook:
    """Add a webhook target (admins); its signing secret is readable on the returned row this once."""
    if kind not in STAKEHOLDER_WEBHOOK_KINDS:
        raise Invalid(f"unknown kind {kind!r}; use webhook (signed JSON) or slack (Slack-format)", {"field": "kind"})
    url = notify.check_url(url)
    target_check(ctx, scope, service_id, function_id, severity)
    if len(description) > 200:
        raise Invalid("a description is at most 200 characters", {"field": "description"})
    twin = ctx.session.scalar(
        select(StakeholderWebhook.id).where(
            StakeholderWebhook.url == url,
            StakeholderWebhook.scope == scope,
            StakeholderWebhook.service_id.is_(None)
            if service_id is None
            else StakeholderWebhook.service_id == service_id,
            StakeholderWebhook.function_id.is_(None)
            if function_id is None
            else StakeholderWebhook.function_id == function_id,
            StakeholderWebhook.severity.is_(None) if severity is None else StakeholderWebhook.severity == severity,
        )
    )
    if twin is not None:
        raise Conflict(
            f"that webhook already gets these incidents (id {twin}); delete it first to change it", {"id": twin}
        )
    row = StakeholderWebhook(
        kind=kind,
        url=url,
        description=description.strip(),
        secret="whsec_" + secrets.token_urlsafe(24),
        scope=scope,
        service_id=service_id,
        function_id=function_id,
        severity=severity,
        include_private=include_private,
        created_by_id=ctx.actor.user_id,
        created_at=ctx.now(),
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


def list_webhooks(ctx: Ctx) -> list[StakeholderWebhook]:
    """Every stakeholder webhook, oldest first."""
    return list(ctx.session.scalars(select(StakeholderWebhook).order_by(StakeholderWebhook.id)))


def get_webhook(ctx: Ctx, webhook_id: int) -> StakeholderWebhook:
    """One stakeholder webhook, or NotFound."""
    found = ctx.session.get(StakeholderWebhook, webhook_id) if 1 <= webhook_id <= MAX_ID else None
    if found is None:
        raise NotFound(f"stakeholder webhook {webhook_id} does not exist; GET /api/v1/stakeholder-webhooks lists them")
    return found


def remove_webhook(ctx: Ctx, webhook_id: int) -> None:
    """Delete a stakeholder webhook; deliveries already queued still go out."""
    ctx.session.delete(get_webhook(ctx, webhook_id))
    ctx.session.flush()


def host(row: StakeholderWebhook) -> str:
    """The receiver's host: a Slack webhook URL is itself a secret, so lists and the timeline show only this."""
    return urlsplit(row.url).hostname or "?"


def describe(ctx: Ctx, row: StakeholderWebhook) -> str:
    """One line for lists: "Slack webhook hooks.slack.com: SEV1 incidents"."""
    return f"{KIND_NAMES.get(row.kind, row.kind)} {host(row)}: {describe_scope(ctx, row)}"


def _matching(ctx: Ctx, incident: Incident) -> list[StakeholderWebhook]:
    service_ids = [s.id for s in incidents.incident_services(ctx, incident)]
    functions = select(business_function_services.c.function_id).where(
        business_function_services.c.service_id.in_(service_ids)
    )
    query = select(StakeholderWebhook).where(
        or_(
            StakeholderWebhook.scope == "all",
            (StakeholderWebhook.scope == "severity") & (StakeholderWebhook.severity == incident.severity),
            (StakeholderWebhook.scope == "service") & StakeholderWebhook.service_id.in_(service_ids),
            (StakeholderWebhook.scope == "business_function") & StakeholderWebhook.function_id.in_(functions),
        )
    )
    if incident.is_private:
        query = query.where(StakeholderWebhook.include_private.is_(True))
    return list(ctx.session.scalars(query.order_by(StakeholderWebhook.id)))


def payload(ctx: Ctx, incident: Incident, reason: str) -> dict[str, Any]:
    """The signed JSON body: what changed, the incident's state, where to join and where to read more."""
    bridge = get_bridge(ctx, incident)
    return {
        "event": EVENT,
        "change": reason,
        "incident_id": incident.id,
        "title": incident.title,
        "severity": incident.severity,
        "status": incident.status,
        "bridge_url": bridge.url if bridge else None,
        "bridge_label": bridge.label if bridge else None,
        "incident_url": f"{ctx.settings.base_url or ''}/incidents/{incident.id}",
    }


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn treats these three as control characters; everything else is literal.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(data: dict[str, Any]) -> dict[str, Any]:
    """The same notice as a Slack incoming-webhook message (`text` in mrkdwn)."""
    lines = [
        f"*[{data['severity']}] Incident #{data['incident_id']} {REASONS.get(data['change'], data['change'])}:* "
        + _slack_escape(data["title"]),
        f"Severity: {data['severity']} · Status: {data['status']}",
    ]
    if data["bridge_url"]:
        lines.append(f"Bridge: <{data['bridge_url']}|{_slack_escape(data['bridge_label'] or 'join')}>")
    lines.append(f"<{data['incident_url']}|Open incident #{data['incident_id']}>")
    return {"text": "\n".join(lines)}


def send_notices(ctx: Ctx, incident_id: int, *, reason: str, event_id: int) -> int:
    """Queue one notice per matching webhook; each is a timeline event. Returns how many were queued."""
    incident = ctx.session.get(Incident, incident_id)
    if incident is None:
        return 0
    hooks = _matching(ctx, incident)
    data = payload(ctx, incident, reason)
    for hook in hooks:
        body = slack_payload(data) if hook.kind == "slack" else data
        notify.send_webhook(
            ctx,
            url=hook.url,
            secret=hook.secret,
            payload=body,
            event=EVENT,
            incident_id=incident.id,
            key=f"comms-notice:{event_id}:{reason}:webhook:{hook.id}",
        )
        incidents.record_event(
            ctx,
            incident,
            kind="comms.webhook_notice_sent",
            data={
                "summary": f"Stakeholder notice ({REASONS.get(reason, reason)}) sent to "
                f"{KIND_NAMES.get(hook.kind, hook.kind)} {host(hook)}",
                "reason": reason,
                "webhook_id": hook.id,
                "kind": hook.kind,
            },
        )
    return len(hooks)
