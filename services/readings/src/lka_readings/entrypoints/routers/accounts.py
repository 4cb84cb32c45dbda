"""`/accounts/{id}/meters`, `/readings`, `/consumption`: a signed-in subscriber's meters,
readings and consumption of an account linked to them."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from lka_common.auth import CurrentUser, Subscriber
from lka_common.paging import PageDep
from lka_common.web import DriverUowDep
from lka_readings.entrypoints.dependencies import RulesDep
from lka_readings.entrypoints.problem_docs import problems
from lka_readings.entrypoints.schemas import (
    ConsumptionOut,
    EstimateOut,
    MeterOut,
    ReadingIn,
    ReadingOut,
    SubmittedOut,
)
from lka_readings.service_layer import queries, submission

router = APIRouter(prefix="/accounts/{account_id}", tags=["readings"])


@router.get("/meters", response_model=list[MeterOut], responses=problems(401, 404, 422))
async def list_meters(account_id: UUID, user: CurrentUser, uow: DriverUowDep) -> list[MeterOut]:
    return [MeterOut.of(meter) for meter in await queries.meters_of(uow, user.user_id, account_id)]


@router.post("/readings", status_code=201, response_model=SubmittedOut, responses=problems(401, 403, 404, 409, 422))
async def submit_reading(
    account_id: UUID, body: ReadingIn, user: Subscriber, uow: DriverUowDep, rules: RulesDep
) -> SubmittedOut:
    done = await submission.submit_reading(uow, rules, user.user_id, account_id, body.meter_id, dict(body.values))
    return SubmittedOut(
        id=done.id, billing_period=done.billing_period, message=done.message, estimate=EstimateOut.of(done.estimate)
    )


@router.get("/readings", response_model=list[ReadingOut], responses=problems(401, 404, 422))
async def list_readings(account_id: UUID, user: CurrentUser, uow: DriverUowDep, page: PageDep) -> list[ReadingOut]:
    found = await queries.history(uow, user.user_id, account_id, page.limit, page.offset)
    return [ReadingOut.of(reading) for reading in found]


@router.get("/consumption", response_model=list[ConsumptionOut], responses=problems(401, 404, 422))
async def consumption(account_id: UUID, user: CurrentUser, uow: DriverUowDep, rules: RulesDep) -> list[ConsumptionOut]:
    found = await queries.consumption(uow, user.user_id, account_id, rules.closing_day, rules.ceiling)
    return [ConsumptionOut.of(item) for item in found]
