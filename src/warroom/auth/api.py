from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from warroom.auth import service
from warroom.auth.schemas import TokenCreate, TokenIssued, TokenOut, UserCreate, UserList, UserOut
from warroom.lib.schema import MAX_ID
from warroom.web import ApiAdmin, ApiViewer

router = APIRouter(tags=["users"])
TokenId = Annotated[int, Path(ge=1, le=MAX_ID, description="API token id")]


@router.get("/me", response_model=UserOut)
def me(ctx: ApiViewer) -> UserOut:
    """The user the request is authenticated as."""
    assert ctx.actor.user_id is not None
    return UserOut.model_validate(service.get_user(ctx, ctx.actor.user_id))


@router.get("/users", response_model=UserList)
def list_users(ctx: ApiViewer) -> UserList:
    users = [UserOut.model_validate(u) for u in service.list_users(ctx)]
    return UserList(items=users, total=len(users))


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserCreate, ctx: ApiAdmin) -> UserOut:
    user = service.create_user(ctx, **body.model_dump())
    return UserOut.model_validate(user)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(ctx: ApiViewer) -> list[TokenOut]:
    assert ctx.actor.user_id is not None
    user = service.get_user(ctx, ctx.actor.user_id)
    return [TokenOut.model_validate(t) for t in service.list_api_tokens(ctx, user=user)]


@router.post("/tokens", response_model=TokenIssued, status_code=201)
def create_token(body: TokenCreate, ctx: ApiViewer) -> TokenIssued:
    """Issue a new bearer token for yourself. The value is in the response only."""
    assert ctx.actor.user_id is not None
    user = service.get_user(ctx, ctx.actor.user_id)
    issued = service.create_api_token(ctx, user=user, name=body.name)
    return TokenIssued(**TokenOut.model_validate(issued.record).model_dump(), token=issued.token)


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke_token(token_id: TokenId, ctx: ApiViewer) -> TokenOut:
    assert ctx.actor.user_id is not None
    user = service.get_user(ctx, ctx.actor.user_id)
    return TokenOut.model_validate(service.revoke_api_token(ctx, user=user, token_id=token_id))
