"""`/public/readings`: the sign-in page's form, a reading without a login (the manual's
«Внесение показаний … без регистрации»), limited per client address and per account; and
`/public/readings/meter`, its first step: the zones of the meter the three fields name."""

from __future__ import annotations

from fastapi import APIRouter, Request

from lka_common.client_address import client_address
from lka_common.web import DriverUowDep, UowDep
from lka_readings.entrypoints.dependencies import RulesDep, SettingsDep
from lka_readings.entrypoints.problem_docs import problems
from lka_readings.entrypoints.schemas import PublicMeterIn, PublicMeterOut, PublicReadingIn, PublicSubmittedOut
from lka_readings.service_layer import limits, queries, submission

router = APIRouter(prefix="/public", tags=["readings"])


@router.post("/readings", status_code=201, response_model=PublicSubmittedOut, responses=problems(404, 409, 422, 429))
async def submit_public_reading(
    body: PublicReadingIn,
    request: Request,
    uow: UowDep,
    submission_uow: DriverUowDep,
    rules: RulesDep,
    settings: SettingsDep,
) -> PublicSubmittedOut:
    address = client_address(request)
    if address is not None:
        await limits.count_anonymous_attempt(uow, address, settings.anonymous_readings_per_client_per_hour)
    await limits.count_account_attempt(
        uow, body.region_code, body.account_number, body.meter_serial, settings.anonymous_readings_per_account_per_day
    )
    done = await submission.submit_anonymous(
        submission_uow, rules, body.region_code, body.account_number, body.meter_serial, dict(body.values)
    )
    return PublicSubmittedOut(id=done.id, billing_period=done.billing_period, message=done.message)


@router.post("/readings/meter", response_model=PublicMeterOut, responses=problems(404, 422, 429))
async def find_public_meter(
    body: PublicMeterIn, request: Request, uow: UowDep, lookup_uow: DriverUowDep, settings: SettingsDep
) -> PublicMeterOut:
    """The meter's zones for the form, before any value is typed. No cheaper oracle than the
    submission: one attempt of the client address's allowance, the same 404 for any mismatch,
    and 429 once the account's day is spent (service_layer/limits.py)."""
    address = client_address(request)
    if address is not None:
        await limits.count_anonymous_attempt(uow, address, settings.anonymous_readings_per_client_per_hour)
    await limits.count_account_attempt(
        uow,
        body.region_code,
        body.account_number,
        body.meter_serial,
        settings.anonymous_readings_per_account_per_day,
        record=False,
    )
    meter = await queries.public_meter(lookup_uow, body.region_code, body.account_number, body.meter_serial)
    return PublicMeterOut.of(meter)
