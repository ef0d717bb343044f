"""Dependency-graph reads used by catalog and, through catalog.service, by incidents (blast radius)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.catalog.models import business_function_services, service_dependencies


def dependency_edges(session: Session) -> list[tuple[int, int]]:
    """All (service_id, depends_on_id) pairs."""
    rows = session.execute(select(service_dependencies.c.service_id, service_dependencies.c.depends_on_id))
    return [(int(a), int(b)) for a, b in rows]


def dependents_closure(edges: Iterable[tuple[int, int]], roots: Iterable[int]) -> dict[int, int]:
    """Services that depend on any root, directly or transitively, with their hop distance (roots excluded)."""
    dependents: dict[int, list[int]] = {}
    for service_id, depends_on in edges:
        dependents.setdefault(depends_on, []).append(service_id)
    root_set = set(roots)
    distance: dict[int, int] = {}
    queue = deque((root, 0) for root in root_set)
    seen = set(root_set)
    while queue:
        node, hops = queue.popleft()
        for parent in dependents.get(node, []):
            if parent not in seen:
                seen.add(parent)
                distance[parent] = hops + 1
                queue.append((parent, hops + 1))
    return distance


def path_exists(edges: Iterable[tuple[int, int]], start: int, goal: int) -> list[int] | None:
    """A dependency path start → … → goal following "depends on" edges, or None."""
    graph: dict[int, list[int]] = {}
    for service_id, depends_on in edges:
        graph.setdefault(service_id, []).append(depends_on)
    previous: dict[int, int | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while previous[path[-1]] is not None:
                step = previous[path[-1]]
                assert step is not None
                path.append(step)
            return list(reversed(path))
        for nxt in graph.get(node, []):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


def functions_using(session: Session, service_ids: Iterable[int]) -> dict[int, set[int]]:
    """business function id → the given services it uses."""
    ids = list(service_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(business_function_services.c.function_id, business_function_services.c.service_id).where(
            business_function_services.c.service_id.in_(ids)
        )
    )
    found: dict[int, set[int]] = {}
    for function_id, service_id in rows:
        found.setdefault(int(function_id), set()).add(int(service_id))
    return found
