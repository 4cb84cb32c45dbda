"""The supplier's staff (`make operator`): a profile with the role `operator` or `supervisor`,
made by command, never by the registration form, and only for an address no profile uses.

An address someone already registered (even unconfirmed, merged, or lapsed but not yet swept) is
refused and left exactly as it is: whoever registered it chose its password, so neither turning
it into staff nor confirming or re-passwording it is safe, and a subscriber never becomes staff
(docs/contract.md §4). Staff come with a confirmed address: an administrator typed it.
"""

from __future__ import annotations

import uuid

from lka_common.commands.notifications import UpdateAddressBook
from lka_common.events.identity import UserRegistered
from lka_common.uow import UnitOfWork
from lka_identity.adapters import users
from lka_identity.domain.errors import FormRefused
from lka_identity.domain.passwords import password_refusals
from lka_identity.domain.users import STAFF_ROLES, User
from lka_identity.service_layer.context import IdentityContext, utcnow


class AddressTaken(Exception):
    """The address belongs to a profile already; nothing was changed."""


async def create_staff(uow: UnitOfWork, ctx: IdentityContext, *, email: str, password: str, role: str) -> User:
    """The new confirmed staff profile; `AddressTaken` when any profile has the address."""
    if role not in STAFF_ROLES:
        raise ValueError(f"not a staff role: {role}")
    refusals = password_refusals(password, email)
    if refusals:
        raise FormRefused(refusals)
    now = utcnow()
    user = User(uuid.uuid4(), email, await ctx.passwords.hash(password), role, now, now, None)
    async with uow:
        # The unique address index decides, also against a registration at the same moment.
        if not await users.add_if_new(uow.session, user, now):
            raise AddressTaken(email)
        uow.publish(UserRegistered(user_id=user.id, registered_at=now), subject=str(user.id))
        uow.publish(UpdateAddressBook(user_id=user.id, email=email, confirmed=True), subject=str(user.id))
        await uow.commit()
    return user
