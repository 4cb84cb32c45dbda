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
from lka_payments.adapters import baskets, cards, metrics, repository, story
from lka_payments.adapters.acquirer import Acquirer
from lka_payments.domain.cards import card_to_keep
from lka_payments.domain.errors import AcquirerRefused, AcquirerUnavailable, NotFound
from lka_payments.domain.model import AmountMismatch, Brand, Outcome, Payment, decide
from lka_payments.settings import PaymentsSettings

log = structlog.get_logger(__name__)
LOCAL_TIME = ZoneInfo("Europe/Simferopol")
BRAND_NAMES = {"mir": "Мир", "visa": "Visa", "mastercard": "Mastercard"}
SBP_NAME = "СБП"  # what the receipt letter names as paid with, for an SBP transfer


async def settle(
    uow: UnitOfWork, acquirer: Acquirer, settings: PaymentsSettings, payment_id: uuid.UUID, source: str = "poll"
) -> None:
    """Ask the acquirer about a pending payment and record the outcome, if there is one yet. A
    basket's part settles the whole basket: its order is the basket's, for the basket's amount.
    What the bank said goes into the payment's story (`source`: poll, read, callback,
    reconciliation…), in the transaction of the outcome when there is one."""
    async with uow:
        payment = await repository.get(uow.session, payment_id)
        if payment is None or payment.status != "pending":
            return
        expected = await _order_amount(uow, payment)
    # Outside any transaction: no connection is held while the bank answers.
    order = await acquirer.status(payment.acquirer_order_id)
    observed: dict[str, Any] = dict(
        source=source, order_status=order.order_status, action_code=order.action_code, amount_kopecks=order.amount
    )
    lifetime = timedelta(seconds=settings.rbs_session_timeout_s + settings.expiry_grace_s)
    try:
        outcome = decide(expected, payment.created_at, order, datetime.now(UTC), lifetime)
    except AmountMismatch as exc:
        log.error("acquirer_amount_mismatch", payment_id=str(payment_id), detail=str(exc))
        outcome, observed["amount_mismatch"] = None, True
    if outcome is not None and await record(uow, payment_id, outcome, observed):
        return
    async with uow:
        await story.note(uow.session, payment_id, story.POLLED, **observed)
        await uow.commit()


async def _order_amount(uow: UnitOfWork, payment: Payment) -> int:
    """What the payment's bank order is for: its own amount, or its basket's whole amount."""
    if payment.basket_id is None:
        return payment.amount_kopecks
    basket = await baskets.get(uow.session, payment.basket_id)
    assert basket is not None  # a part's basket_id is a foreign key
    return basket.amount_kopecks


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
        await settle(uow, acquirer, settings, payment_id, "read")
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
    told: dict[str, str] | None = None,
) -> None:
    """After a verified callback: settle the payment of this acquirer order. An order that is not
    ours (or whose number differs) is logged and left, since the bank's retries could not help.
    The callback (`told`: its operation, status and amount) goes into the payment's story."""
    async with uow:
        payment = await repository.by_order(uow.session, order_id)
        expected = None if payment is None else await _order_amount(uow, payment)
        if payment is not None and payment.order_number == order_number:
            await story.note(uow.session, payment.id, story.CALLBACK, **(told or {}))
            await uow.commit()
    if payment is None or payment.order_number != order_number:
        log.error("acquirer_callback_unknown_order", md_order=order_id[:64])
        return
    if amount not in (None, str(expected)):
        log.error("acquirer_callback_amount_differs", payment_id=str(payment.id), amount=amount)
    try:
        await settle(uow, acquirer, settings, payment.id, "callback")
    except (AcquirerUnavailable, AcquirerRefused) as exc:
        log.warning("acquirer_status_unavailable", payment_id=str(payment.id), error=str(exc))
        raise


async def record(
    uow: UnitOfWork, payment_id: uuid.UUID, outcome: Outcome, observed: dict[str, Any] | None = None
) -> bool:
    """Move the pending payment (a basket's every part) to `outcome`, with its events, letter and
    story (`observed`: what the bank said), in one transaction; False if it was moved already."""
    async with uow:
        payment = await repository.get(uow.session, payment_id)
        if payment is None:
            return False
        if payment.basket_id is None:
            moved = [one] if (one := await repository.transition(uow.session, payment_id, outcome)) else []
        else:
            moved = await baskets.transition(uow.session, payment.basket_id, outcome)
        if not moved:
            return False
        for part in moved:
            # A card the payer asked to save is kept with the payment that proved it, or not at all.
            card = card_to_keep(part, outcome)
            if card is not None:
                await cards.keep(uow.session, part.user_id, card)
            announce(uow, part, receipt=payment.basket_id is None)
            await story.note(uow.session, part.id, story.POLLED, **(observed or {}), outcome=outcome.status)
            event = PaymentSucceeded if part.status == "succeeded" else PaymentFailed
            await story.note(uow.session, part.id, story.EVENT, type=event.event_type)
        if payment.basket_id is not None:
            send_receipt(uow, moved)  # one letter for the basket's one bank order
        await uow.commit()
    for part in moved:
        metrics.PAYMENTS_FINISHED.labels(part.method, part.card_brand or "unknown", part.status).inc()
    log.info("payment_settled", payment_id=str(payment_id), status=outcome.status, reason=outcome.reason)
    return True


def announce(uow: UnitOfWorkProtocol, payment: Payment, receipt: bool = True) -> None:
    """The settled payment's event, and (`receipt`) its receipt letter once it succeeded."""
    subject = str(payment.account_id)
    common: dict[str, Any] = dict(
        payment_id=payment.id,
        user_id=payment.user_id,
        account_id=payment.account_id,
        region_code=payment.region_code,
        account_number=payment.account_number,
        amount_kopecks=payment.amount_kopecks,
        method=payment.method,
        basket_id=payment.basket_id,
    )
    if payment.status != "succeeded":
        uow.publish(PaymentFailed(**common, reason=payment.failure_reason or "declined"), subject)
        return
    assert payment.paid_at is not None  # the UPDATE that made it succeeded set it
    uow.publish(
        PaymentSucceeded(
            **common, paid_at=payment.paid_at, card_brand=brand_of(payment), acquirer_order_id=payment.acquirer_order_id
        ),
        subject,
    )
    if receipt:
        send_receipt(uow, [payment])


def brand_of(payment: Payment) -> Brand | None:
    """A card's brand; none for an SBP transfer (a card's unnamed brand reads as Mir, most payers' card)."""
    return None if payment.method == "sbp" else payment.card_brand or "mir"


def send_receipt(uow: UnitOfWorkProtocol, paid: list[Payment]) -> None:
    """The receipt letter of one bank order: a payment, or every part of a basket (its accounts
    and their sum), to the payer's address if the token that started it had one; `user_id` lets
    notifications honour the payer's `payment_receipts` preference."""
    first = paid[0]
    if first.status != "succeeded" or not first.payer_email:
        return
    assert first.paid_at is not None
    brand = brand_of(first)
    paid_with = SBP_NAME if brand is None else f"{BRAND_NAMES.get(brand, brand)} {first.pan_masked or ''}".strip()
    params = {
        "account_number": ", ".join(payment.account_number for payment in paid),
        "amount": format_kopecks(sum(payment.amount_kopecks for payment in paid)),
        "card": paid_with,
        "paid_at": first.paid_at.astimezone(LOCAL_TIME).strftime("%d.%m.%Y %H:%M"),
        "order_id": first.acquirer_order_id,
    }
    receipt = SendLetter(template="payment_receipt", to=first.payer_email, user_id=first.user_id, params=params)
    uow.publish(receipt, str(first.user_id))
