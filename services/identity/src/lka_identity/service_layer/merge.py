"""Merging profiles (the manual's «Объединение учетных записей»): the signed-in subscriber
proves they own another profile with its address and password, and takes it over.

In one transaction the other profile is marked merged into the caller's (it can no longer sign
in), its sessions end, and `ProfilesMerged` goes out: accounts moves its personal accounts
here, notifications tells the owner.

Only a confirmed profile can be taken over: a password proves who chose it, not who owns the
mailbox, and anyone can register any address with a password of their choosing. Merging such
a registration would keep the address from its owner for ever (no sign-in, no recovery, no new
registration); unmerged, it lapses (`User.lapsed`) and the address is free again. Staff are not
subscribers: they merge nothing, and no staff profile can be merged into a subscriber's.
"""

from __future__ import annotations

from lka_common.auth import Principal
from lka_common.events.identity import ProfilesMerged
from lka_common.uow import UnitOfWork
from lka_identity.adapters import users
from lka_identity.domain.errors import (
    InvalidCredentials,
    SessionExpired,
    StaffNotAllowed,
    already_merged,
    merge_self,
    merge_source_unconfirmed,
)
from lka_identity.domain.users import email_key
from lka_identity.service_layer import limits
from lka_identity.service_layer.context import IdentityContext, utcnow
from lka_identity.service_layer.own_profile import profile
from lka_identity.service_layer.sessions import end_all_sessions


async def merge_profiles(
    uow: UnitOfWork, ctx: IdentityContext, principal: Principal, *, email: str, password: str, client: str | None
) -> None:
    target = await profile(uow, principal)
    if target.is_staff:
        raise StaffNotAllowed
    if email_key(email) == email_key(target.email):
        raise merge_self()
    now = utcnow()
    counters = limits.login_counters(ctx.settings, email, client)
    async with uow:
        # The other profile's password is being guessed here: its sign-in counters apply.
        pending = await limits.admit(uow.session, counters, now)
        source = await users.by_email(uow.session, email)
        await uow.commit()
    # Checked before telling "already merged" or "unconfirmed", so those answers reveal nothing
    # to a stranger. A staff profile answers as a wrong password, right password or not: a
    # subscriber learns nothing about the supplier's addresses. A lapsed one is unknown.
    verdict = await ctx.passwords.verify(source.password_hash if source else None, password)
    if source is None or not verdict.ok or source.is_staff or source.lapsed(now, ctx.registration_ttl):
        raise InvalidCredentials
    async with uow:
        await limits.take_back(uow.session, counters, pending)
        # Both rows locked, in one order, so two crossed merges cannot deadlock or both win.
        locked = {u: await users.by_id(uow.session, u, for_update=True) for u in sorted([target.id, source.id])}
        current_source, current_target = locked[source.id], locked[target.id]
        if current_target is None or not current_target.can_sign_in:
            raise SessionExpired
        if current_source is None:
            raise InvalidCredentials  # removed meanwhile (lapsed): the attempt stays counted
        if not current_source.can_sign_in:
            await uow.commit()
            raise already_merged()
        if not current_source.email_confirmed:
            await uow.commit()
            raise merge_source_unconfirmed()
        await users.mark_merged(uow.session, source.id, target.id, now)
        await end_all_sessions(uow, source.id, now, "merged")
        merged = ProfilesMerged(target_user_id=target.id, source_user_id=source.id, merged_at=now)
        uow.publish(merged, subject=str(target.id))
        await uow.commit()
