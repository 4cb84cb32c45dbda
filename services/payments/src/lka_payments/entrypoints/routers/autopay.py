"""`/accounts/{id}/autopay`: a subscriber's autopay of a linked account, set, read and ended
(service_layer/autopay_setup.py). Only the owner's: another's is 404; staff cannot set one (403)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from lka_common.auth import Subscriber
from lka_common.scheduler.clock import Clock
from lka_common.web import UowDep
from lka_payments.entrypoints.dependencies import SettingsDep
from lka_payments.entrypoints.problem_docs import problems
from lka_payments.entrypoints.schemas.autopay import AutopayIn, AutopayOut
from lka_payments.service_layer import autopay_setup

router = APIRouter(prefix="/accounts/{account_id}/autopay", tags=["autopay"])


@router.put("", response_model=AutopayOut, responses=problems(401, 403, 404, 409, 422))
async def put_autopay(
    account_id: UUID, body: AutopayIn, user: Subscriber, uow: UowDep, settings: SettingsDep
) -> AutopayOut:
    kopecks = body.max_kopecks
    view = await autopay_setup.set_autopay(uow, user.user_id, account_id, body.card_id, body.day_of_month, kopecks)
    return AutopayOut.of(view, Clock(settings.clock_offset_s).today())


@router.get("", response_model=AutopayOut, responses=problems(401, 403, 404, 422))
async def get_autopay(account_id: UUID, user: Subscriber, uow: UowDep, settings: SettingsDep) -> AutopayOut:
    view = await autopay_setup.autopay_of(uow, user.user_id, account_id)
    return AutopayOut.of(view, Clock(settings.clock_offset_s).today())


@router.delete("", status_code=204, response_class=Response, responses=problems(401, 403, 404, 422))
async def delete_autopay(account_id: UUID, user: Subscriber, uow: UowDep) -> Response:
    await autopay_setup.cancel_autopay(uow, user.user_id, account_id)
    return Response(status_code=204)
