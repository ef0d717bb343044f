"""Walks over the service dependency graph: blast-radius paths, what a service needs, cycle checks."""

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


def dependent_paths(edges: Iterable[tuple[int, int]], roots: Iterable[int]) -> dict[int, list[int]]:
    """For every service that depends on a root (directly or not): the shortest chain from it down to a root.

    The chain starts at the dependent and ends at the root, following "depends on", so its length minus one
    is the hop count. Roots themselves are left out.
    """
    dependents: dict[int, list[int]] = {}
    for service_id, depends_on in edges:
        dependents.setdefault(depends_on, []).append(service_id)
    # `towards[x]` is the next service on x's shortest way down to a root.
    towards: dict[int, int | None] = {root: None for root in roots}
    queue = deque(towards)
    while queue:
        node = queue.popleft()
        for parent in sorted(dependents.get(node, [])):
            if parent not in towards:
                towards[parent] = node
                queue.append(parent)
    paths: dict[int, list[int]] = {}
    for node, step in towards.items():
        if step is None:
            continue
        chain = [node]
        while step is not None:
            chain.append(step)
            step = towards[step]
        paths[node] = chain
    return paths


def dependency_closure(edges: Iterable[tuple[int, int]], roots: Iterable[int]) -> dict[int, int]:
    """Everything the roots need to run, directly or transitively, with the hop distance (roots excluded)."""
    needs: dict[int, list[int]] = {}
    for service_id, depends_on in edges:
        needs.setdefault(service_id, []).append(depends_on)
    root_set = set(roots)
    distance: dict[int, int] = {}
    queue = deque((root, 0) for root in root_set)
    seen = set(root_set)
    while queue:
        node, hops = queue.popleft()
        for child in needs.get(node, []):
            if child not in seen:
                seen.add(child)
                distance[child] = hops + 1
                queue.append((child, hops + 1))
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
