"""Contact methods and notification rules: per-user settings for how and when a page reaches someone."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from warroom.contacts.models import CONTACT_KINDS, URGENCIES, ContactMethod, NotificationRule
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.lib.schema import MAX_ID
from warroom.notify.service import check_email, check_url

MAX_METHODS_PER_USER = 20
MAX_RULES_PER_USER = 50
MAX_DELAY_MINUTES = 1440
_PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")
KIND_LABELS = {"email": "Email", "webhook": "Webhook", "slack": "Slack", "sms": "SMS", "voice": "Voice call"}


@dataclass(frozen=True)
class AddedMethod:
    method: ContactMethod
    secret: str | None  # the webhook signing secret, returned once


def check_kind(kind: str) -> str:
    """One of CONTACT_KINDS, or Invalid."""
    cleaned = kind.strip().lower()
    if cleaned not in CONTACT_KINDS:
        raise Invalid(f"unknown contact method kind {kind!r}; use one of {', '.join(CONTACT_KINDS)}", {"field": "kind"})
    return cleaned


def check_target(kind: str, target: str) -> str:
    """The address, URL or phone number a method of `kind` sends to, or Invalid saying what is expected."""
    target = target.strip()
    if kind == "email":
        return check_email(target, field="target")
    if kind in ("webhook", "slack"):
        return check_url(target, field="target")
    if not _PHONE.match(target):
        raise Invalid(
            f"{target!r} is not a phone number in E.164 form; write it like +4915112345678", {"field": "target"}
        )
    return target


def _check_label(label: str) -> str:
    label = " ".join(label.split())
    if len(label) > 100:
        raise Invalid("a label is at most 100 characters", {"field": "label"})
    return label


def add_contact_method(ctx: Ctx, *, user_id: int, kind: str, target: str, label: str = "") -> AddedMethod:
    """Add a way to reach `user_id`. Webhooks get a signing secret, returned here once."""
    kind = check_kind(kind)
    target = check_target(kind, target)
    count = ctx.session.scalar(select(func.count()).where(ContactMethod.user_id == user_id)) or 0
    if count >= MAX_METHODS_PER_USER:
        raise Conflict(f"a person has at most {MAX_METHODS_PER_USER} contact methods; delete one first")
    duplicate = ctx.session.scalar(
        select(ContactMethod).where(
            ContactMethod.user_id == user_id, ContactMethod.kind == kind, ContactMethod.target == target
        )
    )
    if duplicate is not None:
        raise Conflict(f"you already have this {KIND_LABELS[kind]} method (id {duplicate.id})", {"field": "target"})
    secret = "whsec_" + secrets.token_urlsafe(32) if kind == "webhook" else None
    now = ctx.now()
    method = ContactMethod(
        user_id=user_id,
        kind=kind,
        label=_check_label(label),
        target=target,
        secret=secret,
        status="unverified",
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(method)
    ctx.session.flush()
    return AddedMethod(method=method, secret=secret)


def list_contact_methods(ctx: Ctx, *, user_id: int) -> list[ContactMethod]:
    """A person's contact methods, oldest first."""
    query = select(ContactMethod).where(ContactMethod.user_id == user_id).order_by(ContactMethod.id)
    return list(ctx.session.scalars(query))


def get_contact_method(ctx: Ctx, *, user_id: int, method_id: int) -> ContactMethod:
    """One of the person's methods, or NotFound (another person's method answers the same way)."""
    method = ctx.session.get(ContactMethod, method_id) if 1 <= method_id <= MAX_ID else None
    if method is None or method.user_id != user_id:
        raise NotFound(f"contact method {method_id} does not exist; list yours at /api/v1/users/me/contact-methods")
    return method


def delete_contact_method(ctx: Ctx, *, user_id: int, method_id: int) -> None:
    """Remove a method and the rules that use it. Its past deliveries stay in the log."""
    method = get_contact_method(ctx, user_id=user_id, method_id=method_id)
    for rule in ctx.session.scalars(select(NotificationRule).where(NotificationRule.contact_method_id == method.id)):
        ctx.session.delete(rule)
    ctx.session.delete(method)
    ctx.session.flush()


def mark_failing(ctx: Ctx, method: ContactMethod, *, error: str) -> None:
    """Record that sending through this method failed, so the owner sees it (never silently skipped)."""
    method.status = "failing"
    method.last_error = error[:2000]
    method.last_error_at = ctx.now()
    method.updated_at = ctx.now()


def mark_verified(ctx: Ctx, method: ContactMethod) -> None:
    """A message went out through this method: it works."""
    method.status = "verified"
    method.verified_at = ctx.now()
    method.updated_at = ctx.now()


def add_rule(
    ctx: Ctx, *, user_id: int, contact_method_id: int, delay_minutes: int, urgency: str = "any"
) -> NotificationRule:
    """Use a method `delay_minutes` after a page starts (if still unacknowledged), for pages of `urgency`."""
    method = get_contact_method(ctx, user_id=user_id, method_id=contact_method_id)
    if not 0 <= delay_minutes <= MAX_DELAY_MINUTES:
        raise Invalid(f"the delay must be between 0 and {MAX_DELAY_MINUTES} minutes", {"field": "delay_minutes"})
    urgency = urgency.strip().lower()
    if urgency not in URGENCIES:
        raise Invalid(f"urgency must be one of {', '.join(URGENCIES)}", {"field": "urgency"})
    count = ctx.session.scalar(select(func.count()).where(NotificationRule.user_id == user_id)) or 0
    if count >= MAX_RULES_PER_USER:
        raise Conflict(f"a person has at most {MAX_RULES_PER_USER} notification rules; delete one first")
    duplicate = ctx.session.scalar(
        select(NotificationRule).where(
            NotificationRule.contact_method_id == method.id,
            NotificationRule.delay_minutes == delay_minutes,
            NotificationRule.urgency == urgency,
        )
    )
    if duplicate is not None:
        raise Conflict(f"rule {duplicate.id} already does this", {"field": "delay_minutes"})
    rule = NotificationRule(
        user_id=user_id,
        contact_method_id=method.id,
        delay_minutes=delay_minutes,
        urgency=urgency,
        created_at=ctx.now(),
    )
    ctx.session.add(rule)
    ctx.session.flush()
    return rule


def list_rules(ctx: Ctx, *, user_id: int) -> list[NotificationRule]:
    """A person's notification rules, earliest delay first."""
    query = (
        select(NotificationRule)
        .where(NotificationRule.user_id == user_id)
        .order_by(NotificationRule.delay_minutes, NotificationRule.id)
    )
    return list(ctx.session.scalars(query))


def delete_rule(ctx: Ctx, *, user_id: int, rule_id: int) -> None:
    """Remove one of the person's rules, or NotFound."""
    rule = ctx.session.get(NotificationRule, rule_id) if 1 <= rule_id <= MAX_ID else None
    if rule is None or rule.user_id != user_id:
        raise NotFound(f"notification rule {rule_id} does not exist; list yours at /api/v1/users/me/notification-rules")
    ctx.session.delete(rule)
    ctx.session.flush()
