"""Panels other domains add to the incident page (evidence, pages, bridge, update countdown, similar incidents).

The incidents domain knows none of them: a domain registers a Panel from its views.py (imported when the app
is built), and the page includes the panel's template with `panel` set to what `build` returned. A panel whose
`build` returns None is not shown. Panels are read-only summaries; their forms post to their own domain's routes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from warroom.context import Ctx
from warroom.incidents.models import Incident

Slot = Literal["top", "main", "side"]  # under the header / in the main column before the timeline / sidebar


@dataclass(frozen=True)
class Panel:
    name: str  # unique, e.g. "reports.evidence"
    slot: Slot
    order: int  # lower first within the slot
    template: str  # e.g. "reports/_evidence_panel.html"; sees `panel`, `incident`, `user`, `csrf_token`, `now`
    build: Callable[[Ctx, Incident], dict[str, Any] | None]


@dataclass(frozen=True)
class RenderedPanel:
    name: str
    template: str
    data: dict[str, Any]


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    """Add (or replace, by name) a panel. Call at import time of the domain's views.py."""
    _PANELS[panel.name] = panel
    return panel


def build_panels(ctx: Ctx, incident: Incident) -> dict[str, list[RenderedPanel]]:
    """Every registered panel's data for this incident, grouped by slot and ordered."""
    slots: dict[str, list[RenderedPanel]] = {"top": [], "main": [], "side": []}
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        data = panel.build(ctx, incident)
        if data is not None:
            slots[panel.slot].append(RenderedPanel(panel.name, panel.template, data))
    return slots
