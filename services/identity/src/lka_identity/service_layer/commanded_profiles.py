"""A confirmed profile made by someone other than its owner's registration form: the staff of
`make operator` (operators.py) and of an accepted invitation (staff_management.py), and the demo subscriber
of `make run` (demo.py). Whoever made it typed or proved the address, so it is confirmed from the
start."""

from __future__ import annotations

import uuid
from datetime import datetime

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
    user = await new_confirmed(ctx, email=email, password=password, role=role)
    async with uow:
        if not await insert_confirmed(uow, user, user.created_at):
            return None
        await uow.commit()
    return user


async def new_confirmed(ctx: IdentityContext, *, email: str, password: str, role: str) -> User:
    """The profile to insert, its password checked as the registration form checks it and hashed
    (before any transaction: no connection is held while hashing)."""
    refusals = password_refusals(password, email)
    if refusals:
        raise FormRefused(refusals)
    now = utcnow()
    return User(uuid.uuid4(), email, await ctx.passwords.hash(password), role, now, now, None)


async def insert_confirmed(uow: UnitOfWork, user: User, now: datetime) -> bool:
    """Insert the confirmed profile in the caller's unit and say so to notifications; False
    (nothing written) when some profile has the address: the unique address index decides,
    also against a registration at the same moment."""
    if not await users.add_if_new(uow.session, user, now):
        return False
    uow.publish(UserRegistered(user_id=user.id, registered_at=now), subject=str(user.id))
    uow.publish(UpdateAddressBook(user_id=user.id, email=user.email, confirmed=True), subject=str(user.id))
    return True
