"""Walks over the dependency graph that need more than graph.py gives: paths and downward closure."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable


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
