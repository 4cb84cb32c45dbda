"""The signed-in user's live sessions (the manual's «Профиль», «Сеансы»): the list, and ending
one of them or every one but the caller's.

Ending a session is sign-out's own path (service_layer/sessions.py): a revocation row and
`SessionRevoked`, so the gateway and every service refuse its access token within a second and
its refresh token is refused at once. Another user's session, or one already ended, is 404
like one that never was.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from lka_common.auth import Principal
from lka_common.schemas import Page
from lka_common.uow import UnitOfWork
from lka_identity.adapters import session_list
from lka_identity.adapters.session_list import LiveSession
from lka_identity.domain.errors import SessionNotFound
from lka_identity.service_layer.context import utcnow
from lka_identity.service_layer.sessions import end_other_sessions, end_session


@dataclass(frozen=True)
class ListedSession:
    session: LiveSession
    current: bool


async def live_sessions(uow: UnitOfWork, principal: Principal, page: Page) -> list[ListedSession]:
    async with uow:
        found = await session_list.live_sessions(uow.session, principal.user_id, utcnow(), page.limit, page.offset)
    return [ListedSession(s, s.id == principal.session_id) for s in found]


async def end_one(uow: UnitOfWork, principal: Principal, session_id: UUID) -> None:
    async with uow:
        if not await session_list.is_open(uow.session, principal.user_id, session_id):
            raise SessionNotFound
        await end_session(uow, principal.user_id, session_id, utcnow(), "ended_by_owner")
        await uow.commit()


async def end_all_others(uow: UnitOfWork, principal: Principal) -> None:
    if principal.session_id is None:  # every token identity signs names its session
        raise SessionNotFound
    async with uow:
        await end_other_sessions(uow, principal.user_id, principal.session_id, utcnow(), "ended_by_owner")
        await uow.commit()
