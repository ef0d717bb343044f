"""/api/v1 routes for services, teams and business functions.

Anyone signed in may read the catalog; changing it needs the admin role (as PagerDuty reserves service edits
for managers): the catalog drives paging and impact, so a mistaken edit hurts every later incident.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from warroom.catalog import service as catalog
from warroom.catalog.common import MAX_NAME, UNSET
from warroom.catalog.models import Service
from warroom.catalog.schemas import (
    BlastRadiusOut,
    DependenciesSet,
    FunctionCreate,
    FunctionOut,
    FunctionPage,
    FunctionServicesSet,
    FunctionUpdate,
    MembersSet,
    ServiceCreate,
    ServiceOut,
    ServicePage,
    ServiceUpdate,
    TeamCreate,
    TeamOut,
    TeamPage,
    TeamUpdate,
)
from warroom.context import Ctx
from warroom.lib.pagination import MAX_LIMIT, PageRequest
from warroom.lib.schema import MAX_ID
from warroom.web import ApiAdmin, ApiViewer

router = APIRouter(tags=["catalog"])

ServiceId = Annotated[int, Path(ge=1, le=MAX_ID, description="service id")]
TeamId = Annotated[int, Path(ge=1, le=MAX_ID, description="team id")]
FunctionId = Annotated[int, Path(ge=1, le=MAX_ID, description="business function id")]
UserId = Annotated[int, Path(ge=1, le=MAX_ID, description="user id")]
OtherService = Annotated[str, Path(min_length=1, max_length=MAX_NAME, description="id or name of the other service")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]
Search = Annotated[str | None, Query(max_length=MAX_NAME, description="text in the name or description")]


def _service_out(ctx: Ctx, service: Service) -> ServiceOut:
    return ServiceOut.of(catalog.describe_services(ctx, [service])[0])


def _team_out(ctx: Ctx, team_id: int) -> TeamOut:
    return TeamOut.of(catalog.describe_teams(ctx, [catalog.get_team(ctx, team_id)])[0])


def _function_out(ctx: Ctx, function_id: int) -> FunctionOut:
    return FunctionOut.of(catalog.describe_functions(ctx, [catalog.get_function(ctx, function_id)])[0])


# --- services -------------------------------------------------------------------------------------------


@router.get("/services", response_model=ServicePage)
def list_services(
    ctx: ApiViewer,
    tier: Annotated[int | None, Query(ge=1, le=4)] = None,
    team: Annotated[str | None, Query(max_length=MAX_NAME, description="team id or name")] = None,
    q: Search = None,
    public: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ServicePage:
    """Services, most critical first."""
    rows, total = catalog.list_services(
        ctx, tier=tier, team=team, q=q, public=public, page=PageRequest(limit=limit, offset=offset)
    )
    items = [ServiceOut.of(info) for info in catalog.describe_services(ctx, rows)]
    return ServicePage(items=items, total=total, limit=limit, offset=offset)


@router.post("/services", response_model=ServiceOut, status_code=201)
def create_service(body: ServiceCreate, ctx: ApiAdmin) -> ServiceOut:
    """Create a service. Duplicate names (any case) are 409; unknown dependencies are 422."""
    service = catalog.create_service(
        ctx,
        name=body.name,
        tier=body.tier,
        description=body.description,
        team=body.team_id,
        runbook_url=body.runbook_url,
        public=body.public,
        depends_on=body.depends_on,
    )
    return _service_out(ctx, service)


@router.get("/services/{service_id}", response_model=ServiceOut)
def get_service(service_id: ServiceId, ctx: ApiViewer) -> ServiceOut:
    return _service_out(ctx, catalog.get_service(ctx, service_id))


@router.patch("/services/{service_id}", response_model=ServiceOut)
def update_service(service_id: ServiceId, body: ServiceUpdate, ctx: ApiAdmin) -> ServiceOut:
    """Change fields; `depends_on` replaces the whole list; `team_id` or `runbook_url` null clears them."""
    given = body.model_fields_set
    service = catalog.update_service(
        ctx,
        service=catalog.get_service(ctx, service_id),
        name=body.name if body.name is not None else UNSET,
        tier=body.tier if body.tier is not None else UNSET,
        description=body.description if body.description is not None else UNSET,
        team=body.team_id if "team_id" in given else UNSET,
        runbook_url=body.runbook_url if "runbook_url" in given else UNSET,
        public=body.public if body.public is not None else UNSET,
        depends_on=body.depends_on if body.depends_on is not None else UNSET,
    )
    return _service_out(ctx, service)


@router.delete("/services/{service_id}", status_code=204, response_class=Response)
def delete_service(service_id: ServiceId, ctx: ApiAdmin) -> Response:
    """Delete a service. Refused (409) while incidents refer to it."""
    catalog.delete_service(ctx, service=catalog.get_service(ctx, service_id))
    return Response(status_code=204)


@router.put("/services/{service_id}/dependencies", response_model=ServiceOut)
def set_dependencies(service_id: ServiceId, body: DependenciesSet, ctx: ApiAdmin) -> ServiceOut:
    """Replace what the service depends on. A cycle is refused (422) with its path."""
    service = catalog.get_service(ctx, service_id)
    catalog.set_dependencies(ctx, service=service, depends_on=body.depends_on)
    return _service_out(ctx, service)


@router.post("/services/{service_id}/dependencies/{other}", response_model=ServiceOut)
def add_dependency(service_id: ServiceId, other: OtherService, ctx: ApiAdmin) -> ServiceOut:
    """Record that the service depends on `other` (id or name). A cycle is refused (422) with its path."""
    service = catalog.get_service(ctx, service_id)
    catalog.add_dependency(ctx, service=service, depends_on=other)
    return _service_out(ctx, service)


@router.delete("/services/{service_id}/dependencies/{other}", response_model=ServiceOut)
def remove_dependency(service_id: ServiceId, other: OtherService, ctx: ApiAdmin) -> ServiceOut:
    """Drop one dependency (404 when there is none)."""
    service = catalog.get_service(ctx, service_id)
    catalog.remove_dependency(ctx, service=service, depends_on=other)
    return _service_out(ctx, service)


@router.get("/services/{service_id}/blast-radius", response_model=BlastRadiusOut)
def blast_radius(service_id: ServiceId, ctx: ApiViewer) -> BlastRadiusOut:
    """What fails with this service: dependents (with hops and path) and the business functions they serve."""
    return BlastRadiusOut.of(catalog.blast_radius(ctx, [service_id]))


# --- teams ----------------------------------------------------------------------------------------------


@router.get("/teams", response_model=TeamPage)
def list_teams(ctx: ApiViewer, q: Search = None, limit: Limit = 50, offset: Offset = 0) -> TeamPage:
    rows, total = catalog.list_teams(ctx, q=q, page=PageRequest(limit=limit, offset=offset))
    items = [TeamOut.of(info) for info in catalog.describe_teams(ctx, rows)]
    return TeamPage(items=items, total=total, limit=limit, offset=offset)


@router.post("/teams", response_model=TeamOut, status_code=201)
def create_team(body: TeamCreate, ctx: ApiAdmin) -> TeamOut:
    team = catalog.create_team(ctx, name=body.name, description=body.description, member_ids=body.member_ids)
    return _team_out(ctx, team.id)


@router.get("/teams/{team_id}", response_model=TeamOut)
def get_team(team_id: TeamId, ctx: ApiViewer) -> TeamOut:
    return _team_out(ctx, team_id)


@router.patch("/teams/{team_id}", response_model=TeamOut)
def update_team(team_id: TeamId, body: TeamUpdate, ctx: ApiAdmin) -> TeamOut:
    catalog.update_team(
        ctx,
        team=catalog.get_team(ctx, team_id),
        name=body.name if body.name is not None else UNSET,
        description=body.description if body.description is not None else UNSET,
    )
    return _team_out(ctx, team_id)


@router.delete("/teams/{team_id}", status_code=204, response_class=Response)
def delete_team(team_id: TeamId, ctx: ApiAdmin) -> Response:
    """Delete a team. Refused (409) while it owns services."""
    catalog.delete_team(ctx, team=catalog.get_team(ctx, team_id))
    return Response(status_code=204)


@router.put("/teams/{team_id}/members", response_model=TeamOut)
def set_members(team_id: TeamId, body: MembersSet, ctx: ApiAdmin) -> TeamOut:
    catalog.set_team_members(ctx, team=catalog.get_team(ctx, team_id), user_ids=body.user_ids)
    return _team_out(ctx, team_id)


@router.post("/teams/{team_id}/members/{user_id}", response_model=TeamOut)
def add_member(team_id: TeamId, user_id: UserId, ctx: ApiAdmin) -> TeamOut:
    catalog.add_team_member(ctx, team=catalog.get_team(ctx, team_id), user_id=user_id)
    return _team_out(ctx, team_id)


@router.delete("/teams/{team_id}/members/{user_id}", response_model=TeamOut)
def remove_member(team_id: TeamId, user_id: UserId, ctx: ApiAdmin) -> TeamOut:
    catalog.remove_team_member(ctx, team=catalog.get_team(ctx, team_id), user_id=user_id)
    return _team_out(ctx, team_id)


# --- business functions ---------------------------------------------------------------------------------


@router.get("/business-functions", response_model=FunctionPage)
def list_functions(
    ctx: ApiViewer,
    q: Search = None,
    service: Annotated[str | None, Query(max_length=MAX_NAME, description="only those using this service")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> FunctionPage:
    rows, total = catalog.list_functions(ctx, q=q, service=service, page=PageRequest(limit=limit, offset=offset))
    items = [FunctionOut.of(info) for info in catalog.describe_functions(ctx, rows)]
    return FunctionPage(items=items, total=total, limit=limit, offset=offset)


@router.post("/business-functions", response_model=FunctionOut, status_code=201)
def create_function(body: FunctionCreate, ctx: ApiAdmin) -> FunctionOut:
    function = catalog.create_function(ctx, name=body.name, description=body.description, services=body.services)
    return _function_out(ctx, function.id)


@router.get("/business-functions/{function_id}", response_model=FunctionOut)
def get_function(function_id: FunctionId, ctx: ApiViewer) -> FunctionOut:
    return _function_out(ctx, function_id)


@router.patch("/business-functions/{function_id}", response_model=FunctionOut)
def update_function(function_id: FunctionId, body: FunctionUpdate, ctx: ApiAdmin) -> FunctionOut:
    catalog.update_function(
        ctx,
        function=catalog.get_function(ctx, function_id),
        name=body.name if body.name is not None else UNSET,
        description=body.description if body.description is not None else UNSET,
        services=body.services if body.services is not None else UNSET,
    )
    return _function_out(ctx, function_id)


@router.delete("/business-functions/{function_id}", status_code=204, response_class=Response)
def delete_function(function_id: FunctionId, ctx: ApiAdmin) -> Response:
    catalog.delete_function(ctx, function=catalog.get_function(ctx, function_id))
    return Response(status_code=204)


@router.put("/business-functions/{function_id}/services", response_model=FunctionOut)
def set_function_services(function_id: FunctionId, body: FunctionServicesSet, ctx: ApiAdmin) -> FunctionOut:
    catalog.set_function_services(ctx, function=catalog.get_function(ctx, function_id), services=body.services)
    return _function_out(ctx, function_id)


@router.post("/business-functions/{function_id}/services/{other}", response_model=FunctionOut)
def add_function_service(function_id: FunctionId, other: OtherService, ctx: ApiAdmin) -> FunctionOut:
    catalog.add_function_service(ctx, function=catalog.get_function(ctx, function_id), service=other)
    return _function_out(ctx, function_id)


@router.delete("/business-functions/{function_id}/services/{other}", response_model=FunctionOut)
def remove_function_service(function_id: FunctionId, other: OtherService, ctx: ApiAdmin) -> FunctionOut:
    catalog.remove_function_service(ctx, function=catalog.get_function(ctx, function_id), service=other)
    return _function_out(ctx, function_id)
