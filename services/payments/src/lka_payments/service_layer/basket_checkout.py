"""Baskets: `POST /payments/basket` (several of the caller's accounts, one bank order) and
`GET /payments/baskets/{id}` (its outcome, checked with the bank while pending).

As for one payment (starting.py), the key is held under the same advisory lock from lookup to
commit, with the bank's calls inside, and a failed call stores nothing. Every account must be the
caller's: the first that is not refuses the whole basket (404 naming its line) before the bank is
asked. The order is registered for the sum, its receipt (`orderBundle`) lists each account with its
part; each part is a payment of its own, sharing the order (`basket_id`), so the settlement moves
them together and announces each (settlement.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from lka_common.auth import Principal
from lka_common.uow import UnitOfWork
from lka_payments.adapters import baskets, metrics, repository
from lka_payments.adapters.acquirer import Acquirer, OrderRequest, SbpQr
from lka_payments.domain.basket import Basket, BasketLine, fingerprint, status_of, total
from lka_payments.domain.errors import (
    AcquirerRefused,
    AcquirerUnavailable,
    AmountAboveCeiling,
    BasketAccountNotFound,
    IdempotencyKeyReused,
    NotFound,
)
from lka_payments.domain.model import Method, PayableAccount, Payment
from lka_payments.domain.receipt import order_bundle
from lka_payments.service_layer.settlement import settle
from lka_payments.settings import PaymentsSettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class BasketView:
    """A basket and its parts (one payment per account), as the caller reads it."""

    basket: Basket
    parts: list[Payment]

    @property
    def status(self) -> str:
        return status_of(self.parts)

    @property
    def qr(self) -> SbpQr | None:
        basket = self.basket
        return SbpQr(basket.qr_id, basket.qr_payload) if basket.qr_id and basket.qr_payload else None


def part_key(basket_id: uuid.UUID, line: int) -> str:
    """A part's own idempotency key: never a client's (theirs is the basket's), and sorting in line order."""
    return f"basket:{basket_id}:{line:02d}"


def basket_order(
    settings: PaymentsSettings,
    payer: Principal,
    basket_id: uuid.UUID,
    accounts: Sequence[PayableAccount],
    lines: Sequence[BasketLine],
) -> OrderRequest:
    base = settings.public_base_url.rstrip("/")
    result_url = f"{base}/payments/baskets/{basket_id}/result"
    numbers = [account.account_number for account in accounts]
    return OrderRequest(
        order_number=basket_id.hex,
        amount_kopecks=total(lines),
        return_url=result_url,
        fail_url=result_url,  # the result page reads the outcome from GET /payments/baskets/{id}
        callback_url=f"{base}/api/v1/payments/acquirer/rbs/callback",
        description=f"Оплата электроэнергии, л/с № {', '.join(numbers)}",
        session_timeout_s=settings.rbs_session_timeout_s,
        bundle=order_bundle(
            payer.email,
            [(number, line.kopecks) for number, line in zip(numbers, lines, strict=True)],
            settings.receipt_tax_type,
            settings.receipt_payment_method,
            settings.receipt_payment_object,
        ),
    )


async def start_basket(
    uow: UnitOfWork,
    acquirer: Acquirer,
    settings: PaymentsSettings,
    payer: Principal,
    key: str,
    lines: Sequence[BasketLine],
    method: Method,
) -> BasketView:
    if total(lines) > settings.payment_ceiling_kopecks:
        raise AmountAboveCeiling(settings.payment_ceiling_kopecks)
    body = fingerprint(lines, method)
    async with uow:
        await repository.lock_key(uow.session, payer.user_id, key)
        earlier = await baskets.by_key(uow.session, payer.user_id, key)
        if earlier is not None:
            if earlier.request_fingerprint != body:
                raise IdempotencyKeyReused
            return BasketView(earlier, await baskets.parts(uow.session, earlier.id))
        if await repository.by_key(uow.session, payer.user_id, key) is not None:
            raise IdempotencyKeyReused  # the key of a payment of one account
        accounts = []
        for line, item in enumerate(lines, start=1):
            account = await repository.payable(uow.session, item.account_id, payer.user_id)
            if account is None:
                raise BasketAccountNotFound(line)
            accounts.append(account)
        basket_id = uuid.uuid4()
        order = await acquirer.register(basket_order(settings, payer, basket_id, accounts, lines))
        confirmation_url: str | None = order.form_url
        qr: SbpQr | None = None
        if method == "sbp":
            qr, confirmation_url = await acquirer.sbp_qr(order.order_id), None
        shared: dict[str, Any] = dict(user_id=payer.user_id, method=method, request_fingerprint=body)
        shared.update(order_number=basket_id.hex, acquirer_order_id=order.order_id, confirmation_url=confirmation_url)
        shared.update(qr_id=qr.qr_id if qr else None, qr_payload=qr.payload if qr else None)
        await baskets.add(uow.session, dict(id=basket_id, idempotency_key=key, amount_kopecks=total(lines), **shared))
        for line, (account, item) in enumerate(zip(accounts, lines, strict=True), start=1):
            values = dict(id=uuid.uuid4(), account_id=account.account_id, amount_kopecks=item.kopecks, **shared)
            values.update(region_code=account.region_code, account_number=account.account_number)
            values.update(basket_id=basket_id, idempotency_key=part_key(basket_id, line), payer_email=payer.email)
            values.update(save_card=False)
            await repository.add(uow.session, values, settings.poll_first_s)
        await uow.commit()
    metrics.PAYMENTS_CREATED.labels(method).inc(len(lines))
    log.info("basket_started", basket_id=str(basket_id), accounts=len(lines), method=method)
    return await _view(uow, basket_id)


async def basket_for(
    uow: UnitOfWork, acquirer: Acquirer, settings: PaymentsSettings, user_id: uuid.UUID, basket_id: uuid.UUID
) -> BasketView:
    """The caller's basket, settled first while it is pending (another's is 404, as an unknown one)."""
    view = await _view(uow, basket_id)
    if view.basket.user_id != user_id:
        raise NotFound
    if view.status != "pending":
        return view
    try:
        await settle(uow, acquirer, settings, view.parts[0].id)
    except (AcquirerUnavailable, AcquirerRefused) as exc:
        # The payer still sees "pending"; the poller asks again later.
        log.warning("basket_check_on_read_failed", basket_id=str(basket_id), error=str(exc))
        return view
    return await _view(uow, basket_id)


async def _view(uow: UnitOfWork, basket_id: uuid.UUID) -> BasketView:
    async with uow:
        basket = await baskets.get(uow.session, basket_id)
        if basket is None:
            raise NotFound
        return BasketView(basket, await baskets.parts(uow.session, basket_id))
