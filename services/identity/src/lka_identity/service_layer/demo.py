"""The demo subscriber `make run` creates (docs/contract.md §1 demo data): an ordinary confirmed
subscriber, made once and left alone afterwards, whatever happened to the address meanwhile.

Kept apart from staff creation (service_layer/operators.py) on purpose: this path may find the
address taken and answer "already there"; that one must refuse.
"""

from __future__ import annotations

import uuid

from lka_common.commands.notifications import UpdateAddressBook
from lka_common.events.identity import UserRegistered
from lka_common.uow import UnitOfWork
from lka_identity.adapters import users
from lka_identity.domain.errors import FormRefused
from lka_identity.domain.passwords import password_refusals
from lka_identity.domain.users import SUBSCRIBER_ROLE, User
from lka_identity.service_layer.context import IdentityContext, utcnow


async def ensure_demo_subscriber(uow: UnitOfWork, ctx: IdentityContext, *, email: str, password: str) -> bool:
    """True when the confirmed subscriber was created now; False when the address was taken
    (by an earlier run, or by anyone: that profile is not touched)."""
    async with uow:
        if await users.by_email(uow.session, email) is not None:
            return False
    refusals = password_refusals(password, email)
    if refusals:
        raise FormRefused(refusals)
    now = utcnow()
    user = User(uuid.uuid4(), email, await ctx.passwords.hash(password), SUBSCRIBER_ROLE, now, now, None)
    async with uow:
        if not await users.add_if_new(uow.session, user, now):
            return False
        uow.publish(UserRegistered(user_id=user.id, registered_at=now), subject=str(user.id))
        uow.publish(UpdateAddressBook(user_id=user.id, email=email, confirmed=True), subject=str(user.id))
        await uow.commit()
    return True
