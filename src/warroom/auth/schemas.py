from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from warroom.lib.schema import Request, Response

Role = Literal["viewer", "responder", "admin", "owner"]


class UserOut(Response):
    id: int
    email: str
    name: str
    role: str
    timezone: str
    is_active: bool


class UserCreate(Request):
    email: str = Field(min_length=3, max_length=320)
    name: str = Field(min_length=1, max_length=200)
    role: Role
    timezone: str = Field(default="UTC", max_length=64)
    password: str | None = Field(default=None, min_length=8, max_length=1024)


class TokenCreate(Request):
    name: str = Field(default="api", min_length=1, max_length=200)


class TokenOut(Response):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssued(TokenOut):
    token: str = Field(description="The bearer token. Shown once; only its SHA-256 is stored.")


class UserList(Response):
    items: list[UserOut]
    total: int
