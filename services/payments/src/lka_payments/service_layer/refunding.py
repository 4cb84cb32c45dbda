"""Refunds the supplier's staff give (docs/contract.md §4 "Refunds").

**Asking** (`request_refund`): under the key's advisory lock (the same key again is the same
refund) and the payment row's lock, the amount is checked against what is left (paid less every
refund waiting, at the bank or done: domain/refunds.py) and reserved by the refund's row, in one
transaction with its audit record. Above the threshold it waits for a supervisor other than the
requester (`approve`, `reject`); otherwise it goes to the bank at once.

**At the bank** (`execute`): `refund.do` outside any transaction, then the outcome in one
transaction: the refund `succeeded` (the payment's `refunded_kopecks`, `refunded` once all went
back, the event, the payer's letter, the story line and the audit record) or `failed` (the bank's
refusal, the amount free again). Without an answer the refund stays `pending`; the poller looks at
it again (`resume`): the bank's `refundedAmount` says whether it went through, else it is asked again.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

import structlog
from sqlalchemy import func

from lka_common.audit import OK, REFUSED, Actor, AuditStep, record
from lka_common.commands.notifications import SendLetter
from lka_common.events.payments import PaymentRefunded
from lka_common.money import format_kopecks
from lka_common.uow import UnitOfWork
from lka_payments.adapters import refunds, repository, story
from lka_payments.adapters.acquirer import Acquirer
from lka_payments.domain.errors import AcquirerRefused, AcquirerUnavailable, NotFound, RefundKeyReused
from lka_payments.domain.model import Payment
from lka_payments.domain.refunds import (
    REFUNDABLE_STATUSES,
    NotRefundable,
    Refund,
    check_amount,
    check_decision,
    needs_approval,
)
from lka_payments.service_layer.settlement import LOCAL_TIME
from lka_payments.settings import PaymentsSettings

log = structlog.get_logger(__name__)

# Who acts when no person does: the poller resuming a refund whose answer was lost, the nightly
# reconciliation. Its audit records name this actor.
SYSTEM_USER = uuid.UUID(int=0)


def system_actor(settings: PaymentsSettings) -> Actor:
    return Actor(settings.service_name, SYSTEM_USER, "system", None, None)


@dataclass(frozen=True)
class RefundRequest:
    payment_id: uuid.UUID
    kopecks: int
    reason: str


def fingerprint(request: RefundRequest) -> str:
    """What makes two requests with one key "the same": the payment, the kopecks and the reason."""
    return hashlib.sha256(f"{request.payment_id}:{request.kopecks}:{request.reason}".encode()).hexdigest()


async def request_refund(
    uow: UnitOfWork,
    acquirer: Acquirer,
    settings: PaymentsSettings,
    staff: Actor,
    key: str,
    request: RefundRequest,
    step: AuditStep,
) -> Refund:
    body = fingerprint(request)
    async with uow:
        session = uow.session
        await refunds.lock_key(session, staff.user_id, key)
        earlier = await refunds.by_key(session, staff.user_id, key)
        if earlier is not None:
            if earlier.request_fingerprint != body:
                raise RefundKeyReused
            return earlier  # a replay: the refund as it stands now
        payment = await refunds.lock_payment(session, request.payment_id)
        if payment is None:
            raise NotFound
        if payment.status not in REFUNDABLE_STATUSES:
            raise NotRefundable
        check_amount(request.kopecks, payment.amount_kopecks, await refunds.of_payment(session, payment.id))
        waits = needs_approval(request.kopecks, settings.refund_approval_threshold_kopecks)
        refund = await refunds.add(
            session,
            dict(
                id=uuid.uuid4(),
                payment_id=payment.id,
                amount_kopecks=request.kopecks,
                reason=request.reason,
                status="awaiting_approval" if waits else "pending",
                requested_by=staff.user_id,
                idempotency_key=key,
                request_fingerprint=body,
            ),
        )
        await story.note(
            session,
            payment.id,
            story.REFUND_REQUESTED,
            refund_id=str(refund.id),
            amount_kopecks=refund.amount_kopecks,
            status=refund.status,
            by=str(staff.user_id),
        )
        await step.record(uow)
        await uow.commit()
    log.info("refund_requested", refund_id=str(refund.id), payment_id=str(payment.id), status=refund.status)
    if refund.status == "pending":
        return await execute(uow, acquirer, refund.id, staff)
    return refund


async def approve(
    uow: UnitOfWork, acquirer: Acquirer, refund_id: uuid.UUID, supervisor: Actor, step: AuditStep
) -> Refund:
    async with uow:
        refund = await _decidable(uow, refund_id, supervisor)
        moved = await refunds.move(
            uow.session,
            refund.id,
            "awaiting_approval",
            status="pending",
            decided_by=supervisor.user_id,
            decided_at=func.now(),
        )
        assert moved is not None  # the row is locked since _decidable read it
        await story.note(
            uow.session, refund.payment_id, story.REFUND_APPROVED, refund_id=str(refund.id), by=str(supervisor.user_id)
        )
        await step.record(uow)
        await uow.commit()
    return await execute(uow, acquirer, refund.id, supervisor)


async def reject(uow: UnitOfWork, refund_id: uuid.UUID, supervisor: Actor, comment: str, step: AuditStep) -> Refund:
    async with uow:
        refund = await _decidable(uow, refund_id, supervisor)
        moved = await refunds.move(
            uow.session,
            refund.id,
            "awaiting_approval",
            status="rejected",
            decided_by=supervisor.user_id,
            decided_at=func.now(),
            decision_comment=comment,
        )
        assert moved is not None
        await story.note(
            uow.session,
            refund.payment_id,
            story.REFUND_REJECTED,
            refund_id=str(refund.id),
            by=str(supervisor.user_id),
            comment=comment,
        )
        await step.record(uow)
        await uow.commit()
    return moved


async def _decidable(uow: UnitOfWork, refund_id: uuid.UUID, decider: Actor) -> Refund:
    refund = await refunds.get(uow.session, refund_id, lock=True)
    if refund is None:
        raise NotFound
    check_decision(refund, decider.user_id)
    return refund


async def execute(uow: UnitOfWork, acquirer: Acquirer, refund_id: uuid.UUID, actor: Actor) -> Refund:
    """Ask the bank to give a `pending` refund back, and record what it said."""
    async with uow:
        refund = await refunds.get(uow.session, refund_id)
        assert refund is not None
        payment = await repository.get(uow.session, refund.payment_id)
        assert payment is not None
    if refund.status != "pending":
        return refund
    try:
        # Outside any transaction: no row is locked while the bank answers.
        await acquirer.refund(payment.acquirer_order_id, refund.amount_kopecks)
    except AcquirerRefused as exc:
        return await _failed(uow, refund, f"acquirer_refused:{exc.code}", actor)
    except AcquirerUnavailable as exc:
        # Whether the bank did it is unknown: it stays pending, and the poller finds out (resume).
        log.warning("refund_bank_unavailable", refund_id=str(refund.id), error=str(exc))
        return refund
    return await _succeeded(uow, refund, actor)


async def resume(uow: UnitOfWork, acquirer: Acquirer, refund_id: uuid.UUID, actor: Actor) -> None:
    """A `pending` refund whose answer was never recorded: the bank's refunded amount beyond what
    we recorded says it went through; otherwise it is asked for again."""
    async with uow:
        refund = await refunds.get(uow.session, refund_id)
        payment = None if refund is None else await repository.get(uow.session, refund.payment_id)
    if refund is None or payment is None or refund.status != "pending":
        return
    order = await acquirer.status(payment.acquirer_order_id)
    if order.refunded_amount >= payment.refunded_kopecks + refund.amount_kopecks:
        await _succeeded(uow, refund, actor)
    else:
        await execute(uow, acquirer, refund.id, actor)


async def _succeeded(uow: UnitOfWork, refund: Refund, actor: Actor) -> Refund:
    async with uow:
        session = uow.session
        await refunds.lock_payment(session, refund.payment_id)
        done = await refunds.move(session, refund.id, "pending", status="succeeded", refunded_at=func.now())
        if done is None:  # settled by someone else meanwhile (the poller, a retry)
            found = await refunds.get(session, refund.id)
            assert found is not None
            return found
        payment = await refunds.add_refunded(session, refund.payment_id, refund.amount_kopecks)
        assert done.refunded_at is not None
        uow.publish(
            PaymentRefunded(
                payment_id=payment.id,
                refund_id=done.id,
                user_id=payment.user_id,
                account_id=payment.account_id,
                region_code=payment.region_code,
                account_number=payment.account_number,
                amount_kopecks=done.amount_kopecks,
                refunded_at=done.refunded_at,
            ),
            str(payment.account_id),
        )
        uow.publish(_letter(payment, done), str(payment.user_id))
        await story.note(
            session,
            payment.id,
            story.REFUND_SUCCEEDED,
            refund_id=str(done.id),
            amount_kopecks=done.amount_kopecks,
            payment_status=payment.status,
        )
        await story.note(session, payment.id, story.EVENT, type=PaymentRefunded.event_type, refund_id=str(done.id))
        await record(uow, actor, "refund.execute", "refund", done.id, OK)
        await uow.commit()
    log.info("refund_succeeded", refund_id=str(done.id), payment_id=str(payment.id), status=payment.status)
    return done


async def _failed(uow: UnitOfWork, refund: Refund, reason: str, actor: Actor) -> Refund:
    async with uow:
        failed = await refunds.move(uow.session, refund.id, "pending", status="failed", failure_reason=reason)
        if failed is None:
            found = await refunds.get(uow.session, refund.id)
            assert found is not None
            return found
        await story.note(uow.session, refund.payment_id, story.REFUND_FAILED, refund_id=str(refund.id), reason=reason)
        await record(uow, actor, "refund.execute", "refund", refund.id, REFUSED + reason)
        await uow.commit()
    log.warning("refund_refused_by_bank", refund_id=str(refund.id), reason=reason)
    return failed


def _letter(payment: Payment, refund: Refund) -> SendLetter:
    """The payer's letter: to the address that paid, else (autopay) their address book entry."""
    assert refund.refunded_at is not None
    params = {
        "account_number": payment.account_number,
        "amount": format_kopecks(refund.amount_kopecks),
        "paid_amount": format_kopecks(payment.amount_kopecks),
        "refunded_total": format_kopecks(payment.refunded_kopecks),
        "refunded_at": refund.refunded_at.astimezone(LOCAL_TIME).strftime("%d.%m.%Y %H:%M"),
        "order_id": payment.acquirer_order_id,
        "in_full": payment.status == "refunded",
    }
    if payment.payer_email:
        return SendLetter(template="payment_refunded", to=payment.payer_email, params=params)
    return SendLetter(template="payment_refunded", user_id=payment.user_id, params=params)
