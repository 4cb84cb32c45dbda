"""Operators review link requests: approve (the account is linked) or reject with a comment.

Each decision is recorded with the operator and the time, and announced with
`accounts.link_request.resolved.v1`, on which notifications writes to the subscriber; and goes
into the audit chain in the same transaction (`audit`, last before the commit: lka_common.audit).
Nobody decides a request they filed themselves (docs/contract.md §4, separation of duties): staff
cannot file requests today, but requests filed before they became staff stay, and so would
those of any role that may both ask and decide.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from lka_accounts.adapters import links, registry, requests
from lka_accounts.domain.errors import AccountUnknown, NotFound, RequestAlreadyResolved, RequestWithdrawn, SameActor
from lka_accounts.domain.model import LinkRequest
from lka_accounts.service_layer import link_changes
from lka_common.audit import AuditStep
from lka_common.uow import UnitOfWork


async def approve(uow: UnitOfWork, request_id: UUID, operator_id: UUID, audit: AuditStep) -> LinkRequest:
    now = datetime.now(UTC)
    async with uow:
        request = await _pending(uow, request_id, operator_id)
        account = await registry.find(uow.session, request.region_code, request.number)
        if account is None:
            # Nothing to link yet: the request stays pending until billing sends the account.
            raise AccountUnknown
        # Already linked (the subscriber proved it meanwhile): approved, no second link.
        if not await links.is_linked(uow.session, request.user_id, account.id):
            await link_changes.link(uow, request.user_id, account, "operator", now)
        decided = await link_changes.resolve(uow, request, approved=True, decided_by=operator_id, comment=None, now=now)
        await audit.record(uow)
        await uow.commit()
        return decided


async def reject(uow: UnitOfWork, request_id: UUID, operator_id: UUID, comment: str, audit: AuditStep) -> LinkRequest:
    now = datetime.now(UTC)
    async with uow:
        request = await _pending(uow, request_id, operator_id)
        decided = await link_changes.resolve(
            uow, request, approved=False, decided_by=operator_id, comment=comment, now=now
        )
        await audit.record(uow)
        await uow.commit()
        return decided


async def _pending(uow: UnitOfWork, request_id: UUID, operator_id: UUID) -> LinkRequest:
    """The request, locked: two operators deciding at once get one decision and one 409; the
    one who filed it gets no decision at all."""
    request = await requests.get(uow.session, request_id, for_update=True)
    if request is None:
        raise NotFound
    if request.user_id == operator_id:
        raise SameActor
    if request.status == "withdrawn":
        raise RequestWithdrawn
    if request.status != "pending":
        raise RequestAlreadyResolved
    return request
