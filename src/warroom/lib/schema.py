"""Base request/response models. Requests reject unknown fields, so typos fail loudly."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


# Ids are 32-bit integers on every backend: a larger path or body id is a 422, never a database overflow.
MAX_ID = 2**31 - 1
