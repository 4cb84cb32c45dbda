"""Changing the address of one's profile (docs/contract.md §4 "Subscriber's own security"): the
current password, then a letter with a link to the new address; the link, opened by the same
user signed in, changes the address.

No enumeration: an address another profile holds gets exactly the answer a free one gets, and
its owner a notice instead of the link. Both letters can be caused by anyone who knows the
password of some profile (their own), so both are capped per address like the registration
letters (`limits.letter_allowed`, and notifications' letter policy), and the calls per client
address like the other calls that send mail (`limits.mail_counters`).

On confirmation, in one transaction: the address changes (one profile per address, whatever its
case: a registration that took it meanwhile wins, 409), the notifications address book learns
it, the old address gets a letter saying so with how to get help, links still open in the old
mailbox (recovery, confirmation) are spent, and the user's other sessions end. The sign-in
lockout counters are per address and stay with the old one.
"""

from __future__ import annotations

from datetime import timedelta

from lka_common.auth import Principal
from lka_common.commands.notifications import SendLetter, UpdateAddressBook
from lka_common.masking import mask_email
from lka_common.uow import UnitOfWork
from lka_identity.adapters import email_changes, one_time_tokens, users
from lka_identity.domain import messages
from lka_identity.domain.errors import (
    EmailInUse,
    FormRefused,
    InvalidToken,
    Refusal,
    SessionExpired,
    StaffNotAllowed,
)
from lka_identity.domain.opaque_tokens import TokenPurpose, digest, new_secret, well_formed
from lka_identity.domain.users import email_key
from lka_identity.service_layer import limits
from lka_identity.service_layer.context import IdentityContext, utcnow
from lka_identity.service_layer.own_profile import profile
from lka_identity.service_layer.sessions import end_other_sessions


async def request_change(
    uow: UnitOfWork, ctx: IdentityContext, principal: Principal, *, new_email: str, password: str, client: str | None
) -> None:
    user = await profile(uow, principal)
    if user.is_staff:
        raise StaffNotAllowed  # staff addresses are the supplier's to manage (invitations)
    if email_key(new_email) == email_key(user.email):
        raise FormRefused([Refusal("email_unchanged", "new_email", messages.EMAIL_UNCHANGED)])
    now = utcnow()
    counters = limits.login_counters(ctx.settings, user.email, client)
    async with uow:
        await limits.admit(uow.session, limits.mail_counters(ctx.settings, client), now)
        # A stolen session must not become a password-guessing oracle: sign-in's counters.
        pending = await limits.admit(uow.session, counters, now)
        await uow.commit()
    verdict = await ctx.passwords.verify(user.password_hash, password)
    if not verdict.ok:
        raise FormRefused([Refusal("invalid_current_password", "password", messages.CURRENT_PASSWORD_WRONG)])
    async with uow:
        await limits.take_back(uow.session, counters, pending)
        owner = await users.by_email(uow.session, new_email)
        if owner is not None and not owner.lapsed(now, ctx.registration_ttl):
            # Taken (by anyone: a subscriber, merged or not, or staff): its owner hears of it.
            if await limits.letter_allowed(uow.session, ctx.settings, owner.email, now):
                notice = SendLetter(template="email_change_notice_in_use", to=owner.email, user_id=owner.id)
                uow.publish(notice, subject=str(owner.id))
        elif await limits.letter_allowed(uow.session, ctx.settings, new_email, now):
            await email_changes.use_all(uow.session, user.id, now)  # only the newest letter's link works
            secret = new_secret()
            ttl_s = ctx.settings.email_change_ttl_s
            await email_changes.add(
                uow.session, digest(secret), user.id, new_email, now, now + timedelta(seconds=ttl_s)
            )
            params = {"link": ctx.link("/confirm-email-change", secret), "valid_hours": max(ttl_s // 3600, 1)}
            letter = SendLetter(template="email_change_confirm", to=new_email, user_id=user.id, params=params)
            uow.publish(letter, subject=str(user.id))
        await uow.commit()


async def confirm_change(
    uow: UnitOfWork, ctx: IdentityContext, principal: Principal, token: str, client: str | None
) -> None:
    user = await profile(uow, principal)
    now = utcnow()
    counters = limits.token_counters(ctx.settings, client)
    async with uow:
        await limits.check(uow.session, counters, now)
        found = await email_changes.find_open(uow.session, digest(token), now) if well_formed(token) else None
        if found is None or found.user_id != user.id:
            # Unknown, used, expired, or another user's: one answer, counted like any wrong token.
            await limits.record(uow.session, counters, now)
            await uow.commit()
            raise InvalidToken
        current = await users.by_id(uow.session, user.id, for_update=True)
        if current is None or not current.can_sign_in:
            raise SessionExpired
        holder = await users.by_email(uow.session, found.new_email, for_update=True)
        if holder is not None and holder.id != user.id:
            if not holder.lapsed(now, ctx.registration_ttl):
                await email_changes.use_all(uow.session, user.id, now)
                await uow.commit()
                raise EmailInUse  # the caller proved the mailbox theirs: telling them is no leak
            await users.remove(uow.session, [holder.id])  # a lapsed registration frees the address
        if not await email_changes.change_address(uow.session, user.id, found.new_email):
            raise EmailInUse
        await email_changes.use_all(uow.session, user.id, now)
        # Links in the old mailbox must not open the profile any more.
        await one_time_tokens.use_all(uow.session, user.id, TokenPurpose.PASSWORD_RESET, now)
        await one_time_tokens.use_all(uow.session, user.id, TokenPurpose.EMAIL_CONFIRMATION, now)
        subject = str(user.id)
        uow.publish(UpdateAddressBook(user_id=user.id, email=found.new_email, confirmed=True), subject=subject)
        params = {"new_email": mask_email(found.new_email)}
        uow.publish(
            SendLetter(template="email_changed", to=current.email, user_id=user.id, params=params), subject=subject
        )
        if principal.session_id is not None:
            await end_other_sessions(uow, user.id, principal.session_id, now, "email_changed")
        await uow.commit()
