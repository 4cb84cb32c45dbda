"""The supplier's staff made by command (`make operator`): a profile with the role `operator` or
`supervisor`, never by the registration form, and only for an address no profile uses; it comes
with its second factor enrolled (docs/contract.md §4), whose URI and recovery codes the command
prints once. Supervisors invite the rest of the staff through the API (staff_management.py).

An address someone already registered (even unconfirmed, merged, or lapsed but not yet swept) is
refused and left exactly as it is: whoever registered it chose its password, so neither turning
it into staff nor confirming or re-passwording it is safe, and a subscriber never becomes staff
(docs/contract.md §4). Staff come with a confirmed address: an administrator typed it.
"""

from __future__ import annotations

from lka_common.uow import UnitOfWork
from lka_identity.adapters import second_factor, users
from lka_identity.domain.users import STAFF_ROLES, User
from lka_identity.service_layer.commanded_profiles import insert_confirmed, new_confirmed
from lka_identity.service_layer.context import IdentityContext, utcnow
from lka_identity.service_layer.second_factor import Enrolment, enrol
from lka_identity.service_layer.sessions import end_all_sessions


class AddressTaken(Exception):
    """The address belongs to a profile already; nothing was changed."""


class NotStaff(Exception):
    """No staff profile has the address; nothing was changed."""


async def create_staff(
    uow: UnitOfWork, ctx: IdentityContext, *, email: str, password: str, role: str
) -> tuple[User, Enrolment]:
    """The new confirmed staff profile and its enrolled second factor; `AddressTaken` when any
    profile has the address."""
    if role not in STAFF_ROLES:
        raise ValueError(f"not a staff role: {role}")
    user = await new_confirmed(ctx, email=email, password=password, role=role)
    async with uow:
        if not await insert_confirmed(uow, user, user.created_at):
            raise AddressTaken(email)
        enrolment = await enrol(uow, ctx, user, user.created_at)
        await uow.commit()
    return user, enrolment


async def enrol_again(uow: UnitOfWork, ctx: IdentityContext, *, email: str) -> Enrolment:
    """A new second factor for an existing staff profile, by command (whoever runs it holds the
    database and its secrets): for a profile made before staff had one, or a supervisor who lost
    theirs with nobody to reset it. The old factor and recovery codes stop working and every
    session ends; a disabled profile stays disabled. `NotStaff` for any other address."""
    now = utcnow()
    async with uow:
        user = await users.by_email(uow.session, email, for_update=True)
        if user is None or not user.is_staff:
            raise NotStaff(email)
        await second_factor.end_challenges_of(uow.session, user.id, now)
        await end_all_sessions(uow, user.id, now, "staff_factor_enrolled_by_command")
        enrolment = await enrol(uow, ctx, user, now)
        await uow.commit()
    return enrolment
