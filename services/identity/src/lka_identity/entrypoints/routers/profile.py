"""`/profile`: the signed-in user's profile, password change, and merge of another profile (a
subscriber's action: staff get 403 `staff_not_allowed`); the subscriber's own security
(docs/contract.md §4): change of address, the live sessions, which letters they want."""

from __future__ import annotations

from dataclasses import asdict
from uuid import UUID

from fastapi import APIRouter, Response

from lka_common.paging import PageDep
from lka_common.web import UowDep
from lka_identity.domain import messages
from lka_identity.domain.preferences import LetterPreferences
from lka_identity.entrypoints.dependencies import ClientDep, ContextDep, LiveUser
from lka_identity.entrypoints.problem_docs import problems
from lka_identity.entrypoints.schemas import (
    ChangePasswordIn,
    CredentialsIn,
    EmailChangeIn,
    LetterPreferencesIn,
    LetterPreferencesOut,
    MessageOut,
    ProfileOut,
    SessionOut,
    TokenIn,
)
from lka_identity.service_layer import email_change, letter_choices, merge, own_profile, own_sessions

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


@router.post("/email", status_code=202, response_model=MessageOut, responses=problems(401, 403, 422, 429))
async def change_email(
    body: EmailChangeIn, user: LiveUser, uow: UowDep, ctx: ContextDep, client: ClientDep
) -> MessageOut:
    """A letter with a link to the new address; an address another profile has gets the same 202,
    and its owner a notice instead. Staff: 403 `staff_not_allowed`."""
    await email_change.request_change(uow, ctx, user, new_email=body.new_email, password=body.password, client=client)
    return MessageOut(message=messages.EMAIL_CHANGE_REQUESTED)


@router.post("/email/confirm", response_model=MessageOut, responses=problems(400, 401, 409, 422, 429))
async def confirm_email_change(
    body: TokenIn, user: LiveUser, uow: UowDep, ctx: ContextDep, client: ClientDep
) -> MessageOut:
    """The link of the letter to the new address, opened by the same user signed in: the address
    changes, the old one gets a letter saying so, the user's other sessions end."""
    await email_change.confirm_change(uow, ctx, user, body.token, client)
    return MessageOut(message=messages.EMAIL_CHANGED)


@router.get("/sessions", response_model=list[SessionOut], responses=problems(401, 422))
async def list_sessions(user: LiveUser, uow: UowDep, page: PageDep) -> list[SessionOut]:
    """The caller's live sessions, the most recently used first; `current` marks the caller's own."""
    listed = await own_sessions.live_sessions(uow, user, page)
    return [
        SessionOut(
            id=item.session.id,
            created_at=item.session.created_at,
            last_seen_at=item.session.last_seen_at,
            client_address=item.session.client_address,
            user_agent=item.session.user_agent,
            current=item.current,
        )
        for item in listed
    ]


@router.delete("/sessions/{session_id}", status_code=204, response_class=Response, responses=problems(401, 404, 422))
async def end_session(session_id: UUID, user: LiveUser, uow: UowDep) -> Response:
    """End one of the caller's sessions (their own current one too: a sign-out); refused
    everywhere within 1 s. Another user's session, or one already ended: 404."""
    await own_sessions.end_one(uow, user, session_id)
    return Response(status_code=204)


@router.delete("/sessions", status_code=204, response_class=Response, responses=problems(401))
async def end_other_sessions(user: LiveUser, uow: UowDep) -> Response:
    """End every session of the caller's but the current one."""
    await own_sessions.end_all_others(uow, user)
    return Response(status_code=204)


def _preferences(chosen: LetterPreferences) -> LetterPreferencesOut:
    return LetterPreferencesOut(**asdict(chosen))


@router.get("/notifications", response_model=LetterPreferencesOut, responses=problems(401))
async def letter_preferences(user: LiveUser, uow: UowDep) -> LetterPreferencesOut:
    """Which letters beyond the transactional ones the caller wants (all true until changed)."""
    return _preferences(await letter_choices.chosen(uow, user))


@router.put("/notifications", response_model=LetterPreferencesOut, responses=problems(401, 422))
async def choose_letters(body: LetterPreferencesIn, user: LiveUser, uow: UowDep) -> LetterPreferencesOut:
    changes = body.model_dump(exclude_none=True)
    return _preferences(await letter_choices.choose(uow, user, changes))
