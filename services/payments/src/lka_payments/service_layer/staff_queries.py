"""The staff's reads of payments: the lookup, and one payment's whole story (the order, what
the bank told us and when, the events we sent, its refunds)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from lka_common.uow import UnitOfWork
from lka_payments.adapters import lookup, refunds, repository, story
from lka_payments.domain.errors import NotFound
from lka_payments.domain.model import Payment, PaymentStatus
from lka_payments.domain.refunds import Refund, RefundStatus


@dataclass(frozen=True)
class PaymentStory:
    payment: Payment
    events: list[dict[str, Any]]
    refunds: list[Refund]


async def find_payments(
    uow: UnitOfWork,
    region_code: str | None,
    account_number: str | None,
    status: PaymentStatus | None,
    day_from: date | None,
    day_to: date | None,
    limit: int,
    offset: int,
) -> list[Payment]:
    async with uow:
        return await lookup.search(uow.session, region_code, account_number, status, day_from, day_to, limit, offset)


async def story_of(uow: UnitOfWork, payment_id: uuid.UUID) -> PaymentStory:
    async with uow:
        payment = await repository.get(uow.session, payment_id)
        if payment is None:
            raise NotFound
        return PaymentStory(
            payment, await story.of_payment(uow.session, payment_id), await refunds.of_payment(uow.session, payment_id)
        )


async def refund_list(uow: UnitOfWork, status: RefundStatus | None, limit: int, offset: int) -> list[Refund]:
    async with uow:
        return await refunds.listing(uow.session, status, limit, offset)
