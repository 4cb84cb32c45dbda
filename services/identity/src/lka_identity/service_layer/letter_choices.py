"""Which letters beyond the transactional ones a user wants (`/profile/notifications`), and the
one-click unsubscribe from a reminder's letter (`POST /public/unsubscribe?token=…`, RFC 8058;
`GET` says what the link would turn off, changing nothing, for the page that asks first).

Every change is announced whole (`identity.letter_preferences.changed.v1`, in the same
transaction): the notifications service keeps the preferences and honours them when it sends.

A link's token is checked like the other links' tokens (confirmation, reset): a wrong one counts
on the client's token failures (`limits.token_counters`), and past the limit every try is 429.
A token for a profile that no longer exists is the same refusal as one we did not sign, so a
link tells nobody whether a profile exists.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime
from uuid import UUID

from lka_common.auth import Principal
from lka_common.events.identity import LetterPreferencesChanged
from lka_common.unsubscribe import Unsubscribe, verify
from lka_common.uow import UnitOfWork
from lka_identity.adapters import preferences, users
from lka_identity.domain.errors import InvalidUnsubscribeLink
from lka_identity.domain.preferences import LetterPreferences
from lka_identity.service_layer import limits
from lka_identity.service_layer.context import IdentityContext, utcnow

# Our tokens are 44 characters; one far longer is not worth decoding.
TOKEN_MAX_CHARS = 200


async def chosen(uow: UnitOfWork, principal: Principal) -> LetterPreferences:
    async with uow:
        return await preferences.of_user(uow.session, principal.user_id)


async def choose(uow: UnitOfWork, principal: Principal, changes: dict[str, bool]) -> LetterPreferences:
    """Set the preferences named in `changes`; the others keep their value."""
    async with uow:
        updated = await _change(uow, principal.user_id, changes)
        await uow.commit()
    return updated


async def unsubscribe(uow: UnitOfWork, ctx: IdentityContext, token: str | None, client: str | None) -> str:
    """Turn off the kind of letter the signed token names, for the user it names; no session:
    the token is the proof (it came in that person's letter). Answers the kind turned off."""
    async with uow:
        named, owner = await _link_owner(uow, ctx, token, client)
        await _change(uow, owner, {named.kind: False})
        await uow.commit()
    return named.kind


async def unsubscribe_kind(uow: UnitOfWork, ctx: IdentityContext, token: str | None, client: str | None) -> str:
    """The kind of letter a link would turn off; nothing changes (a mail scanner opening the
    link must not unsubscribe anyone)."""
    async with uow:
        named, _ = await _link_owner(uow, ctx, token, client)
    return named.kind


async def _link_owner(
    uow: UnitOfWork, ctx: IdentityContext, token: str | None, client: str | None
) -> tuple[Unsubscribe, UUID]:
    """What the token names and whose letters those are now, or the refusal (a wrong token
    counted, committed before it is raised)."""
    now = utcnow()
    counters = limits.token_counters(ctx.settings, client)
    await limits.check(uow.session, counters, now)
    named = verify(ctx.settings.unsubscribe_secret, token) if token and len(token) <= TOKEN_MAX_CHARS else None
    user = await users.by_id(uow.session, named.user_id) if named else None
    if named is None or user is None:
        await limits.record(uow.session, counters, now)
        await uow.commit()
        raise InvalidUnsubscribeLink()
    # A profile merged since the letter went out: its letters are the remaining profile's now.
    return named, user.merged_into or user.id


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
