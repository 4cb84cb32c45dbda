"""The signed-in user's own profile: reading it and changing the password (the manual's
«изменения пароля учетной записи в профиле абонента»)."""

from __future__ import annotations

from lka_common.auth import Principal
from lka_common.commands.notifications import SendLetter
from lka_common.uow import UnitOfWork
from lka_identity.adapters import users
from lka_identity.domain import messages
from lka_identity.domain.errors import FormRefused, Refusal, SessionExpired
from lka_identity.domain.passwords import check_new_password
from lka_identity.domain.users import User
from lka_identity.service_layer import limits
from lka_identity.service_layer.context import IdentityContext, utcnow
from lka_identity.service_layer.sessions import end_other_sessions


async def profile(uow: UnitOfWork, principal: Principal) -> User:
    async with uow:
        user = await users.by_id(uow.session, principal.user_id)
    if user is None or not user.can_sign_in:
        raise SessionExpired
    return user


async def change_password(
    uow: UnitOfWork,
    ctx: IdentityContext,
    principal: Principal,
    *,
    current_password: str,
    password: str,
    password_confirm: str,
    client: str | None,
) -> None:
    user = await profile(uow, principal)
    check_new_password(password, password_confirm, user.email)
    now = utcnow()
    counters = limits.login_counters(ctx.settings, user.email, client)
    async with uow:
        # A stolen session must not become a password-guessing oracle: same counters as sign-in.
        pending = await limits.admit(uow.session, counters, now)
        await uow.commit()
    verdict = await ctx.passwords.verify(user.password_hash, current_password)
    if not verdict.ok:
        raise FormRefused([Refusal("invalid_current_password", "current_password", messages.CURRENT_PASSWORD_WRONG)])
    new_hash = await ctx.passwords.hash(password)
    async with uow:
        await limits.take_back(uow.session, counters, pending)
        await users.set_password_hash(uow.session, user.id, new_hash, now)
        if principal.session_id is not None:
            await end_other_sessions(uow, user.id, principal.session_id, now, "password_changed")
        uow.publish(SendLetter(template="password_changed", to=user.email, user_id=user.id), subject=str(user.id))
        await uow.commit()
