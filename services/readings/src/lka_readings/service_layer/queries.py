"""The read side: meters, the history and consumption of an account the caller may see, each
in a short transaction of its own; an account not linked to the caller is `NotFound`."""

from __future__ import annotations

from uuid import UUID

from lka_common.uow import UnitOfWork
from lka_readings.adapters import access, meters, readings
from lka_readings.domain.consumption import MonthlyConsumption, monthly
from lka_readings.domain.errors import NotFound
from lka_readings.domain.model import Account, Meter, Reading


async def _account(uow: UnitOfWork, user_id: UUID, account_id: UUID) -> Account:
    account = await access.linked_account(uow.session, user_id, account_id)
    if account is None:
        raise NotFound
    return account


async def meters_of(uow: UnitOfWork, user_id: UUID, account_id: UUID) -> list[Meter]:
    async with uow:
        account = await _account(uow, user_id, account_id)
        return await meters.of_account(uow.session, account.region_code, account.number)


async def history(uow: UnitOfWork, user_id: UUID, account_id: UUID, limit: int, offset: int) -> list[Reading]:
    async with uow:
        account = await _account(uow, user_id, account_id)
        return await readings.history(uow.session, account, limit, offset)


async def consumption(uow: UnitOfWork, user_id: UUID, account_id: UUID) -> list[MonthlyConsumption]:
    async with uow:
        account = await _account(uow, user_id, account_id)
        found_meters = await meters.of_account(uow.session, account.region_code, account.number)
        periods = await readings.per_period(uow.session, account)
    found: list[MonthlyConsumption] = []
    for meter in found_meters:
        found.extend(monthly(meter, [reading for reading in periods if reading.meter_id == meter.id]))
    found.sort(key=lambda item: (item.period, str(item.meter_id)), reverse=True)
    return found
