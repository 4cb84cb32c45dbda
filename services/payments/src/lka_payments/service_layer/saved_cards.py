"""A subscriber's saved cards: `GET /cards` (checked against the bank's list of bindings when it
answers) and `DELETE /cards/{id}` (unbound at the bank first, so a deleted card can never pay)."""

from __future__ import annotations

import uuid

import structlog

from lka_common.uow import UnitOfWork
from lka_payments.adapters import cards
from lka_payments.adapters.acquirer import Acquirer
from lka_payments.domain.cards import SavedCard, client_id
from lka_payments.domain.errors import AcquirerRefused, AcquirerUnavailable, CardNotFound

log = structlog.get_logger(__name__)


async def cards_of(uow: UnitOfWork, acquirer: Acquirer, user_id: uuid.UUID) -> list[SavedCard]:
    """The user's cards; those whose binding the bank no longer lists (unbound or lapsed there)
    are deleted here too. Without the bank's answer the list is ours as it stands."""
    async with uow:
        kept = await cards.of_user(uow.session, user_id)
    if not kept:
        return kept
    try:
        at_bank = {binding.binding_id for binding in await acquirer.bindings(client_id(user_id))}
    except (AcquirerUnavailable, AcquirerRefused) as exc:
        log.warning("bindings_unavailable", error=str(exc))
        return kept
    gone = {card.binding_id for card in kept} - at_bank
    if gone:
        async with uow:
            await cards.forget_bindings(uow.session, user_id, gone)
            await uow.commit()
        log.info("cards_unbound_at_bank", count=len(gone))
    return [card for card in kept if card.binding_id not in gone]


async def delete_card(uow: UnitOfWork, acquirer: Acquirer, user_id: uuid.UUID, card_id: uuid.UUID) -> None:
    async with uow:
        card = await cards.own(uow.session, user_id, card_id)
    if card is None:
        raise CardNotFound
    # The bank first: if it cannot be told, the card stays (503, and the payer tries again).
    await acquirer.unbind(card.binding_id)
    async with uow:
        await cards.mark_deleted(uow.session, card.id)
        await uow.commit()
    log.info("card_deleted", card_id=str(card.id))
