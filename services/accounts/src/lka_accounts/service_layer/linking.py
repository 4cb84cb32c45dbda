"""A subscriber links an account (the manual's «Добавление лицевого счета»), edits a request
(«Редактирование заявок на присоединение»), withdraws one, or removes an account («Удаление
лицевого счета»).

A wrong proof and a number billing does not know end the same way, in a request, so the answer
never tells whether an account exists (no enumeration). So does any attempt past the account's
limit of failures, whatever its proof (service_layer/limits.py). Failed attempts count toward
the limits. A number that cannot be an account at all (domain/account_numbers.py) is refused
before anything is looked at or counted. A request keeps what was entered last and the
requester's e-mail at the time, for the operator who decides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from lka_accounts.adapters import links, metrics, regions, registry, requests
from lka_accounts.domain import account_numbers
from lka_accounts.domain.errors import (
    AlreadyLinked,
    DuplicateRequest,
    NotFound,
    RequestAlreadyResolved,
    RequestApproved,
    RequestWithdrawn,
    UnknownRegion,
)
from lka_accounts.domain.model import AccountSummary, BillingAccount, LinkRequest
from lka_accounts.domain.proofs import Proof, as_entered, proves
from lka_accounts.service_layer import limits as link_limits
from lka_accounts.service_layer import link_changes
from lka_accounts.service_layer.limits import LinkLimits
from lka_common.after_commit import after_commit
from lka_common.events.accounts import AccountUnlinked
from lka_common.uow import UnitOfWork


@dataclass(frozen=True)
class Linked:
    account: AccountSummary


@dataclass(frozen=True)
class Pending:
    request: LinkRequest


async def link_account(
    uow: UnitOfWork,
    limits: LinkLimits,
    user_id: UUID,
    region_code: str,
    number: str,
    proof: Proof,
    email: str | None = None,
) -> Linked | Pending:
    account_numbers.check(number)
    now = datetime.now(UTC)
    async with uow:
        account = await _target(uow, user_id, region_code, number)
        counters = limits.for_attempt(user_id, region_code, number)
        may_prove = await link_limits.admit(uow.session, counters, now)
        if may_prove and account is not None and proves(proof, account):
            _count_attempt_on_commit(uow, "linked")
            await link_changes.link(uow, user_id, account, proof.via, now)
            # A request the user had open for this account is settled by the proof itself.
            open_request = await requests.pending_for(uow.session, user_id, region_code, number)
            if open_request is not None:
                await link_changes.resolve(uow, open_request, approved=True, decided_by=None, comment=None, now=now)
            summary = await links.summary_of_user(uow.session, user_id, account.id)
            await uow.commit()
            assert summary is not None
            return Linked(summary)
        await link_limits.record_failure(uow.session, counters, now)
        _count_attempt_on_commit(uow, "refused" if may_prove else "limited")
        request = await link_changes.open_request(uow, user_id, region_code, number, now, proof=proof, email=email)
        await uow.commit()
        return Pending(request)


async def edit_request(
    uow: UnitOfWork,
    limits: LinkLimits,
    user_id: UUID,
    request_id: UUID,
    region_code: str,
    number: str,
    proof: Proof,
    email: str | None = None,
) -> Linked | Pending:
    """Correct a pending or a rejected request: with a right proof the account is linked at once
    (and the request approved by the proof); else the request waits for an operator with the
    new data, a rejected one again as a fresh request (its comment cleared)."""
    account_numbers.check(number)
    now = datetime.now(UTC)
    async with uow:
        request = await requests.get(uow.session, request_id, user_id=user_id, for_update=True)
        if request is None:
            raise NotFound
        if request.status == "withdrawn":
            raise RequestWithdrawn
        if request.status == "approved":
            raise RequestAlreadyResolved
        account = await _target(uow, user_id, region_code, number)
        counters = limits.for_attempt(user_id, region_code, number)
        may_prove = await link_limits.admit(uow.session, counters, now)
        if may_prove and account is not None and proves(proof, account):
            _count_attempt_on_commit(uow, "linked")
            await link_changes.link(uow, user_id, account, proof.via, now)
            await link_changes.resolve(uow, request, approved=True, decided_by=None, comment=None, now=now)
            # Another open request for the account it now names is settled by the same proof.
            other = await requests.pending_for(uow.session, user_id, region_code, number)
            if other is not None and other.id != request.id:
                await link_changes.resolve(uow, other, approved=True, decided_by=None, comment=None, now=now)
            summary = await links.summary_of_user(uow.session, user_id, account.id)
            await uow.commit()
            assert summary is not None
            return Linked(summary)
        await link_limits.record_failure(uow.session, counters, now)
        _count_attempt_on_commit(uow, "refused" if may_prove else "limited")
        other = await requests.pending_for(uow.session, user_id, region_code, number)
        if other is not None and other.id != request.id:
            await uow.commit()  # the failure still counts
            raise DuplicateRequest
        changes = {
            "region_code": region_code,
            "number": number,
            "proof": as_entered(proof),
            "requester_email": email,
            "updated_at": now,
        }
        if request.status == "rejected":
            # Back in the operators' queue as a fresh request: the old decision no longer applies.
            changes |= {"status": "pending", "comment": None, "decided_by": None, "decided_at": None, "created_at": now}
        edited = await requests.change(uow.session, request.id, **changes)
        if request.status == "rejected":
            link_changes.announce_pending(uow, edited)
        await uow.commit()
        return Pending(edited)


async def withdraw_request(uow: UnitOfWork, user_id: UUID, request_id: UUID) -> None:
    """Withdraw the user's pending or rejected request; one already withdrawn stays so (no
    second event); an approved one cannot be (its account is linked: remove that instead)."""
    now = datetime.now(UTC)
    async with uow:
        request = await requests.get(uow.session, request_id, user_id=user_id, for_update=True)
        if request is None:
            raise NotFound
        if request.status == "approved":
            raise RequestApproved
        if request.status != "withdrawn":
            await link_changes.withdraw(uow, request, now)
        await uow.commit()


async def unlink_account(uow: UnitOfWork, user_id: UUID, account_id: UUID) -> None:
    async with uow:
        removed = await links.remove(uow.session, user_id, account_id)
        if removed is None:
            raise NotFound
        event = AccountUnlinked(
            user_id=user_id, account_id=account_id, region_code=removed.region_code, account_number=removed.number
        )
        uow.publish(event, subject=str(account_id))
        await uow.commit()


def _count_attempt_on_commit(uow: UnitOfWork, outcome: str) -> None:
    after_commit(uow.session, metrics.LINK_ATTEMPTS.labels(outcome).inc)


async def _target(uow: UnitOfWork, user_id: UUID, region_code: str, number: str) -> BillingAccount | None:
    """The account a link attempt names (None: billing does not know it); refuses an unknown
    region and an account the user already has."""
    if not await regions.exists(uow.session, region_code):
        raise UnknownRegion
    account = await registry.find(uow.session, region_code, number)
    if account is not None and await links.is_linked(uow.session, user_id, account.id):
        raise AlreadyLinked
    return account
