"""Restoring access by e-mail (the manual's «Восстановление доступа»).

The answer to «forgot» is the same for every address (docs/quality.md item 4). A reset ends every session
and clears the sign-in lockout: whoever can read the mailbox is the owner, and an attacker's
failed guesses must not keep the owner out after the reset (docs/quality.md item 3, 6).
"""

from __future__ import annotations

from datetime import timedelta

from lka_common import attempts
from lka_common.commands.notifications import SendLetter, UpdateAddressBook
from lka_common.uow import UnitOfWork
from lka_identity.adapters import one_time_tokens, users
from lka_identity.adapters.attempts import ATTEMPT_LOGS
from lka_identity.domain.errors import FormRefused, InvalidToken
from lka_identity.domain.opaque_tokens import TokenPurpose, digest, new_secret, well_formed
from lka_identity.domain.passwords import check_new_password, mismatch_refusals
from lka_identity.domain.throttling import AttemptKind, account_key
from lka_identity.domain.users import User
from lka_identity.service_layer import limits
from lka_identity.service_layer.context import IdentityContext, utcnow
from lka_identity.service_layer.sessions import end_all_sessions

RESET = TokenPurpose.PASSWORD_RESET


async def forgot_password(uow: UnitOfWork, ctx: IdentityContext, email: str, client: str | None) -> None:
    now = utcnow()
    async with uow:
        await limits.admit(uow.session, limits.mail_counters(ctx.settings, client), now)
        user = await users.by_email(uow.session, email)
        if (
            user is not None
            and user.can_sign_in
            and not user.lapsed(now, ctx.registration_ttl)  # as unknown: the address is free again
            and await limits.letter_allowed(uow.session, ctx.settings, user.email, now)
        ):
            secret = new_secret()
            expires_at = now + timedelta(seconds=ctx.settings.password_reset_ttl_s)
            await one_time_tokens.add(uow.session, digest(secret), user.id, RESET, now, expires_at)
            params = {
                "link": ctx.link("/password/reset", secret),
                "valid_hours": max(ctx.settings.password_reset_ttl_s // 3600, 1),
            }
            letter = SendLetter(template="password_reset", to=user.email, user_id=user.id, params=params)
            uow.publish(letter, subject=str(user.id))
        await uow.commit()


async def check_reset_token(uow: UnitOfWork, ctx: IdentityContext, token: str, client: str | None) -> None:
    """Whether a reset link still works, before its page asks for a new password: the same
    refusal as the reset itself (`InvalidToken`, counted on the client's token failures), and
    nothing spent or said about whose it is."""
    await _owner_of(uow, ctx, token, client)


async def reset_password(
    uow: UnitOfWork, ctx: IdentityContext, *, token: str, password: str, password_confirm: str, client: str | None
) -> None:
    refusals = mismatch_refusals(password, password_confirm)
    if refusals:
        raise FormRefused(refusals)
    user = await _owner_of(uow, ctx, token, client)
    check_new_password(password, password_confirm, user.email)
    new_hash = await ctx.passwords.hash(password)
    now = utcnow()
    async with uow:
        # Taken again under a lock: of two resets with one link, only the first gets through.
        if await one_time_tokens.find_open(uow.session, digest(token), RESET, now, for_update=True) is None:
            raise InvalidToken
        await one_time_tokens.use_all(uow.session, user.id, RESET, now)
        await users.set_password_hash(uow.session, user.id, new_hash, now)
        if not user.email_confirmed:
            # The link came to this mailbox: that confirms it as well.
            await users.confirm_email(uow.session, user.id, now)
            uow.publish(UpdateAddressBook(user_id=user.id, email=user.email, confirmed=True), subject=str(user.id))
        await attempts.clear(uow.session, ATTEMPT_LOGS[AttemptKind.LOGIN], account_key(user.email))
        await end_all_sessions(uow, user.id, now, "password_reset")
        uow.publish(SendLetter(template="password_changed", to=user.email, user_id=user.id), subject=str(user.id))
        await uow.commit()


async def _owner_of(uow: UnitOfWork, ctx: IdentityContext, token: str, client: str | None) -> User:
    """The user a valid reset token belongs to; a wrong token is counted, then refused."""
    now = utcnow()
    counters = limits.token_counters(ctx.settings, client)
    async with uow:
        await limits.check(uow.session, counters, now)
        found = await one_time_tokens.find_open(uow.session, digest(token), RESET, now) if well_formed(token) else None
        user = await users.by_id(uow.session, found.user_id) if found else None
        if user is None or not user.can_sign_in or user.lapsed(now, ctx.registration_ttl):
            await limits.record(uow.session, counters, now)
            await uow.commit()
            raise InvalidToken
    return user
