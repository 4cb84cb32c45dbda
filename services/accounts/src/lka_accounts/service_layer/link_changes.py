"""The changes to links and requests that linking and review share, each with the event that
announces it and the count of requests by status (adapters/metrics.py, once it commits), so no use
case can make one and forget the others."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from lka_accounts.adapters import links, metrics, requests
from lka_accounts.domain.model import BillingAccount, LinkedVia, LinkRequest
from lka_accounts.domain.proofs import Proof, as_entered
from lka_common.after_commit import after_commit
from lka_common.events.accounts import AccountLinked, LinkRequestCreated, LinkRequestResolved, LinkRequestWithdrawn
from lka_common.uow import UnitOfWork


async def link(uow: UnitOfWork, user_id: UUID, account: BillingAccount, via: LinkedVia, now: datetime) -> bool:
    """Link and announce it; False (and no event) when the link already existed."""
    if not await links.add(uow.session, user_id, account.id, via, now):
        return False
    event = AccountLinked(
        user_id=user_id,
        account_id=account.id,
        region_code=account.region_code,
        account_number=account.number,
        linked_via=via,
    )
    uow.publish(event, subject=str(account.id))
    return True


async def open_request(
    uow: UnitOfWork,
    user_id: UUID,
    region_code: str,
    number: str,
    now: datetime,
    *,
    proof: Proof,
    email: str | None,
) -> LinkRequest:
    """The user's pending request for this account: the open one if any (now with this proof),
    else a new one."""
    existing = await requests.pending_for(uow.session, user_id, region_code, number)
    if existing is not None:
        return await requests.change(
            uow.session, existing.id, updated_at=now, proof=as_entered(proof), requester_email=email
        )
    request = LinkRequest(
        id=uuid.uuid4(),
        user_id=user_id,
        region_code=region_code,
        number=number,
        status="pending",
        comment=None,
        decided_by=None,
        decided_at=None,
        created_at=now,
        updated_at=now,
        proof=as_entered(proof),
        requester_email=email,
    )
    await requests.add(uow.session, request)
    announce_pending(uow, request)
    return request


def announce_pending(uow: UnitOfWork, request: LinkRequest) -> None:
    """`link_request.created`: a new request, or a rejected one corrected, waits for an operator."""
    created = LinkRequestCreated(
        request_id=request.id,
        user_id=request.user_id,
        region_code=request.region_code,
        account_number=request.number,
        status="pending",
    )
    uow.publish(created, subject=str(request.user_id))
    _count_on_commit(uow, "created")


async def resolve(
    uow: UnitOfWork,
    request: LinkRequest,
    *,
    approved: bool,
    decided_by: UUID | None,
    comment: str | None,
    now: datetime,
) -> LinkRequest:
    """Close a pending (or, proved by the subscriber, a rejected) request, record who decided and
    when (no one: the subscriber proved it)."""
    status = "approved" if approved else "rejected"
    decided = await requests.change(
        uow.session, request.id, status=status, comment=comment, decided_by=decided_by, decided_at=now, updated_at=now
    )
    resolved = LinkRequestResolved(
        request_id=request.id,
        user_id=request.user_id,
        region_code=request.region_code,
        account_number=request.number,
        status=status,
    )
    uow.publish(resolved, subject=str(request.user_id))
    _count_on_commit(uow, status)
    return decided


async def withdraw(uow: UnitOfWork, request: LinkRequest, now: datetime) -> LinkRequest:
    """The subscriber withdraws a pending or rejected request: no operator is to decide it."""
    withdrawn = await requests.change(uow.session, request.id, status="withdrawn", updated_at=now)
    event = LinkRequestWithdrawn(
        request_id=request.id,
        user_id=request.user_id,
        region_code=request.region_code,
        account_number=request.number,
        status="withdrawn",
    )
    uow.publish(event, subject=str(request.user_id))
    _count_on_commit(uow, "withdrawn")
    return withdrawn


def _count_on_commit(uow: UnitOfWork, status: str) -> None:
    after_commit(uow.session, metrics.LINK_REQUESTS.labels(status).inc)
