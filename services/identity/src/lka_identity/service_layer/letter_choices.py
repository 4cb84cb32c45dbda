"""Which letters beyond the transactional ones the signed-in user wants (`/profile/notifications`)."""

from __future__ import annotations

from dataclasses import replace

from lka_common.auth import Principal
from lka_common.uow import UnitOfWork
from lka_identity.adapters import preferences
from lka_identity.domain.preferences import LetterPreferences
from lka_identity.service_layer.context import utcnow


async def chosen(uow: UnitOfWork, principal: Principal) -> LetterPreferences:
    async with uow:
        return await preferences.of_user(uow.session, principal.user_id)


async def choose(uow: UnitOfWork, principal: Principal, changes: dict[str, bool]) -> LetterPreferences:
    """Set the preferences named in `changes`; the others keep their value."""
    async with uow:
        updated = replace(await preferences.of_user(uow.session, principal.user_id), **changes)
        await preferences.save(uow.session, principal.user_id, updated, utcnow())
        await uow.commit()
    return updated
