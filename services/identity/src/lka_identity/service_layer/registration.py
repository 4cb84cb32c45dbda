"""Registration and confirmation of the e-mail address (the manual's «Регистрация»).

A known address gets exactly the answer a new one gets, and its owner a letter saying so
(no enumeration, QUALITY 4); the password is hashed either way, so both take as long.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from lka_common.commands.notifications import SendLetter, UpdateAddressBook
from lka_common.events.identity import UserRegistered
from lka_common.uow import UnitOfWork
from lka_identity.adapters import attempts, one_time_tokens, users
from lka_identity.domain import messages
from lka_identity.domain.errors import InvalidToken, Refusal
from lka_identity.domain.opaque_tokens import TokenPurpose, digest, new_secret, well_formed
from lka_identity.domain.passwords import check_new_password
from lka_identity.domain.throttling import AttemptKind, account_key
from lka_identity.domain.users import SUBSCRIBER_ROLE, User
from lka_identity.service_layer import limits
from lka_identity.service_layer.context import IdentityContext, utcnow


async def register(
    uow: UnitOfWork,
    ctx: IdentityContext,
    *,
    email: str,
    password: str,
    password_confirm: str,
    consent: bool,
    client: str | None,
) -> None:
    consent_refusal = (
        [] if consent else [Refusal("consent_required", "personal_data_consent", messages.CONSENT_REQUIRED)]
    )
    check_new_password(password, password_confirm, email, first=consent_refusal)
    now = utcnow()
    async with uow:
        await limits.admit(uow.session, limits.mail_counters(ctx.settings, client), now)
        await uow.commit()
    password_hash = await ctx.passwords.hash(password)
    user = User(uuid.uuid4(), email, password_hash, SUBSCRIBER_ROLE, now, None, None)
    async with uow:
        if await users.add_if_new(uow.session, user, now):
            await users.record_consent(uow.session, user.id, ctx.settings.consent_text_version, now, client)
            subject = str(user.id)
            uow.publish(UserRegistered(user_id=user.id, registered_at=now), subject=subject)
            uow.publish(UpdateAddressBook(user_id=user.id, email=email, confirmed=False), subject=subject)
            await attempts.record(uow.session, AttemptKind.LETTER, [account_key(email)], now)
            await send_confirmation(uow, ctx, user.id, email)
        else:
            owner = await users.by_email(uow.session, email)
            if owner is not None and await limits.letter_allowed(uow.session, ctx.settings, owner.email, now):
                letter = SendLetter(template="registration_repeated", to=owner.email, user_id=owner.id)
                uow.publish(letter, subject=str(owner.id))
        await uow.commit()


async def send_confirmation(uow: UnitOfWork, ctx: IdentityContext, user_id: uuid.UUID, email: str) -> None:
    """A new confirmation token, and the letter with its link (the raw token lives only there)."""
    now = utcnow()
    secret = new_secret()
    ttl = timedelta(seconds=ctx.settings.email_confirmation_ttl_s)
    await one_time_tokens.add(uow.session, digest(secret), user_id, TokenPurpose.EMAIL_CONFIRMATION, now, now + ttl)
    params = {"link": ctx.link("/confirm-email", secret), "valid_hours": ctx.settings.email_confirmation_ttl_s // 3600}
    uow.publish(
        SendLetter(template="email_confirmation", to=email, user_id=user_id, params=params), subject=str(user_id)
    )


async def confirm_email(uow: UnitOfWork, ctx: IdentityContext, token: str, client: str | None) -> None:
    now = utcnow()
    counters = limits.token_counters(ctx.settings, client)
    confirmed = False
    async with uow:
        await limits.check(uow.session, counters, now)
        found = None
        if well_formed(token):
            purpose = TokenPurpose.EMAIL_CONFIRMATION
            found = await one_time_tokens.find_open(uow.session, digest(token), purpose, now, for_update=True)
        user = await users.by_id(uow.session, found.user_id) if found else None
        if user is not None and user.can_sign_in:
            await one_time_tokens.use_all(uow.session, user.id, TokenPurpose.EMAIL_CONFIRMATION, now)
            await users.confirm_email(uow.session, user.id, now)
            command = UpdateAddressBook(user_id=user.id, email=user.email, confirmed=True)
            uow.publish(command, subject=str(user.id))
            confirmed = True
        else:
            # A wrong token still counts: the failure is committed before the refusal.
            await limits.record(uow.session, counters, now)
        await uow.commit()
    if not confirmed:
        raise InvalidToken


async def resend_confirmation(uow: UnitOfWork, ctx: IdentityContext, email: str, client: str | None) -> None:
    """A new letter only for a known, unconfirmed address; the caller learns nothing either way."""
    now = utcnow()
    async with uow:
        await limits.admit(uow.session, limits.mail_counters(ctx.settings, client), now)
        user = await users.by_email(uow.session, email)
        if (
            user is not None
            and user.can_sign_in
            and not user.email_confirmed
            and await limits.letter_allowed(uow.session, ctx.settings, user.email, now)
        ):
            await send_confirmation(uow, ctx, user.id, user.email)
        await uow.commit()
