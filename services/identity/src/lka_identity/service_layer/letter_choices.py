"""Which letters beyond the transactional ones a user wants (`/profile/notifications`), and the
one-click unsubscribe from a reminder's letter (`POST /public/unsubscribe?token=…`, RFC 8058).

Every change is announced whole (`identity.letter_preferences.changed.v1`, in the same
transaction): the notifications service keeps the preferences and honours them when it sends.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime
from uuid import UUID

from pydantic import SecretStr

from lka_common.auth import Principal
from lka_common.events.identity import LetterPreferencesChanged
from lka_common.unsubscribe import verify
from lka_common.uow import UnitOfWork
from lka_identity.adapters import preferences, users
from lka_identity.domain.errors import InvalidUnsubscribeLink
from lka_identity.domain.preferences import LetterPreferences
from lka_identity.service_layer.context import utcnow


async def chosen(uow: UnitOfWork, principal: Principal) -> LetterPreferences:
    async with uow:
        return await preferences.of_user(uow.session, principal.user_id)


async def choose(uow: UnitOfWork, principal: Principal, changes: dict[str, bool]) -> LetterPreferences:
    """Set the preferences named in `changes`; the others keep their value."""
    async with uow:
        updated = await _change(uow, principal.user_id, changes)
        await uow.commit()
    return updated


async def unsubscribe(uow: UnitOfWork, secret: SecretStr, token: str) -> str:
    """Turn off the kind of letter the signed token names, for the user it names; no session:
    the token is the proof (it came in that person's letter). Answers the kind turned off."""
    named = verify(secret, token)
    async with uow:
        user = await users.by_id(uow.session, named.user_id) if named else None
        if named is None or user is None:
            raise InvalidUnsubscribeLink()
        # A profile merged since the letter went out: its letters are the remaining profile's now.
        owner = user.merged_into or user.id
        await _change(uow, owner, {named.kind: False})
        await uow.commit()
    return named.kind


async def _change(uow: UnitOfWork, user_id: UUID, changes: dict[str, bool]) -> LetterPreferences:
    # The user's row locked: two changes at once are applied, and announced, one after the other.
    await users.by_id(uow.session, user_id, for_update=True)
    now = utcnow()
    updated = replace(await preferences.of_user(uow.session, user_id), **changes)
    await preferences.save(uow.session, user_id, updated, now)
    uow.publish(_announced(user_id, updated, now), subject=str(user_id))
    return updated


def _announced(user_id: UUID, chosen: LetterPreferences, at: datetime) -> LetterPreferencesChanged:
    return LetterPreferencesChanged(user_id=user_id, changed_at=at, **asdict(chosen))
