"""Starting a payment: `POST /payments` with its `Idempotency-Key`.

The key is held under an advisory lock from the lookup to the commit, with the acquirer's calls
inside (`register.do`, then the QR code of an SBP payment or the payment with a saved card): two
requests with the same key cannot both register an order, and a failed call leaves no row, so
the client simply retries with the same key.

A payment with a saved card the bank decides at once (unless the issuer asks for 3-D Secure), so
it is settled before the answer, which then says succeeded or failed (or still pending if the
bank's status could not be read: the callback and the poller finish it).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import structlog

from lka_common.auth import Principal
from lka_common.uow import UnitOfWork
from lka_payments.adapters import baskets, cards, metrics, repository
from lka_payments.adapters.acquirer import Acquirer, OrderRequest, SbpQr
from lka_payments.domain.cards import SavedCard, client_id
from lka_payments.domain.errors import (
    AcquirerRefused,
    AcquirerUnavailable,
    AmountAboveCeiling,
    CardNotFound,
    IdempotencyKeyReused,
    NotFound,
)
from lka_payments.domain.model import Method, PayableAccount, Payment, PaymentStatus
from lka_payments.domain.receipt import order_bundle
from lka_payments.service_layer.settlement import settle
from lka_payments.settings import PaymentsSettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class PaymentRequest:
    account_id: uuid.UUID
    kopecks: int
    method: Method = "card"
    save_card: bool = False
    card_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Started:
    payment_id: uuid.UUID
    amount_kopecks: int
    method: Method
    status: PaymentStatus
    confirmation_url: str | None
    qr: SbpQr | None

    @classmethod
    def of(cls, payment: Payment) -> Started:
        qr = SbpQr(payment.qr_id, payment.qr_payload) if payment.qr_id and payment.qr_payload else None
        return cls(payment.id, payment.amount_kopecks, payment.method, payment.status, payment.confirmation_url, qr)


def fingerprint(request: PaymentRequest) -> str:
    """What makes two bodies "the same": the account and the amount in kopecks, and how to pay.
    A plain card payment keeps the first version's form, so its keys replay as they did."""
    text = f"{request.account_id}:{request.kopecks}"
    if (request.method, request.save_card, request.card_id) != ("card", False, None):
        text += f":{request.method}:{request.save_card}:{request.card_id or ''}"
    return hashlib.sha256(text.encode()).hexdigest()


def order_request(
    settings: PaymentsSettings,
    payer: Principal,
    account: PayableAccount,
    payment_id: uuid.UUID,
    request: PaymentRequest,
) -> OrderRequest:
    base = settings.public_base_url.rstrip("/")
    result_url = f"{base}/payments/{payment_id}/result"
    # The payer is the bank's client only to keep a card or pay with a kept one.
    client = client_id(payer.user_id) if request.save_card or request.card_id else None
    return OrderRequest(
        order_number=payment_id.hex,  # one order number per attempt: each attempt is a payment
        amount_kopecks=request.kopecks,
        return_url=result_url,
        fail_url=result_url,  # the result page reads the outcome from GET /payments/{id}
        callback_url=f"{base}/api/v1/payments/acquirer/rbs/callback",
        description=f"Оплата электроэнергии, л/с № {account.account_number}",
        session_timeout_s=settings.rbs_session_timeout_s,
        bundle=order_bundle(
            payer.email,
            [(account.account_number, request.kopecks)],
            settings.receipt_tax_type,
            settings.receipt_payment_method,
            settings.receipt_payment_object,
        ),
        client_id=client,
    )


async def start_payment(
    uow: UnitOfWork,
    acquirer: Acquirer,
    settings: PaymentsSettings,
    payer: Principal,
    key: str,
    request: PaymentRequest,
) -> Started:
    if request.kopecks > settings.payment_ceiling_kopecks:
        raise AmountAboveCeiling(settings.payment_ceiling_kopecks)
    body = fingerprint(request)
    async with uow:
        await repository.lock_key(uow.session, payer.user_id, key)
        earlier = await repository.by_key(uow.session, payer.user_id, key)
        if earlier is not None:
            if earlier.request_fingerprint != body:
                raise IdempotencyKeyReused
            return Started.of(earlier)
        if await baskets.by_key(uow.session, payer.user_id, key) is not None:
            raise IdempotencyKeyReused  # the key of a basket
        account = await repository.payable(uow.session, request.account_id, payer.user_id)
        if account is None:
            raise NotFound
        card: SavedCard | None = None
        if request.card_id is not None:
            card = await cards.own(uow.session, payer.user_id, request.card_id)
            if card is None:
                raise CardNotFound
        payment_id = uuid.uuid4()
        order = await acquirer.register(order_request(settings, payer, account, payment_id, request))
        confirmation_url: str | None = order.form_url
        qr: SbpQr | None = None
        if request.method == "sbp":
            qr, confirmation_url = await acquirer.sbp_qr(order.order_id), None
        elif card is not None:
            confirmation_url = (await acquirer.pay_with_binding(order.order_id, card.binding_id)).challenge_url
        values: dict[str, Any] = dict(id=payment_id, user_id=payer.user_id, account_id=request.account_id)
        values.update(amount_kopecks=request.kopecks, method=request.method, save_card=request.save_card)
        values.update(region_code=account.region_code, account_number=account.account_number)
        values.update(idempotency_key=key, request_fingerprint=body, order_number=payment_id.hex)
        values.update(acquirer_order_id=order.order_id, confirmation_url=confirmation_url, payer_email=payer.email)
        if qr is not None:
            values.update(qr_id=qr.qr_id, qr_payload=qr.payload)
        values.update(card_id=request.card_id)
        await repository.add(uow.session, values, settings.poll_first_s)
        await uow.commit()
    metrics.PAYMENTS_CREATED.labels(request.method).inc()
    status: PaymentStatus = "pending"
    if card is not None and confirmation_url is None:
        status = await _settled_at_once(uow, acquirer, settings, payment_id)
    return Started(payment_id, request.kopecks, request.method, status, confirmation_url, qr)


async def _settled_at_once(
    uow: UnitOfWork, acquirer: Acquirer, settings: PaymentsSettings, payment_id: uuid.UUID
) -> PaymentStatus:
    """The status of a payment the bank has just decided (a saved card without a challenge)."""
    try:
        await settle(uow, acquirer, settings, payment_id)
    except (AcquirerUnavailable, AcquirerRefused) as exc:
        # Still pending for the payer; the callback or the poller settles it.
        log.warning("payment_check_after_binding_failed", payment_id=str(payment_id), error=str(exc))
    async with uow:
        payment = await repository.get(uow.session, payment_id)
    return payment.status if payment is not None else "pending"
