"""`/payments/basket`: several of the caller's accounts paid by one bank order (idempotent, by the
card page or SBP), and `/payments/baskets/{id}`: its outcome, for the result page the bank sends
the payer back to (checked with the bank while pending). Only the payer's own: another's is 404."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header

from lka_common.auth import CurrentUser, Subscriber
from lka_common.web import UowDep
from lka_payments.entrypoints.dependencies import AcquirerDep, SettingsDep
from lka_payments.entrypoints.problem_docs import problems
from lka_payments.entrypoints.routers.payments import KEY_DOC, checked_key
from lka_payments.entrypoints.schemas.baskets import BasketIn, BasketOut, BasketStartedOut
from lka_payments.service_layer import basket_checkout

router = APIRouter(prefix="/payments", tags=["payments"])


@router.post(
    "/basket",
    status_code=201,
    response_model=BasketStartedOut,
    responses=problems(400, 401, 403, 404, 422, 502, 503),
    openapi_extra={"parameters": [KEY_DOC]},
)
async def create_basket(
    body: BasketIn,
    user: Subscriber,
    uow: UowDep,
    acquirer: AcquirerDep,
    settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(max_length=255, include_in_schema=False)] = None,
) -> BasketStartedOut:
    key = checked_key(idempotency_key)
    view = await basket_checkout.start_basket(uow, acquirer, settings, user, key, body.lines, body.method)
    return BasketStartedOut.of(view)  # a replay: the stored basket, still 201


@router.get("/baskets/{basket_id}", response_model=BasketOut, responses=problems(401, 404, 422))
async def read_basket(
    basket_id: UUID, user: CurrentUser, uow: UowDep, acquirer: AcquirerDep, settings: SettingsDep
) -> BasketOut:
    view = await basket_checkout.basket_for(uow, acquirer, settings, user.user_id, basket_id)
    return BasketOut.of(view, settings.page_lifetime)
