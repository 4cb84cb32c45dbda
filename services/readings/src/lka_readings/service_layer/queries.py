"""The read side: meters, the history and consumption of an account the caller may see, each
in a short transaction of its own; an account not linked to the caller is `NotFound`."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from lka_common.uow import DriverUnitOfWork
from lka_readings.adapters import reads, submissions
from lka_readings.domain.consumption import MonthlyConsumption, monthly
from lka_readings.domain.errors import NotFound
from lka_readings.domain.model import Account, Meter, Reading


async def _account(uow: DriverUnitOfWork, user_id: UUID, account_id: UUID) -> Account:
    account = await reads.linked_account(uow.conn, user_id, account_id)
    if account is None:
        raise NotFound
    return account


async def meters_of(uow: DriverUnitOfWork, user_id: UUID, account_id: UUID) -> list[Meter]:
    async with uow:
        account = await _account(uow, user_id, account_id)
        return await reads.meters_of(uow.conn, account)


async def history(uow: DriverUnitOfWork, user_id: UUID, account_id: UUID, limit: int, offset: int) -> list[Reading]:
    async with uow:
        account = await _account(uow, user_id, account_id)
        return await reads.history(uow.conn, account, limit, offset)


async def consumption(
    uow: DriverUnitOfWork, user_id: UUID, account_id: UUID, closing_day: int, ceiling: Decimal
) -> list[MonthlyConsumption]:
    """Each meter's months from its accepted readings (domain/consumption.py), newest first."""
    async with uow:
        account = await _account(uow, user_id, account_id)
        found_meters = await reads.meters_of(uow.conn, account)
        points = await reads.consumption_points(uow.conn, account, closing_day)
    found: list[MonthlyConsumption] = []
    for meter in found_meters:
        accepted = points.accepted.get(meter.id, [])
        found.extend(monthly(meter, accepted, points.waiting.get(meter.id), ceiling))
    found.sort(key=lambda item: (item.period, str(item.meter_id)), reverse=True)
    return found


async def public_meter(uow: DriverUnitOfWork, region_code: str, number: str, serial: str) -> Meter:
    """The meter the public form's three fields name; `NotFound` for any mismatch, the same
    as the submission answers it."""
    async with uow:
        meter = await submissions.by_serial(uow.conn, region_code, number, serial)
    if meter is None:
        raise NotFound
    return meter
