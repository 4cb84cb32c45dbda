"""Sign-in, refresh and sign-out (the manual's «Авторизация» and «Выход из ЛКА»).

An unknown address, a wrong password and a lapsed registration are one answer, checked against
a hash each time so they also take as long (docs/quality.md item 4). A profile merged into
another answers the same to a wrong password; only its right password is told that it was
merged, and into which address (masked): whoever knows that password owned the profile, and
the attempt is not counted as a failure, as no sign-in with a right password is.
A refresh token is single use: showing one again means a copy exists, and the whole session
is ended (docs/quality.md item 5).

Staff sign in in two steps (docs/contract.md §4): their right password answers a challenge for
the second factor instead of tokens (second_factor.py). It takes its attempt back like any right
password but clears no earlier failure: only the right code does. A disabled staff profile, or
one whose factor a supervisor reset, is told so after its right password only.
"""

from __future__ import annotations

from typing import NoReturn

from lka_common import audit
from lka_common.auth import Principal
from lka_common.masking import mask_email
from lka_common.uow import UnitOfWork
from lka_identity.adapters import second_factor as factors
from lka_identity.adapters import sessions, users
from lka_identity.domain.errors import (
    AccountDisabled,
    EmailNotConfirmed,
    InvalidCredentials,
    MfaEnrolmentRequired,
    ProfileMerged,
    SessionExpired,
)
from lka_identity.domain.opaque_tokens import digest, well_formed
from lka_identity.domain.users import User
from lka_identity.service_layer import limits, second_factor, sign_in_notice
from lka_identity.service_layer.context import IdentityContext, utcnow
from lka_identity.service_layer.second_factor import MfaChallenge
from lka_identity.service_layer.sessions import TokenPair, end_session, issue_pair, open_session


async def login(
    uow: UnitOfWork, ctx: IdentityContext, *, email: str, password: str, client: str | None
) -> TokenPair | MfaChallenge:
    now = utcnow()
    counters = limits.login_counters(ctx.settings, email, client)
    async with uow:
        pending = await limits.admit(uow.session, counters, now)
        user = await users.by_email(uow.session, email)
        await uow.commit()
    # No connection is held while hashing: the pool serves others meanwhile.
    verdict = await ctx.passwords.verify(user.password_hash if user else None, password)
    if user is None or not verdict.ok or user.lapsed(now, ctx.registration_ttl):
        raise InvalidCredentials  # the recorded attempt stays: it is the failure count
    if not user.can_sign_in:
        await _merged(uow, counters, pending, user)
    new_hash = await ctx.passwords.hash(password) if verdict.needs_rehash else None
    if user.is_staff:
        return await _staff_first_step(uow, ctx, user, counters, pending, new_hash, client)
    key = await ctx.keys.signing_key(now)
    async with uow:
        await limits.proved_right(uow.session, counters, pending)
        if not user.email_confirmed:
            await uow.commit()
            raise EmailNotConfirmed
        if new_hash is not None:
            await users.rehash(uow.session, user.id, user.password_hash, new_hash)
        pair = await open_session(uow, ctx, key, user, now, client)
        await sign_in_notice.after_sign_in(uow, user, now, client)  # a browser not seen before: a letter
        await uow.commit()
    return pair


async def _staff_first_step(
    uow: UnitOfWork,
    ctx: IdentityContext,
    user: User,
    counters: list[limits.Counter],
    pending: list[int],
    new_hash: str | None,
    client: str | None,
) -> MfaChallenge:
    now = utcnow()
    async with uow:
        await limits.take_back(uow.session, counters, pending)
        if new_hash is not None:
            await users.rehash(uow.session, user.id, user.password_hash, new_hash)
        if user.disabled:
            who = second_factor.actor(ctx, user, client)
            await audit.record(uow, who, "staff.sign_in", "staff", user.id, audit.REFUSED + "account_disabled")
            await uow.commit()
            raise AccountDisabled
        if await factors.factor_of(uow.session, user.id) is None:
            await uow.commit()
            raise MfaEnrolmentRequired
        challenge = await second_factor.open_challenge(uow, ctx, user, now)
        await uow.commit()
    return challenge


async def _merged(uow: UnitOfWork, counters: list[limits.Counter], pending: list[int], user: User) -> NoReturn:
    """The right password of a merged profile: say into which profile, masked; the attempt is
    taken back (a right password is no failure), the account's earlier failures stay."""
    async with uow:
        into = await users.merged_into(uow.session, user)
        if into is None:  # cannot happen (merges point at live rows): answer as any refusal
            raise InvalidCredentials
        await limits.take_back(uow.session, counters, pending)
        await uow.commit()
    raise ProfileMerged(mask_email(into.email))


async def refresh(uow: UnitOfWork, ctx: IdentityContext, refresh_token: str) -> TokenPair:
    now = utcnow()
    token_hash = digest(refresh_token)
    key = await ctx.keys.signing_key(now)
    async with uow:
        record = await sessions.refresh_record(uow.session, token_hash) if well_formed(refresh_token) else None
        if record is None or record.session_revoked_at is not None:
            raise SessionExpired
        if record.rotated_at is not None:
            await end_session(uow, record.user_id, record.family_id, now, "refresh_token_reused")
            await uow.commit()
            raise SessionExpired
        user = await users.by_id(uow.session, record.user_id)
        ended = record.session_expires_at is not None and record.session_expires_at <= now
        if record.expires_at <= now or ended or user is None or not user.can_sign_in or user.disabled:
            raise SessionExpired
        await sessions.mark_rotated(uow.session, token_hash, now)
        pair = await issue_pair(uow, ctx, key, user, record.family_id, now, record.session_expires_at)
        await uow.commit()
    return pair


async def logout(uow: UnitOfWork, principal: Principal) -> None:
    if principal.session_id is None:
        return
    async with uow:
        await end_session(uow, principal.user_id, principal.session_id, utcnow(), "logout")
        await uow.commit()
