"""`/auth/*`: registration, confirmation, sign-in, refresh, sign-out, password recovery."""

from __future__ import annotations

from fastapi import APIRouter, Response

from lka_common.web import UowDep
from lka_identity.domain import messages
from lka_identity.entrypoints.dependencies import ClientDep, ContextDep, LiveUser
from lka_identity.entrypoints.problem_docs import problems
from lka_identity.entrypoints.schemas import (
    CredentialsIn,
    EmailIn,
    MessageOut,
    MfaIn,
    MfaRequiredOut,
    RefreshIn,
    RegisterIn,
    ResetIn,
    TokenIn,
    TokenPairOut,
)
from lka_identity.service_layer import recovery, registration, second_factor, signin
from lka_identity.service_layer.second_factor import MfaChallenge
from lka_identity.service_layer.sessions import TokenPair

router = APIRouter(prefix="/auth", tags=["auth"])


def _pair(pair: TokenPair) -> TokenPairOut:
    return TokenPairOut(access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in)


@router.post("/register", status_code=201, response_model=MessageOut, responses=problems(422, 429))
async def register(body: RegisterIn, uow: UowDep, ctx: ContextDep, client: ClientDep) -> MessageOut:
    await registration.register(
        uow,
        ctx,
        email=body.email,
        password=body.password,
        password_confirm=body.password_confirm,
        consent=body.personal_data_consent,
        client=client,
    )
    return MessageOut(message=messages.REGISTERED)


@router.post("/email/confirm", response_model=MessageOut, responses=problems(400, 422, 429))
async def confirm_email(body: TokenIn, uow: UowDep, ctx: ContextDep, client: ClientDep) -> MessageOut:
    outcome = await registration.confirm_email(uow, ctx, body.token, client)
    if outcome is registration.Confirmation.ALREADY:
        return MessageOut(message=messages.EMAIL_ALREADY_CONFIRMED)
    return MessageOut(message=messages.EMAIL_CONFIRMED)


@router.post("/email/resend", status_code=202, response_model=MessageOut, responses=problems(422, 429))
async def resend_confirmation(body: EmailIn, uow: UowDep, ctx: ContextDep, client: ClientDep) -> MessageOut:
    await registration.resend_confirmation(uow, ctx, body.email, client)
    return MessageOut(message=messages.CONFIRMATION_RESENT)


@router.post("/login", response_model=TokenPairOut | MfaRequiredOut, responses=problems(401, 403, 422, 429))
async def login(body: CredentialsIn, uow: UowDep, ctx: ContextDep, client: ClientDep) -> TokenPairOut | MfaRequiredOut:
    """A subscriber's right password: the token pair. Staff's: `mfa_required` and a token for the
    second step (`/auth/login/mfa`), no tokens yet (docs/contract.md §4)."""
    signed_in = await signin.login(uow, ctx, email=body.email, password=body.password, client=client)
    if isinstance(signed_in, MfaChallenge):
        return MfaRequiredOut(mfa_token=signed_in.mfa_token, expires_in=signed_in.expires_in)
    return _pair(signed_in)


@router.post("/login/mfa", response_model=TokenPairOut, responses=problems(401, 422, 429))
async def login_mfa(body: MfaIn, uow: UowDep, ctx: ContextDep, client: ClientDep) -> TokenPairOut:
    """Staff sign-in's second step: a TOTP code or a recovery code; 401 `invalid_mfa_code` for a
    wrong one (the fifth voids the mfa_token: 401 `invalid_mfa_token` from then on)."""
    return _pair(await second_factor.complete(uow, ctx, mfa_token=body.mfa_token, code=body.code, client=client))


@router.post("/refresh", response_model=TokenPairOut, responses=problems(401, 422))
async def refresh(body: RefreshIn, uow: UowDep, ctx: ContextDep) -> TokenPairOut:
    return _pair(await signin.refresh(uow, ctx, body.refresh_token))


@router.post("/logout", status_code=204, response_class=Response, responses=problems(401))
async def logout(user: LiveUser, uow: UowDep) -> Response:
    await signin.logout(uow, user)
    return Response(status_code=204)


@router.post("/password/forgot", status_code=202, response_model=MessageOut, responses=problems(422, 429))
async def forgot_password(body: EmailIn, uow: UowDep, ctx: ContextDep, client: ClientDep) -> MessageOut:
    await recovery.forgot_password(uow, ctx, body.email, client)
    return MessageOut(message=messages.RESET_REQUESTED)


@router.post("/password/reset/check", response_model=MessageOut, responses=problems(400, 422, 429))
async def check_reset_link(body: TokenIn, uow: UowDep, ctx: ContextDep, client: ClientDep) -> MessageOut:
    """Whether the reset link's token still works (the page asks before showing its form); the
    token is not spent."""
    await recovery.check_reset_token(uow, ctx, body.token, client)
    return MessageOut(message=messages.RESET_LINK_VALID)


@router.post("/password/reset", response_model=MessageOut, responses=problems(400, 422, 429))
async def reset_password(body: ResetIn, uow: UowDep, ctx: ContextDep, client: ClientDep) -> MessageOut:
    await recovery.reset_password(
        uow, ctx, token=body.token, password=body.password, password_confirm=body.password_confirm, client=client
    )
    return MessageOut(message=messages.PASSWORD_CHANGED)
