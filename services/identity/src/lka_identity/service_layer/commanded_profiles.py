"""A confirmed profile made by command rather than by the registration form: the staff of
`make operator` (operators.py) and the demo subscriber of `make run` (demo.py). Whoever runs the
command typed the address, so it is confirmed from the start."""

from __future__ import annotations

import uuid

from lka_common.commands.notifications import UpdateAddressBook
from lka_common.events.identity import UserRegistered
from lka_common.uow import UnitOfWork
from lka_identity.adapters import users
from lka_identity.domain.errors import FormRefused
from lka_identity.domain.passwords import password_refusals
from lka_identity.domain.users import User
from lka_identity.service_layer.context import IdentityContext, utcnow


async def add_confirmed(uow: UnitOfWork, ctx: IdentityContext, *, email: str, password: str, role: str) -> User | None:
    """The new profile, or None when some profile has the address (left exactly as it is).
    `FormRefused` for a password the registration form would refuse."""
    refusals = password_refusals(password, email)
    if refusals:
        raise FormRefused(refusals)
    now = utcnow()
    user = User(uuid.uuid4(), email, await ctx.passwords.hash(password), role, now, now, None)
    async with uow:
        # The unique address index decides, also against a registration at the same moment.
        if not await users.add_if_new(uow.session, user, now):
            return None
        uow.publish(UserRegistered(user_id=user.id, registered_at=now), subject=str(user.id))
        uow.publish(UpdateAddressBook(user_id=user.id, email=email, confirmed=True), subject=str(user.id))
        await uow.commit()
    return user
