"""The unit of work every service function receives: session, clock, settings and who is acting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from warroom.lib.clock import Clock
from warroom.settings import Settings

Source = Literal["ui", "api", "cli", "system", "integration", "ack-link"]


@dataclass(frozen=True)
class Actor:
    """Who did something. `user_id` is None for the system or an integration."""

    user_id: int | None
    name: str
    role: str = "system"

    @classmethod
    def system(cls, name: str = "Warroom") -> Actor:
        return cls(user_id=None, name=name, role="system")


@dataclass
class Ctx:
    session: Session
    clock: Clock
    settings: Settings
    actor: Actor = field(default_factory=Actor.system)
    source: Source = "system"

    def now(self) -> datetime:
        return self.clock.now()
