"""Mount domain routers as one flat route table.

FastAPI 0.16x keeps an included router as a nested node and re-walks it for every request: with ~400 routes
that cost about 1 ms to match and again to dispatch, which capped a cached status page at ~400 requests/s on
one core. Copying each route onto the app (what `include_router` did before) leaves a plain list of compiled
path regexes, about 1 µs per route.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.datastructures import DefaultPlaceholder
from fastapi.routing import APIRoute, APIRouter
from starlette.routing import compile_path


def _walk(
    router: APIRouter, prefix: str, in_schema: bool, tags: tuple[Any, ...]
) -> Iterator[tuple[str, APIRoute, bool, tuple[Any, ...]]]:
    for route in router.routes:
        nested = getattr(route, "original_router", None)  # a router included into this one
        if nested is not None:
            context = route.include_context  # type: ignore[attr-defined]
            if context.dependencies:
                raise ValueError("flat mounting does not carry dependencies of an included router")
            more = (*tags, *context.tags)
            yield from _walk(nested, prefix + context.prefix, in_schema and context.include_in_schema, more)
        elif isinstance(route, APIRoute):
            yield prefix, route, in_schema, tags
        else:
            raise TypeError(f"cannot mount {route!r} flat")


def mount(app: FastAPI, router: APIRouter, *, prefix: str = "", include_in_schema: bool = True) -> None:
    """Add every route of `router` (and of the routers it includes) directly to the app's route table.

    Each route is a shallow copy of the domain's own APIRoute with the prefixed path compiled in: the
    dependency analysis FastAPI did when the route was declared is reused, so building an app stays cheap
    (the test suite builds one per test).
    """
    for route_prefix, route, in_schema, tags in _walk(router, prefix, include_in_schema, ()):
        clone = copy.copy(route)
        clone.path = route_prefix + route.path
        clone.path_regex, clone.path_format, clone.param_convertors = compile_path(clone.path)
        clone.include_in_schema = in_schema and route.include_in_schema
        clone.tags = list(dict.fromkeys([*tags, *route.tags]))
        make_id = route.generate_unique_id_function
        if isinstance(make_id, DefaultPlaceholder):
            make_id = make_id.value
        clone.unique_id = route.operation_id or make_id(clone)
        app.router.routes.append(clone)
