"""Request and response bodies for /api/v1/services, /teams and /business-functions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import Field, model_validator

from warroom.catalog import service as catalog
from warroom.catalog.common import MAX_DESCRIPTION, MAX_NAME, MAX_URL
from warroom.lib.schema import MAX_ID, Request, Response

Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION)]
Tier = Annotated[int, Field(ge=1, le=4, strict=True, description="1 mission critical … 4 low")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Url = Annotated[str, Field(max_length=MAX_URL, description="http:// or https:// link")]
# A service is named by its id or its (case-insensitive) name.
ServiceRefIn = Id | Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
RefList = Annotated[list[ServiceRefIn], Field(max_length=500)]


class _NoNulls(Request):
    """PATCH bodies: a field may be left out, but only the nullable ones may be set to null."""

    nullable_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _refuse_nulls(self) -> Any:
        for name in self.model_fields_set:
            if getattr(self, name) is None and name not in self.nullable_fields:
                raise ValueError(f"{name} cannot be null; leave it out to keep the current value")
        return self


class ServiceCreate(Request):
    name: Name
    tier: Tier
    description: Description = ""
    team_id: Id | None = None
    runbook_url: Url | None = None
    public: bool = Field(default=False, strict=True, description="shown on the public status page")
    depends_on: RefList = Field(default_factory=list, description="ids or names of services this one needs")


class ServiceUpdate(_NoNulls):
    nullable_fields = ("team_id", "runbook_url")

    name: Name | None = None
    tier: Tier | None = None
    description: Description | None = None
    team_id: Id | None = None
    runbook_url: Url | None = None
    public: bool | None = Field(default=None, strict=True)
    depends_on: RefList | None = Field(default=None, description="replaces the whole list when given")


class DependenciesSet(Request):
    depends_on: RefList


class Ref(Response):
    id: int
    name: str


class ServiceRef(Ref):
    tier: int


class ServiceOut(Response):
    id: int
    name: str
    description: str
    tier: int
    tier_name: str = Field(description="what the tier means, e.g. 'Mission critical'")
    team_id: int | None
    team: Ref | None
    runbook_url: str | None
    public: bool
    depends_on: list[ServiceRef]
    dependents: list[ServiceRef]
    business_functions: list[Ref]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, info: catalog.ServiceInfo) -> ServiceOut:
        s = info.service
        return cls(
            id=s.id,
            name=s.name,
            description=s.description,
            tier=s.tier,
            tier_name=catalog.TIER_NAMES[s.tier],
            team_id=s.team_id,
            team=Ref.model_validate(info.team) if info.team else None,
            runbook_url=s.runbook_url,
            public=s.is_public,
            depends_on=[ServiceRef.model_validate(d) for d in info.depends_on],
            dependents=[ServiceRef.model_validate(d) for d in info.dependents],
            business_functions=[Ref.model_validate(f) for f in info.functions],
            created_at=s.created_at,
            updated_at=s.updated_at,
        )


class ServicePage(Response):
    items: list[ServiceOut]
    total: int
    limit: int
    offset: int


class ReachedService(ServiceRef):
    hops: int = Field(description="1 = depends on it directly")
    path: list[str] = Field(description="names from this service down to the failing one")


class ReachedFunction(Ref):
    via: list[str] = Field(description="the reached services this function uses")


class BlastRadiusOut(Response):
    service: ServiceRef
    services: list[ReachedService]
    business_functions: list[ReachedFunction]

    @classmethod
    def of(cls, radius: catalog.BlastRadius) -> BlastRadiusOut:
        names = {s.id: s.name for s in radius.roots} | {s.id: s.name for s, _hops in radius.services}
        return cls(
            service=ServiceRef.model_validate(radius.roots[0]),
            services=[
                ReachedService(
                    id=s.id, name=s.name, tier=s.tier, hops=hops, path=[names[i] for i in radius.paths[s.id]]
                )
                for s, hops in radius.services
            ],
            business_functions=[
                ReachedFunction(id=f.id, name=f.name, via=[names[i] for i in radius.function_services.get(f.id, [])])
                for f in radius.functions
            ],
        )


class TeamCreate(Request):
    name: Name
    description: Description = ""
    member_ids: list[Id] = Field(default_factory=list, max_length=500)


class TeamUpdate(_NoNulls):
    name: Name | None = None
    description: Description | None = None


class MembersSet(Request):
    user_ids: list[Id] = Field(max_length=500)


class Member(Response):
    id: int
    name: str
    email: str


class TeamOut(Response):
    id: int
    name: str
    description: str
    members: list[Member]
    services: list[ServiceRef]
    created_at: datetime

    @classmethod
    def of(cls, info: catalog.TeamInfo) -> TeamOut:
        return cls(
            id=info.team.id,
            name=info.team.name,
            description=info.team.description,
            members=[Member.model_validate(u) for u in info.members],
            services=[ServiceRef.model_validate(s) for s in info.services],
            created_at=info.team.created_at,
        )


class TeamPage(Response):
    items: list[TeamOut]
    total: int
    limit: int
    offset: int


class FunctionCreate(Request):
    name: Name
    description: Description = ""
    services: RefList = Field(default_factory=list, description="ids or names of the services it uses")


class FunctionUpdate(_NoNulls):
    name: Name | None = None
    description: Description | None = None
    services: RefList | None = Field(default=None, description="replaces the whole list when given")


class FunctionServicesSet(Request):
    services: RefList


class IndirectService(ServiceRef):
    hops: int = Field(description="1 = a direct dependency of one of the function's services")


class FunctionOut(Response):
    id: int
    name: str
    description: str
    services: list[ServiceRef]
    indirect_services: list[IndirectService] = Field(description="what its services need in turn")
    created_at: datetime

    @classmethod
    def of(cls, info: catalog.FunctionInfo) -> FunctionOut:
        return cls(
            id=info.function.id,
            name=info.function.name,
            description=info.function.description,
            services=[ServiceRef.model_validate(s) for s in info.services],
            indirect_services=[IndirectService(id=s.id, name=s.name, tier=s.tier, hops=h) for s, h in info.indirect],
            created_at=info.function.created_at,
        )


class FunctionPage(Response):
    items: list[FunctionOut]
    total: int
    limit: int
    offset: int
