"""Signed, time-limited acknowledge links: the token is the credential, so no login is needed."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from warroom.auth import service as auth_service
from warroom.auth.models import User
from warroom.contacts.models import PageDelivery
from warroom.context import Ctx, Source
from warroom.errors import Forbidden
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.settings import Settings

LINK_LIFETIME = timedelta(hours=24)
ACK_SOURCE = "ack-link"
_TOKEN = re.compile(r"^([0-9]{1,10})\.([0-9]{1,10})\.([0-9]{1,12})\.([0-9a-f]{64})$")


class LinkExpired(Forbidden):
    """A genuine link whose time is up."""


def _signature(settings: Settings, body: str) -> str:
    # Domain-separated from every other use of the secret key.
    return hmac.new(
        settings.secret_key.encode("utf-8"), b"warroom-ack:" + body.encode("ascii"), hashlib.sha256
    ).hexdigest()


def make_token(settings: Settings, *, page_delivery_id: int, user_id: int, expires_at: datetime) -> str:
    """A token naming one delivery and the person it paged, valid until `expires_at`."""
    body = f"{page_delivery_id}.{user_id}.{int(expires_at.timestamp())}"
    return f"{body}.{_signature(settings, body)}"


def ack_url(settings: Settings, token: str) -> str:
    """The link put into a page; relative when no base URL is known."""
    return f"{settings.base_url or ''}/ack/{token}"


@dataclass(frozen=True)
class AckLink:
    delivery: PageDelivery
    user: User
    incident: Incident
    expires_at: datetime


def read_token(ctx: Ctx, token: str) -> AckLink:
    """Check the signature and expiry and load what the link points at; Forbidden otherwise."""
    found = _TOKEN.match(token)
    forged = Forbidden("this acknowledge link is not valid (it may be cut off); open the incident in Warroom instead")
    if found is None:
        raise forged
    body = token.rsplit(".", 1)[0]
    if not hmac.compare_digest(_signature(ctx.settings, body), found.group(4)):
        raise forged
    delivery_id, user_id, expires = int(found.group(1)), int(found.group(2)), int(found.group(3))
    expires_at = datetime.fromtimestamp(expires, UTC)
    if ctx.now() >= expires_at:
        raise LinkExpired(
            "this acknowledge link has expired (links work for 24 hours); log in to Warroom to acknowledge"
        )
    delivery = ctx.session.get(PageDelivery, delivery_id)
    user = ctx.session.get(User, user_id)
    incident = ctx.session.get(Incident, delivery.incident_id) if delivery and delivery.incident_id else None
    if delivery is None or user is None or incident is None or delivery.user_id != user.id:
        raise Forbidden("the incident or person this link was made for no longer exists")
    if not user.is_active:
        raise Forbidden(f"{user.name}'s account is disabled, so this link no longer acknowledges")
    return AckLink(delivery=delivery, user=user, incident=incident, expires_at=expires_at)


def acknowledge_by_link(ctx: Ctx, token: str) -> tuple[AckLink, bool]:
    """Acknowledge as the paged person, source "ack-link". True the first time; repeats change nothing."""
    link = read_token(ctx, token)
    ctx.actor = auth_service.actor_for(link.user)
    # The timeline says how the acknowledgement came in; the context's Source type lists the usual ones.
    ctx.source = cast(Source, ACK_SOURCE)
    first = incidents.acknowledge(ctx, link.incident)
    return link, first
