"""Merging profiles (the manual's «Объединение учетных записей»): the signed-in user proves
they own another profile with its address and password, and takes it over.

In one transaction the other profile is marked merged into the caller's (it can no longer sign
in), its sessions end, and `ProfilesMerged` goes out: accounts moves its personal accounts
here, notifications tells the owner.
"""

from __future__ import annotations

from lka_common.auth import Principal
from lka_common.events.identity import ProfilesMerged
from lka_common.uow import UnitOfWork
from lka_identity.adapters import users
from lka_identity.domain.errors import InvalidCredentials, SessionExpired, already_merged, merge_self
from lka_identity.domain.users import email_key
from lka_identity.service_layer import limits
from lka_identity.service_layer.context import IdentityContext, utcnow
from lka_identity.service_layer.profile import profile
from lka_identity.service_layer.sessions import end_all_sessions


async def merge_profiles(
    uow: UnitOfWork, ctx: IdentityContext, principal: Principal, *, email: str, password: str, client: str | None
) -> None:
    target = await profile(uow, principal)
    if email_key(email) == email_key(target.email):
        raise merge_self()
    now = utcnow()
    counters = limits.login_counters(ctx.settings, email, client)
    async with uow:
        # The other profile's password is being guessed here: its sign-in counters apply.
        pending = await limits.admit(uow.session, counters, now)
        source = await users.by_email(uow.session, email)
        await uow.commit()
    # Checked before telling "already merged", so that answer reveals nothing to a stranger.
    verdict = await ctx.passwords.verify(source.password_hash if source else None, password)
    if source is None or not verdict.ok:
        raise InvalidCredentials
    async with uow:
        await limits.take_back(uow.session, counters, pending)
        # Both rows locked, in one order, so two crossed merges cannot deadlock or both win.
        locked = {u: await users.by_id(uow.session, u, for_update=True) for u in sorted([target.id, source.id])}
        current_source, current_target = locked[source.id], locked[target.id]
        if current_target is None or not current_target.can_sign_in:
            raise SessionExpired
        if current_source is None or not current_source.can_sign_in:
            await uow.commit()
            raise already_merged()
        await users.mark_merged(uow.session, source.id, target.id, now)
        await end_all_sessions(uow, source.id, now, "merged")
        merged = ProfilesMerged(target_user_id=target.id, source_user_id=source.id, merged_at=now)
        uow.publish(merged, subject=str(target.id))
        await uow.commit()
