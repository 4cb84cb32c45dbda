"""`/cards`: a subscriber's saved cards (bindings the bank keeps for them), listed and deleted.
Only the owner's: another's card id is 404, as an unknown one is; staff have no cards (403).
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from lka_common.auth import Subscriber
from lka_common.web import UowDep
from lka_payments.entrypoints.dependencies import AcquirerDep
from lka_payments.entrypoints.problem_docs import problems
from lka_payments.entrypoints.schemas.cards import SavedCardOut
from lka_payments.service_layer import saved_cards

router = APIRouter(prefix="/cards", tags=["cards"])


@router.get("", response_model=list[SavedCardOut], responses=problems(401, 403))
async def list_cards(user: Subscriber, uow: UowDep, acquirer: AcquirerDep) -> list[SavedCardOut]:
    return [SavedCardOut.of(card) for card in await saved_cards.cards_of(uow, acquirer, user.user_id)]


@router.delete("/{card_id}", status_code=204, response_class=Response, responses=problems(401, 403, 404, 422, 502, 503))
async def delete_card(card_id: UUID, user: Subscriber, uow: UowDep, acquirer: AcquirerDep) -> Response:
    await saved_cards.delete_card(uow, acquirer, user.user_id, card_id)
    return Response(status_code=204)
