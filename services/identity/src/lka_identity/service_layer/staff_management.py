"""Supervisors manage the staff (docs/contract.md §4 "Staff management"): invite, list, disable,
enable, reset the second factor; and an invited person accepts (sets a password, enrols TOTP).

- **An invitation** goes to an address no profile has (409 `address_taken` otherwise: no address
  is ever both a subscriber's and staff's, and the supervisor, whose call is audited, is the one
  told). Its link carries a token of 256 random bits, stored by SHA-256, single use, expiring
  after `staff_invitation_ttl_s`; a newer invitation to the address closes the older ones.
- **Accepting** creates the confirmed staff profile with the password and enrols its second
  factor in one transaction; the TOTP URI and the recovery codes are answered once. An address
  some profile took meanwhile is 409 `address_taken`, nothing made. A wrong token is counted on
  the client's token failures as a reset link's is.
- **Disabling** ends every session of the profile (one revocation for all: refused everywhere
  within a second) and any sign-in halfway; sign-in answers `account_disabled` to its right
  password until a supervisor enables it again.
- **Resetting the second factor** removes the TOTP secret and the recovery codes, ends every
  session, and sends the person a new invitation letter for their own profile: following it
  they set a new password and enrol again (the mailbox proves them, as for a password reset).
  Until then sign-in answers `mfa_enrolment_required` to the right password.
- Nobody does these to themselves (409 `staff_self`); an id that is not a staff profile's is 404.

Each action is recorded in identity's audit chain by the router's `SupervisorAuditDep`, in the
action's own transaction (`step.record`).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

from lka_common import attempts, audit
from lka_common.audit import AuditStep
from lka_common.commands.notifications import SendLetter
from lka_common.uow import UnitOfWork
from lka_identity.adapters import second_factor as factors
from lka_identity.adapters import staff_invitations, users
from lka_identity.adapters.attempts import ATTEMPT_LOGS
from lka_identity.adapters.staff_invitations import Invitation
from lka_identity.adapters.users import StaffMember
from lka_identity.domain.errors import FormRefused, InvalidToken, StaffAddressTaken, StaffNotFound, StaffSelf
from lka_identity.domain.messages import ROLE_NAMES
from lka_identity.domain.opaque_tokens import digest, new_secret, well_formed
from lka_identity.domain.passwords import check_new_password, mismatch_refusals
from lka_identity.domain.throttling import AttemptKind, account_key
from lka_identity.domain.users import User
from lka_identity.service_layer import limits
from lka_identity.service_layer.commanded_profiles import insert_confirmed
from lka_identity.service_layer.context import IdentityContext, utcnow
from lka_identity.service_layer.second_factor import Enrolment, actor, enrol
from lka_identity.service_layer.sessions import end_all_sessions

ACCEPT_PATH = "/staff/accept"


async def invite(
    uow: UnitOfWork,
    ctx: IdentityContext,
    supervisor_id: UUID,
    invitation_id: UUID,
    *,
    email: str,
    role: str,
    step: AuditStep,
) -> Invitation:
    now = utcnow()
    async with uow:
        if await users.by_email(uow.session, email) is not None:
            raise StaffAddressTaken
        await staff_invitations.close_open(uow.session, email, now)
        invitation = Invitation(invitation_id, email, role, None, now + _invitation_ttl(ctx))
        await _send(uow, ctx, invitation, supervisor_id, now)
        await step.record(uow)
        await uow.commit()
    return invitation


async def accept(
    uow: UnitOfWork, ctx: IdentityContext, *, token: str, password: str, password_confirm: str, client: str | None
) -> Enrolment:
    refusals = mismatch_refusals(password, password_confirm)
    if refusals:
        raise FormRefused(refusals)
    invitation = await _open_invitation(uow, ctx, token, client)
    check_new_password(password, password_confirm, invitation.email)
    new_hash = await ctx.passwords.hash(password)
    now = utcnow()
    async with uow:
        # Taken again under a lock: of two acceptances with one link, only the first gets through.
        locked = await staff_invitations.find_open(uow.session, digest(token), now, for_update=True)
        if locked is None:
            raise InvalidToken
        if locked.user_id is None:
            user = User(uuid.uuid4(), locked.email, new_hash, locked.role, now, now, None)
            if not await insert_confirmed(uow, user, now):
                raise StaffAddressTaken
        else:
            renewed = await users.by_id(uow.session, locked.user_id, for_update=True)
            if renewed is None or not renewed.is_staff or not renewed.can_sign_in:
                raise InvalidToken
            user = renewed
            # Its sessions ended when the factor was reset; the new password starts afresh.
            await users.set_password_hash(uow.session, user.id, new_hash, now)
            await attempts.clear(uow.session, ATTEMPT_LOGS[AttemptKind.LOGIN], account_key(user.email))
        await staff_invitations.close_open(uow.session, locked.email, now)
        enrolment = await enrol(uow, ctx, user, now)
        who = actor(ctx, user, client)
        await audit.record(uow, who, "staff.invitation.accept", "staff_invitation", locked.id)
        await uow.commit()
    return enrolment


async def staff_list(uow: UnitOfWork, limit: int, offset: int) -> list[StaffMember]:
    async with uow:
        return await users.staff(uow.session, limit, offset)


async def disable(uow: UnitOfWork, supervisor_id: UUID, user_id: UUID, step: AuditStep) -> StaffMember:
    now = utcnow()
    async with uow:
        member = await _other_staff(uow, supervisor_id, user_id)
        if member.disabled_at is None:
            await users.set_disabled(uow.session, user_id, now)
            await end_all_sessions(uow, user_id, now, "staff_disabled")
            await factors.end_challenges_of(uow.session, user_id, now)
            member = replace(member, disabled_at=now)
        await step.record(uow)
        await uow.commit()
    return member


async def enable(uow: UnitOfWork, supervisor_id: UUID, user_id: UUID, step: AuditStep) -> StaffMember:
    async with uow:
        member = await _other_staff(uow, supervisor_id, user_id)
        if member.disabled_at is not None:
            await users.set_disabled(uow.session, user_id, None)
            member = replace(member, disabled_at=None)
        await step.record(uow)
        await uow.commit()
    return member


async def reset_mfa(
    uow: UnitOfWork, ctx: IdentityContext, supervisor_id: UUID, user_id: UUID, step: AuditStep
) -> StaffMember:
    now = utcnow()
    async with uow:
        member = await _other_staff(uow, supervisor_id, user_id)
        await factors.remove(uow.session, user_id)
        await factors.end_challenges_of(uow.session, user_id, now)
        await end_all_sessions(uow, user_id, now, "staff_mfa_reset")
        await staff_invitations.close_open(uow.session, member.email, now)
        renewal = Invitation(uuid.uuid4(), member.email, member.role, member.id, now + _invitation_ttl(ctx))
        await _send(uow, ctx, renewal, supervisor_id, now)
        await step.record(uow)
        await uow.commit()
    return replace(member, mfa_enrolled=False)


async def _other_staff(uow: UnitOfWork, supervisor_id: UUID, user_id: UUID) -> StaffMember:
    """The staff profile `user_id`, locked; never the supervisor's own."""
    if user_id == supervisor_id:
        raise StaffSelf
    member = await users.staff_member(uow.session, user_id, for_update=True)
    if member is None:
        raise StaffNotFound
    return member


def _invitation_ttl(ctx: IdentityContext) -> timedelta:
    return timedelta(seconds=ctx.settings.staff_invitation_ttl_s)


async def _send(uow: UnitOfWork, ctx: IdentityContext, invitation: Invitation, invited_by: UUID, now: datetime) -> None:
    """Store the invitation and send its letter (a renewal when it names a profile), in the unit."""
    secret = new_secret()
    await staff_invitations.add(uow.session, invitation, digest(secret), invited_by, now)
    params = {
        "link": ctx.link(ACCEPT_PATH, secret),
        "valid_hours": max(ctx.settings.staff_invitation_ttl_s // 3600, 1),
        "role_name": ROLE_NAMES[invitation.role],
        "renewal": invitation.user_id is not None,
    }
    letter = SendLetter(template="staff_invitation", to=invitation.email, user_id=invitation.user_id, params=params)
    uow.publish(letter, subject=str(invitation.user_id or invitation.id))


async def _open_invitation(uow: UnitOfWork, ctx: IdentityContext, token: str, client: str | None) -> Invitation:
    """The open invitation a token belongs to; a wrong token is counted, then refused."""
    now = utcnow()
    counters = limits.token_counters(ctx.settings, client)
    async with uow:
        await limits.check(uow.session, counters, now)
        found = await staff_invitations.find_open(uow.session, digest(token), now) if well_formed(token) else None
        if found is None:
            await limits.record(uow.session, counters, now)
            await uow.commit()
            raise InvalidToken
    return found
