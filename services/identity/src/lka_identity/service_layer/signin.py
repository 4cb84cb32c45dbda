"""Sign-in, refresh and sign-out (the manual's «Авторизация» and «Выход из ЛКА»).

An unknown address, a wrong password and a lapsed registration are one answer, checked against
a hash each time so they also take as long (docs/quality.md item 4). A profile merged into
another answers the same to a wrong password; only its right password is told that it was
merged, and into which address (masked): whoever knows that password owned the profile, and
the attempt is not counted as a failure, as no sign-in with a right password is.
A refresh token is single use: showing one again means a copy exists, and the whole session
is ended (docs/quality.md item 5).
"""

from __future__ import annotations

from typing import NoReturn

from lka_common.auth import Principal
from lka_common.masking import mask_email
from lka_common.uow import UnitOfWork
from lka_identity.adapters import sessions, users
from lka_identity.domain.errors import EmailNotConfirmed, InvalidCredentials, ProfileMerged, SessionExpired
from lka_identity.domain.opaque_tokens import digest, well_formed
from lka_identity.domain.users import User
from lka_identity.service_layer import limits
from lka_identity.service_layer.context import IdentityContext, utcnow
from lka_identity.service_layer.sessions import TokenPair, end_session, issue_pair, open_session


async def login(uow: UnitOfWork, ctx: IdentityContext, *, email: str, password: str, client: str | None) -> TokenPair:
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
    key = await ctx.keys.signing_key(now)
    async with uow:
        await limits.proved_right(uow.session, counters, pending)
        if not user.email_confirmed:
            await uow.commit()
            raise EmailNotConfirmed
        if new_hash is not None:
            await users.rehash(uow.session, user.id, user.password_hash, new_hash)
        pair = await open_session(uow, ctx, key, user, now, client)
        await uow.commit()
    return pair


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
        if record.expires_at <= now or user is None or not user.can_sign_in:
            raise SessionExpired
        await sessions.mark_rotated(uow.session, token_hash, now)
        pair = await issue_pair(uow, ctx, key, user, record.family_id, now)
        await uow.commit()
    return pair


async def logout(uow: UnitOfWork, principal: Principal) -> None:
    if principal.session_id is None:
        return
    async with uow:
        await end_session(uow, principal.user_id, principal.session_id, utcnow(), "logout")
        await uow.commit()
