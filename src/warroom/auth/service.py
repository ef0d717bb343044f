"""Users, passwords, sessions and tokens. Passwords use argon2id; tokens use SHA-256."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from warroom.auth.models import ROLES, ApiToken, User, WebSession
from warroom.context import Actor, Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.lib.tokens import hash_token, new_token

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
# Verified against when the email is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def role_rank(role: str) -> int:
    return ROLES.index(role) if role in ROLES else -1


def has_role(user: User, minimum: str) -> bool:
    return role_rank(user.role) >= role_rank(minimum)


def actor_for(user: User) -> Actor:
    return Actor(user_id=user.id, name=user.name, role=user.role)


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or len(email) > 320:
        raise Invalid(f"{email!r} is not an email address", {"field": "email"})
    return email


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin", {"field": "timezone"}
        ) from None
    return name


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"password must be at least {MIN_PASSWORD_LENGTH} characters", {"field": "password"})
    return _hasher.hash(password)


def create_user(
    ctx: Ctx, *, email: str, name: str, role: str, password: str | None = None, timezone: str = "UTC"
) -> User:
    """Create a user; the email is unique (case-insensitive)."""
    email = normalise_email(email)
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", {"field": "role"})
    if not name.strip():
        raise Invalid("name must not be empty", {"field": "name"})
    if ctx.session.scalar(select(User).where(User.email == email)) is not None:
        raise Conflict(f"a user with email {email} already exists")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        timezone=check_timezone(timezone),
        password_hash=hash_password(password) if password else None,
        is_active=True,
        created_at=ctx.now(),
    )
    ctx.session.add(user)
    ctx.session.flush()
    return user


def get_user(ctx: Ctx, user_id: int) -> User:
    user = ctx.session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    return user


def find_user(ctx: Ctx, email_or_id: str) -> User:
    """Look a user up by id or email."""
    if email_or_id.isdigit():
        return get_user(ctx, int(email_or_id))
    user = ctx.session.scalar(select(User).where(User.email == email_or_id.strip().lower()))
    if user is None:
        raise NotFound(f"no user with email {email_or_id}")
    return user


def list_users(ctx: Ctx) -> list[User]:
    return list(ctx.session.scalars(select(User).order_by(User.name)))


def set_password(ctx: Ctx, *, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    ctx.session.flush()


def verify_password(ctx: Ctx, *, email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Timing does not reveal which was wrong."""
    user = ctx.session.scalar(select(User).where(User.email == email.strip().lower()))
    stored = user.password_hash if user and user.is_active and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is _DUMMY_HASH:
        return None
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
    return user


@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiToken


def create_api_token(ctx: Ctx, *, user: User, name: str = "cli") -> IssuedToken:
    """Issue a bearer token. The plain value is returned once and never stored."""
    token = new_token("wr_")
    record = ApiToken(
        user_id=user.id,
        name=name or "token",
        token_hash=hash_token(token),
        prefix=token[:8],
        created_at=ctx.now(),
    )
    ctx.session.add(record)
    ctx.session.flush()
    return IssuedToken(token=token, record=record)


def list_api_tokens(ctx: Ctx, *, user: User) -> list[ApiToken]:
    return list(ctx.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_api_token(ctx: Ctx, *, user: User, token_id: int) -> ApiToken:
    record = ctx.session.get(ApiToken, token_id)
    if record is None or (record.user_id != user.id and not has_role(user, "admin")):
        raise NotFound(f"token {token_id} does not exist")
    if record.revoked_at is None:
        record.revoked_at = ctx.now()
    return record


def user_for_api_token(ctx: Ctx, token: str) -> User | None:
    record = ctx.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if record is None or record.revoked_at is not None:
        return None
    user = ctx.session.get(User, record.user_id)
    if user is None or not user.is_active:
        return None
    now = ctx.now()
    # Record use at most once a minute, so reads do not turn into writes on every request.
    if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=1):
        record.last_used_at = now
    return user


def start_web_session(ctx: Ctx, *, user: User) -> tuple[str, WebSession]:
    token = new_token("ws_")
    record = WebSession(
        user_id=user.id,
        token_hash=hash_token(token),
        csrf_token=secrets.token_urlsafe(32),
        created_at=ctx.now(),
        expires_at=ctx.now() + timedelta(days=ctx.settings.session_days),
    )
    ctx.session.add(record)
    ctx.session.flush()
    return token, record


def web_session_for(ctx: Ctx, token: str) -> tuple[User, WebSession] | None:
    record = ctx.session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    if record is None or record.expires_at <= ctx.now():
        return None
    user = ctx.session.get(User, record.user_id)
    if user is None or not user.is_active:
        return None
    return user, record


def end_web_session(ctx: Ctx, token: str) -> None:
    record = ctx.session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    if record is not None:
        ctx.session.delete(record)
