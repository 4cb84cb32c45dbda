"""`/payments`: start a payment (idempotent; by the card page, a saved card or SBP), and read one
(checked with the bank while pending)."""

from __future__ import annotations

import re
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Path

from lka_common.auth import CurrentUser, Subscriber
from lka_common.problems import Problem
from lka_common.web import UowDep
from lka_payments.domain import messages
from lka_payments.entrypoints.dependencies import AcquirerDep, SettingsDep
from lka_payments.entrypoints.problem_docs import problems
from lka_payments.entrypoints.schemas.payments import PaymentIn, PaymentOut, StartedOut
from lka_payments.service_layer.settlement import payment_for
from lka_payments.service_layer.starting import PaymentRequest, start_payment

router = APIRouter(prefix="/payments", tags=["payments"])
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")


# The key is required (a call without it, or with one outside printable ASCII, is 400 by
# contract), so the document says so; FastAPI alone would call it optional, as it is read as
# optional to answer 400 rather than FastAPI's 422 (a client trusting that would be refused).
KEY_DOC = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": "The same key and body again give the same payment; 24 h.",
    "schema": {"type": "string", "pattern": _KEY_RE.pattern, "minLength": 1, "maxLength": 255},
}


def checked_key(idempotency_key: str | None) -> str:
    """The Idempotency-Key, required: 1–255 printable ASCII characters, else 400."""
    if idempotency_key is None or not _KEY_RE.match(idempotency_key):
        raise Problem(400, "idempotency_key_required", messages.KEY_REQUIRED)
    return idempotency_key


@router.post(
    "",
    status_code=201,
    response_model=StartedOut,
    responses=problems(400, 401, 403, 404, 422, 502, 503),
    openapi_extra={"parameters": [KEY_DOC]},
)
async def create_payment(
    body: PaymentIn,
    user: Subscriber,
    uow: UowDep,
    acquirer: AcquirerDep,
    settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(max_length=255, include_in_schema=False)] = None,
) -> StartedOut:
    key = checked_key(idempotency_key)
    request = PaymentRequest(body.account_id, body.kopecks, body.method, body.save_card, body.card_id)
    started = await start_payment(uow, acquirer, settings, user, key, request)
    # A replay answers the stored answer: the same id, amount, card page or QR code, still 201.
    return StartedOut.of(started)


# `:uuid`: only an id is this route's, so `/payments/basket` is never read as one (a GET there is
# the 405 of the basket's route, not this one's 422 for a malformed id).
@router.get("/{payment_id:uuid}", response_model=PaymentOut, responses=problems(401, 404, 422))
async def read_payment(
    payment_id: Annotated[UUID, Path()], user: CurrentUser, uow: UowDep, acquirer: AcquirerDep, settings: SettingsDep
) -> PaymentOut:
    payment = await payment_for(uow, acquirer, settings, user.user_id, payment_id)
    return PaymentOut.of(payment, settings.page_lifetime)
