"""The letter about a sign-in from a browser not seen before (the `new_sign_in` preference, on
by default): when, which browser, from which address, and what to do if it was not the owner.

A browser is known by its device cookie or, without one, by a fingerprint (domain/browsers.py
says which and why). The first browser a profile ever signs in from is the one it registered
with, or the only one there is: it is remembered without a letter, as is every sign-in made
before this letter existed, so nobody gets a letter about themselves on the day it ships.
Called once per sign-in, in the sign-in's own transaction (service_layer/signin.py).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from lka_common.commands.notifications import SendLetter
from lka_common.uow import UnitOfWork
from lka_identity.adapters import known_browsers, preferences
from lka_identity.domain.browsers import browser_key, browser_name
from lka_identity.domain.users import User
from lka_identity.service_layer import browser

# Letters give the time as people in Crimea read their clocks (docs/contract.md §1).
LOCAL_TIME = ZoneInfo("Europe/Simferopol")


async def after_sign_in(uow: UnitOfWork, user: User, now: datetime, client: str | None) -> None:
    seen = browser.current()
    knew_any = await known_browsers.knows_any(uow.session, user.id)
    is_new = await known_browsers.remember(uow.session, user.id, browser_key(seen, client), now)
    if not (is_new and knew_any):
        return
    if not (await preferences.of_user(uow.session, user.id)).new_sign_in:
        return
    params = {
        "when": now.astimezone(LOCAL_TIME).strftime("%d.%m.%Y %H:%M"),
        "browser": browser_name(seen.user_agent),
        "client_address": client or "не определен",
    }
    letter = SendLetter(template="new_sign_in", to=user.email, user_id=user.id, params=params)
    uow.publish(letter, subject=str(user.id))
