"""Registration and confirmation of the e-mail address (the manual's «Регистрация»).

A known address gets exactly the answer a new one gets, and its owner a letter saying so
(no enumeration, docs/quality.md item 4); the password is hashed either way, so both take as long. A
registration nobody confirmed within `unconfirmed_registration_ttl_days` has lapsed: its
address is unknown again to every call here, and registering it anew starts afresh.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import Enum

from lka_common import attempts
from lka_common.commands.notifications import SendLetter, UpdateAddressBook
from lka_common.events.identity import UserRegistered
from lka_common.uow import UnitOfWork
from lka_identity.adapters import one_time_tokens, users
from lka_identity.adapters.attempts import ATTEMPT_LOGS
from lka_identity.domain import messages
from lka_identity.domain.errors import InvalidToken, Refusal
from lka_identity.domain.opaque_tokens import TokenPurpose, digest, new_secret, well_formed
from lka_identity.domain.passwords import check_new_password
from lka_identity.domain.throttling import AttemptKind, account_key
from lka_identity.domain.users import SUBSCRIBER_ROLE, User
from lka_identity.service_layer import limits
from lka_identity.service_layer.context import IdentityContext, utcnow

# Insert, find the owner gone, insert again: more than a couple of rounds would need the
# address removed and re-created by others in between, again and again.
_CLAIM_TRIES = 3


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
        owner = await _claim_address(uow, ctx, user, now)
        if owner is None:
            await users.record_consent(uow.session, user.id, ctx.settings.consent_text_version, now, client)
            subject = str(user.id)
            uow.publish(UserRegistered(user_id=user.id, registered_at=now), subject=subject)
            uow.publish(UpdateAddressBook(user_id=user.id, email=email, confirmed=False), subject=subject)
            await attempts.record(uow.session, ATTEMPT_LOGS[AttemptKind.LETTER], [account_key(email)], now)
            await send_confirmation(uow, ctx, user.id, email)
        elif await limits.letter_allowed(uow.session, ctx.settings, owner.email, now):
            # Whoever owns it (a subscriber, merged or not, or staff) hears of the attempt.
            letter = SendLetter(template="registration_repeated", to=owner.email, user_id=owner.id)
            uow.publish(letter, subject=str(owner.id))
        await uow.commit()


async def _claim_address(uow: UnitOfWork, ctx: IdentityContext, user: User, now: datetime) -> User | None:
    """Insert `user`; None when it went in, else the profile that owns the address.

    A lapsed registration (`User.lapsed`) is not an owner: it is removed here, with its consent
    and tokens, and the new registrant's row takes its place in the same transaction, whether
    or not housekeeping got to it first. Its lock makes two registrations racing for the
    address wait for each other: the second then finds the first's row, a live owner.
    """
    for _ in range(_CLAIM_TRIES):
        if await users.add_if_new(uow.session, user, now):
            return None
        owner = await users.by_email(uow.session, user.email, for_update=True)
        if owner is not None and not owner.lapsed(now, ctx.registration_ttl):
            return owner
        if owner is not None:
            await users.remove(uow.session, [owner.id])
        # else the row went (housekeeping) between the insert and the lock: try again
    raise RuntimeError(f"the address of user {user.id} is taken and freed over and over")


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


class Confirmation(Enum):
    CONFIRMED = "confirmed"
    ALREADY = "already"  # the letter's link once more: the address it went to is confirmed


async def confirm_email(uow: UnitOfWork, ctx: IdentityContext, token: str, client: str | None) -> Confirmation:
    """Confirm the address the token's letter went to.

    A token already spent on an address that is now confirmed (the link opened twice, or an
    older letter's link after a newer one's) answers `ALREADY`: only the mailbox had the token,
    so this tells nobody else anything. Unknown, expired and lapsed are `InvalidToken`, counted.
    """
    now = utcnow()
    counters = limits.token_counters(ctx.settings, client)
    outcome: Confirmation | None = None
    async with uow:
        await limits.check(uow.session, counters, now)
        purpose = TokenPurpose.EMAIL_CONFIRMATION
        found = spent = None
        if well_formed(token):
            found = await one_time_tokens.find_open(uow.session, digest(token), purpose, now, for_update=True)
            if found is None:
                spent = await one_time_tokens.find_spent(uow.session, digest(token), purpose, now)
        owner = found or spent
        user = await users.by_id(uow.session, owner.user_id) if owner else None
        if user is not None and user.can_sign_in and not user.lapsed(now, ctx.registration_ttl):
            if user.email_confirmed:
                # By this link before, another letter's, or a password reset: spend what is open.
                outcome = Confirmation.ALREADY
            elif found is not None:
                await users.confirm_email(uow.session, user.id, now)
                command = UpdateAddressBook(user_id=user.id, email=user.email, confirmed=True)
                uow.publish(command, subject=str(user.id))
                outcome = Confirmation.CONFIRMED
            if outcome is not None:
                await one_time_tokens.use_all(uow.session, user.id, purpose, now)
        if outcome is None:
            # A wrong token still counts: the failure is committed before the refusal.
            await limits.record(uow.session, counters, now)
        await uow.commit()
    if outcome is None:
        raise InvalidToken
    return outcome


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
            and not user.lapsed(now, ctx.registration_ttl)
            and await limits.letter_allowed(uow.session, ctx.settings, user.email, now)
        ):
            await send_confirmation(uow, ctx, user.id, user.email)
        await uow.commit()
