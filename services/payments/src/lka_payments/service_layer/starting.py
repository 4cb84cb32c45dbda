"""Starting a payment: `POST /payments` with its `Idempotency-Key`.

The key is held under an advisory lock from the lookup to the commit, with the acquirer's
`register.do` inside: two requests with the same key cannot both register an order, and a
failed registration leaves no row, so the client simply retries with the same key.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from lka_common.auth import Principal
from lka_common.uow import UnitOfWork
from lka_payments.adapters import repository
from lka_payments.adapters.acquirer import Acquirer, OrderRequest
from lka_payments.domain.errors import AmountAboveCeiling, IdempotencyKeyReused, NotFound
from lka_payments.domain.receipt import order_bundle
from lka_payments.settings import PaymentsSettings


@dataclass(frozen=True)
class Started:
    payment_id: uuid.UUID
    amount_kopecks: int
    confirmation_url: str


def fingerprint(account_id: uuid.UUID, kopecks: int) -> str:
    """What makes two bodies "the same": the account and the amount in kopecks."""
    return hashlib.sha256(f"{account_id}:{kopecks}".encode()).hexdigest()


async def start_payment(
    uow: UnitOfWork,
    acquirer: Acquirer,
    settings: PaymentsSettings,
    payer: Principal,
    key: str,
    account_id: uuid.UUID,
    kopecks: int,
) -> Started:
    if kopecks > settings.payment_ceiling_kopecks:
        raise AmountAboveCeiling(settings.payment_ceiling_kopecks)
    body = fingerprint(account_id, kopecks)
    async with uow:
        await repository.lock_key(uow.session, payer.user_id, key)
        earlier = await repository.by_key(uow.session, payer.user_id, key)
        if earlier is not None:
            if earlier.request_fingerprint != body:
                raise IdempotencyKeyReused
            return Started(earlier.id, earlier.amount_kopecks, earlier.confirmation_url)
        account = await repository.payable(uow.session, account_id, payer.user_id)
        if account is None:
            raise NotFound
        payment_id = uuid.uuid4()
        base = settings.public_base_url.rstrip("/")
        result_url = f"{base}/payments/{payment_id}/result"
        order = await acquirer.register(
            OrderRequest(
                order_number=payment_id.hex,  # one order number per attempt: each attempt is a payment
                amount_kopecks=kopecks,
                return_url=result_url,
                fail_url=result_url,  # the result page reads the outcome from GET /payments/{id}
                callback_url=f"{base}/api/v1/payments/acquirer/rbs/callback",
                description=f"Оплата электроэнергии, л/с № {account.account_number}",
                session_timeout_s=settings.rbs_session_timeout_s,
                bundle=order_bundle(
                    payer.email,
                    account.account_number,
                    kopecks,
                    settings.receipt_tax_type,
                    settings.receipt_payment_method,
                    settings.receipt_payment_object,
                ),
            )
        )
        values = dict(id=payment_id, user_id=payer.user_id, account_id=account_id, amount_kopecks=kopecks)
        values.update(region_code=account.region_code, account_number=account.account_number)
        values.update(idempotency_key=key, request_fingerprint=body, order_number=payment_id.hex)
        values.update(acquirer_order_id=order.order_id, confirmation_url=order.form_url, payer_email=payer.email)
        await repository.add(uow.session, values, settings.poll_first_s)
        await uow.commit()
    return Started(payment_id, kopecks, order.form_url)
