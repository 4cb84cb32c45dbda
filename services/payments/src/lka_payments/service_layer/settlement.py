"""Settling a pending payment from the acquirer's own status: after a callback, on read, and
by the poller. The outcome is written with one guarded UPDATE, and its event (and the
receipt letter) only by the caller whose UPDATE moved the row: one transition, one event.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from lka_common.commands.notifications import SendLetter
from lka_common.events.payments import PaymentFailed, PaymentSucceeded
from lka_common.money import format_kopecks
from lka_common.uow import UnitOfWork, UnitOfWorkProtocol
from lka_payments.adapters import cards, metrics, repository
from lka_payments.adapters.acquirer import Acquirer
from lka_payments.domain.cards import card_to_keep
from lka_payments.domain.errors import AcquirerRefused, AcquirerUnavailable, NotFound
from lka_payments.domain.model import AmountMismatch, Outcome, Payment, decide
from lka_payments.settings import PaymentsSettings

log = structlog.get_logger(__name__)
LOCAL_TIME = ZoneInfo("Europe/Simferopol")
BRAND_NAMES = {"mir": "Мир", "visa": "Visa", "mastercard": "Mastercard"}
SBP_NAME = "СБП"  # what the receipt letter names as paid with, for an SBP transfer


async def settle(uow: UnitOfWork, acquirer: Acquirer, settings: PaymentsSettings, payment_id: uuid.UUID) -> None:
    """Ask the acquirer about a pending payment and record the outcome, if there is one yet."""
    async with uow:
        payment = await repository.get(uow.session, payment_id)
    if payment is None or payment.status != "pending":
        return
    # Outside any transaction: no connection is held while the bank answers.
    order = await acquirer.status(payment.acquirer_order_id)
    lifetime = timedelta(seconds=settings.rbs_session_timeout_s + settings.expiry_grace_s)
    try:
        outcome = decide(payment.amount_kopecks, payment.created_at, order, datetime.now(UTC), lifetime)
    except AmountMismatch as exc:
        log.error("acquirer_amount_mismatch", payment_id=str(payment_id), detail=str(exc))
        return
    if outcome is not None:
        await record(uow, payment_id, outcome)


async def payment_for(
    uow: UnitOfWork, acquirer: Acquirer, settings: PaymentsSettings, user_id: uuid.UUID, payment_id: uuid.UUID
) -> Payment:
    """The caller's payment, settled first while it is pending (`GET /payments/{id}`)."""
    async with uow:
        payment = await repository.get(uow.session, payment_id)
    if payment is None or payment.user_id != user_id:
        raise NotFound
    if payment.status != "pending":
        return payment
    try:
        await settle(uow, acquirer, settings, payment_id)
    except (AcquirerUnavailable, AcquirerRefused) as exc:
        # The payer still sees "pending"; the poller asks again later.
        log.warning("payment_check_on_read_failed", payment_id=str(payment_id), error=str(exc))
    async with uow:
        settled = await repository.get(uow.session, payment_id)
    return settled or payment


async def settle_order(
    uow: UnitOfWork,
    acquirer: Acquirer,
    settings: PaymentsSettings,
    order_id: str,
    order_number: str | None,
    amount: str | None,
) -> None:
    """After a verified callback: settle the payment of this acquirer order. An order that is not
    ours (or whose number differs) is logged and left, since the bank's retries could not help."""
    async with uow:
        payment = await repository.by_order(uow.session, order_id)
    if payment is None or payment.order_number != order_number:
        log.error("acquirer_callback_unknown_order", md_order=order_id[:64])
        return
    if amount not in (None, str(payment.amount_kopecks)):
        log.error("acquirer_callback_amount_differs", payment_id=str(payment.id), amount=amount)
    try:
        await settle(uow, acquirer, settings, payment.id)
    except (AcquirerUnavailable, AcquirerRefused) as exc:
        log.warning("acquirer_status_unavailable", payment_id=str(payment.id), error=str(exc))
        raise


async def record(uow: UnitOfWork, payment_id: uuid.UUID, outcome: Outcome) -> bool:
    async with uow:
        moved = await repository.transition(uow.session, payment_id, outcome)
        if moved is None:
            return False
        # A card the payer asked to save is kept with the payment that proved it, or not at all.
        card = card_to_keep(moved, outcome)
        if card is not None:
            await cards.keep(uow.session, moved.user_id, card)
        announce(uow, moved)
        await uow.commit()
    metrics.PAYMENTS_FINISHED.labels(moved.method, moved.card_brand or "unknown", moved.status).inc()
    log.info("payment_settled", payment_id=str(payment_id), status=outcome.status, reason=outcome.reason)
    return True


def announce(uow: UnitOfWorkProtocol, payment: Payment) -> None:
    subject = str(payment.account_id)
    common: dict[str, Any] = dict(
        payment_id=payment.id,
        user_id=payment.user_id,
        account_id=payment.account_id,
        region_code=payment.region_code,
        account_number=payment.account_number,
        amount_kopecks=payment.amount_kopecks,
        method=payment.method,
    )
    if payment.status != "succeeded":
        uow.publish(PaymentFailed(**common, reason=payment.failure_reason or "declined"), subject)
        return
    assert payment.paid_at is not None  # the UPDATE that made it succeeded set it
    # A card's brand; none for an SBP transfer (a card's unnamed brand reads as Mir, most payers' card).
    brand = None if payment.method == "sbp" else payment.card_brand or "mir"
    uow.publish(
        PaymentSucceeded(
            **common, paid_at=payment.paid_at, card_brand=brand, acquirer_order_id=payment.acquirer_order_id
        ),
        subject,
    )
    if payment.payer_email:
        paid_with = SBP_NAME if brand is None else f"{BRAND_NAMES.get(brand, brand)} {payment.pan_masked or ''}".strip()
        params = {
            "account_number": payment.account_number,
            "amount": format_kopecks(payment.amount_kopecks),
            "card": paid_with,
            "paid_at": payment.paid_at.astimezone(LOCAL_TIME).strftime("%d.%m.%Y %H:%M"),
            "order_id": payment.acquirer_order_id,
        }
        uow.publish(SendLetter(template="payment_receipt", to=payment.payer_email, params=params), str(payment.user_id))
