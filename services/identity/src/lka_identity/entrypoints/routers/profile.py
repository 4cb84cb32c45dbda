"""`/profile`: the signed-in user's profile, password change, and merge of another profile (a
subscriber's action: staff get 403 `staff_not_allowed`)."""

from __future__ import annotations

from fastapi import APIRouter

from lka_common.web import UowDep
from lka_identity.domain import messages
from lka_identity.entrypoints.dependencies import ClientDep, ContextDep, LiveUser
from lka_identity.entrypoints.problem_docs import problems
from lka_identity.entrypoints.schemas import ChangePasswordIn, CredentialsIn, MessageOut, ProfileOut
from lka_identity.service_layer import merge, own_profile

router = APIRouter(prefix="/profile", tags=["profile"])


@router.get("", response_model=ProfileOut, responses=problems(401))
async def get_profile(user: LiveUser, uow: UowDep) -> ProfileOut:
    found = await own_profile.profile(uow, user)
    return ProfileOut(
        user_id=found.id,
        email=found.email,
        email_confirmed=found.email_confirmed,
        created_at=found.created_at,
        role=found.role,
    )


@router.post("/password", response_model=MessageOut, responses=problems(401, 422, 429))
async def change_password(
    body: ChangePasswordIn, user: LiveUser, uow: UowDep, ctx: ContextDep, client: ClientDep
) -> MessageOut:
    await own_profile.change_password(
        uow,
        ctx,
        user,
        current_password=body.current_password,
        password=body.password,
        password_confirm=body.password_confirm,
        client=client,
    )
    return MessageOut(message=messages.PASSWORD_CHANGED)


@router.post("/merge", response_model=MessageOut, responses=problems(401, 403, 409, 422, 429))
async def merge_profiles(
    body: CredentialsIn, user: LiveUser, uow: UowDep, ctx: ContextDep, client: ClientDep
) -> MessageOut:
    await merge.merge_profiles(uow, ctx, user, email=body.email, password=body.password, client=client)
    return MessageOut(message=messages.PROFILES_MERGED)
