"""Learning across incidents: search post-mortems, and find similar past incidents for an open one."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from warroom.context import Ctx
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident, incident_services
from warroom.review.models import ActionItem, Postmortem
from warroom.review.sections import PRIVATE

STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "were",
        "was",
        "are",
        "has",
        "have",
        "had",
        "not",
        "but",
        "into",
        "after",
        "before",
        "when",
        "then",
        "than",
        "over",
        "during",
        "about",
        "their",
        "there",
        "they",
        "them",
        "our",
        "out",
        "all",
        "any",
        "can",
        "could",
        "would",
        "should",
        "will",
        "been",
        "being",
        "its",
    ]
)
MAX_CANDIDATES = 2000
WEIGHTS = {"services": 3.0, "labels": 2.0, "words": 1.0}


def words(text: str) -> set[str]:
    """Lower-case words of four letters or more, minus common ones."""
    return {w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in STOPWORDS}


def _services(ctx: Ctx, incident_ids: Iterable[int]) -> dict[int, set[int]]:
    ids = list(incident_ids)
    found: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        rows = ctx.session.execute(
            select(incident_services.c.incident_id, incident_services.c.service_id).where(
                incident_services.c.incident_id.in_(ids)
            )
        )
        for incident_id, service_id in rows:
            found[int(incident_id)].add(int(service_id))
    return found


def _searchable(incident: Incident, postmortem: Postmortem) -> str:
    sections = {k: v for k, v in (postmortem.sections or {}).items() if k not in PRIVATE}
    factors = " ".join(str(f.get("text", "")) for f in postmortem.factors or [])
    return " ".join([incident.title, incident.summary, *map(str, sections.values()), factors, *postmortem.tags])


def _reviewed(ctx: Ctx) -> list[tuple[Postmortem, Incident]]:
    query = (
        select(Postmortem, Incident)
        .join(Incident, Incident.id == Postmortem.incident_id)
        .order_by(Incident.declared_at.desc(), Incident.id.desc())
        .limit(MAX_CANDIDATES)
    )
    return [(pm, inc) for pm, inc in ctx.session.execute(query) if incidents.can_see(ctx, inc)]


def _items(ctx: Ctx, incident_id: int) -> list[dict[str, Any]]:
    query = select(ActionItem).where(ActionItem.incident_id == incident_id).order_by(ActionItem.id)
    return [{"id": i.id, "title": i.title, "status": i.status} for i in ctx.session.scalars(query)]


def _hit(ctx: Ctx, postmortem: Postmortem, incident: Incident, **extra: Any) -> dict[str, Any]:
    return {
        "incident_id": incident.id,
        "title": incident.title,
        "severity": incident.severity,
        "declared_at": incident.declared_at,
        "postmortem_status": postmortem.status,
        "summary": str((postmortem.sections or {}).get("summary", ""))[:300],
        "tags": list(postmortem.tags or []),
        "factors": list(postmortem.factors or []),
        "action_items": _items(ctx, incident.id),
        **extra,
    }


def search_postmortems(
    ctx: Ctx,
    *,
    q: str | None = None,
    service_id: int | None = None,
    factor: str | None = None,
    tag: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Post-mortems matching every given filter (text: all words; factor: a category or words in a factor)."""
    wanted = [w.lower() for w in (q or "").split() if w]
    reviewed = _reviewed(ctx)
    services = _services(ctx, [inc.id for _pm, inc in reviewed]) if service_id is not None else {}
    hits = []
    for postmortem, incident in reviewed:
        if wanted:
            haystack = _searchable(incident, postmortem).lower()
            if not all(w in haystack for w in wanted):
                continue
        if service_id is not None and service_id not in services.get(incident.id, set()):
            continue
        if factor and not any(
            factor.lower() == f.get("category") or factor.lower() in str(f.get("text", "")).lower()
            for f in postmortem.factors or []
        ):
            continue
        if tag and tag.lower() not in (postmortem.tags or []):
            continue
        hits.append(_hit(ctx, postmortem, incident))
        if len(hits) >= limit:
            break
    return hits


def _labels(incident: Incident, postmortem: Postmortem | None) -> set[str]:
    tags = postmortem.tags if postmortem is not None else []
    return {str(x).lower() for x in [*(incident.regions or []), *(incident.segments or []), *(tags or [])]}


def similar_incidents(ctx: Ctx, incident: Incident, *, limit: int = 5) -> list[dict[str, Any]]:
    """Past incidents with a post-mortem, ranked by shared services, then labels, then words."""
    reviewed = [(pm, inc) for pm, inc in _reviewed(ctx) if inc.id != incident.id]
    services = _services(ctx, [incident.id, *(inc.id for _pm, inc in reviewed)])
    own_services = services[incident.id]
    own_labels = _labels(incident, None)
    own_words = words(f"{incident.title} {incident.summary} {incident.impact}")
    ranked = []
    for postmortem, other in reviewed:
        shared_services = len(own_services & services.get(other.id, set()))
        shared_labels = len(own_labels & _labels(other, postmortem))
        shared_words = sorted(own_words & words(_searchable(other, postmortem)))
        score = (
            WEIGHTS["services"] * shared_services
            + WEIGHTS["labels"] * shared_labels
            + WEIGHTS["words"] * min(len(shared_words), 10) / 2
        )
        if score <= 0:
            continue
        reasons = {"services": shared_services, "labels": shared_labels, "words": shared_words[:10]}
        ranked.append((score, other.declared_at, other.id, postmortem, other, reasons))
    ranked.sort(key=lambda r: (-r[0], -r[1].timestamp(), r[2]))
    return [_hit(ctx, pm, inc, score=score, reasons=reasons) for score, _d, _i, pm, inc, reasons in ranked[:limit]]
