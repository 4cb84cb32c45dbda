"""Users made by command rather than by the registration form: operators of the supplier
(`make operator`: created, or promoted when the address is already registered) and the
demo subscriber `make run` creates (created once, left alone afterwards)."""

from __future__ import annotations

import uuid
from datetime import datetime

from lka_common.commands.notifications import UpdateAddressBook
from lka_common.events.identity import UserRegistered
from lka_common.uow import UnitOfWork
from lka_identity.adapters import users
from lka_identity.domain.errors import FormRefused
from lka_identity.domain.passwords import password_refusals
from lka_identity.domain.users import OPERATOR_ROLE, User
from lka_identity.service_layer.context import IdentityContext, utcnow


async def make_operator(
    uow: UnitOfWork, ctx: IdentityContext, *, email: str, password: str, role: str = OPERATOR_ROLE
) -> bool:
    """True when a confirmed user with `role` was created; False when the address existed: an
    operator is then promoted, a subscriber left as it is. The password of an existing user is
    never changed: the command is not a way to take over someone's account."""
    now = utcnow()
    async with uow:
        existing = await users.by_email(uow.session, email)
        if existing is not None:
            if role == OPERATOR_ROLE:
                await _promote(uow, existing, now)
                await uow.commit()
            return False
    refusals = password_refusals(password, email)
    if refusals:
        raise FormRefused(refusals)
    user = User(uuid.uuid4(), email, await ctx.passwords.hash(password), role, now, now, None)
    async with uow:
        if not await users.add_if_new(uow.session, user, now):
            raced = await users.by_email(uow.session, email)
            assert raced is not None  # the insert lost to this very row
            if role == OPERATOR_ROLE:
                await _promote(uow, raced, now)
                await uow.commit()
            return False
        uow.publish(UserRegistered(user_id=user.id, registered_at=now), subject=str(user.id))
        uow.publish(UpdateAddressBook(user_id=user.id, email=email, confirmed=True), subject=str(user.id))
        await uow.commit()
    return True


async def _promote(uow: UnitOfWork, user: User, now: datetime) -> None:
    await users.promote(uow.session, user.id, OPERATOR_ROLE, now)
    if not user.email_confirmed:
        uow.publish(UpdateAddressBook(user_id=user.id, email=user.email, confirmed=True), subject=str(user.id))
