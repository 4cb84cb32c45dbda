"""Autopay as the subscriber sets it: `PUT`, `GET` and `DELETE /accounts/{id}/autopay`.

One autopay per account: the account must be the caller's (linked), the card the caller's and
not deleted; another subscriber's autopay of a shared account is theirs (GET 404, PUT 409).
Setting it or ending it is announced (`payments.autopay.enabled.v1` / `…disabled.v1`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.engine import RowMapping

from lka_common.events.payments import AutopayDisabled, AutopayEnabled
from lka_common.uow import UnitOfWork
from lka_payments.adapters import autopays, cards, repository
from lka_payments.domain.autopay import Autopay
from lka_payments.domain.cards import SavedCard
from lka_payments.domain.errors import AutopayTaken, CardNotFound, NotFound


@dataclass(frozen=True)
class AutopayView:
    autopay: Autopay
    card: SavedCard | None  # None once the card was deleted
    last_attempt: RowMapping | None


async def set_autopay(
    uow: UnitOfWork, user_id: uuid.UUID, account_id: uuid.UUID, card_id: uuid.UUID, day: int, max_kopecks: int
) -> AutopayView:
    async with uow:
        account = await repository.payable(uow.session, account_id, user_id)
        if account is None:
            raise NotFound
        card = await cards.own(uow.session, user_id, card_id)
        if card is None:
            raise CardNotFound
        current = await autopays.of_account(uow.session, account_id)
        if current is not None and current.user_id != user_id and current.status == "active":
            raise AutopayTaken
        values = dict(account_id=account_id, user_id=user_id, card_id=card_id, day_of_month=day)
        values.update(max_amount_kopecks=max_kopecks, region_code=account.region_code)
        autopay = await autopays.put(uow.session, {**values, "account_number": account.account_number})
        uow.publish(
            AutopayEnabled(
                account_id=account_id,
                region_code=account.region_code,
                account_number=account.account_number,
                user_id=user_id,
                day_of_month=day,
                max_amount_kopecks=max_kopecks,
            ),
            str(account_id),
        )
        last = await autopays.last_charge(uow.session, account_id)
        await uow.commit()
    return AutopayView(autopay, card, last)


async def autopay_of(uow: UnitOfWork, user_id: uuid.UUID, account_id: uuid.UUID) -> AutopayView:
    """The caller's autopay of a linked account (active, or turned off and why); else 404."""
    async with uow:
        autopay = await _own(uow, user_id, account_id)
        card = await cards.own(uow.session, user_id, autopay.card_id)
        return AutopayView(autopay, card, await autopays.last_charge(uow.session, account_id))


async def cancel_autopay(uow: UnitOfWork, user_id: uuid.UUID, account_id: uuid.UUID) -> None:
    async with uow:
        autopay = await _own(uow, user_id, account_id)
        await autopays.remove(uow.session, account_id)
        if autopay.status == "active":
            uow.publish(
                AutopayDisabled(
                    account_id=account_id,
                    region_code=autopay.region_code,
                    account_number=autopay.account_number,
                    user_id=user_id,
                    reason="cancelled",
                ),
                str(account_id),
            )
        await uow.commit()


async def _own(uow: UnitOfWork, user_id: uuid.UUID, account_id: uuid.UUID) -> Autopay:
    if await repository.payable(uow.session, account_id, user_id) is None:
        raise NotFound
    autopay = await autopays.of_account(uow.session, account_id)
    if autopay is None or autopay.user_id != user_id:
        raise NotFound
    return autopay
