"""What the readings consumer does with other systems' events: billing's meters, tariffs and
accounts' tariffs (for the estimates), and the accounts service's links (who may see which account).

Both producers may repeat or reorder events. The inbox absorbs exact repeats; the adapters keep
the newest state (by the event's time, and by the last reading's date) whatever the order. A
meter's or a link's change also computes the account's row for the reading-window reminder again
(adapters/reminder_accounts.py), in the same transaction.
"""

from __future__ import annotations

from lka_common.events.accounts import AccountLinked, AccountUnlinked
from lka_common.events.billing import BillingAccountUpdated, BillingMeterUpdated, BillingTariffUpdated
from lka_common.events.envelope import CloudEvent
from lka_common.messaging.errors import PermanentError
from lka_common.uow import UnitOfWork
from lka_readings.adapters import access, meters, reminder_accounts, tariffs
from lka_readings.domain.model import ZONES


async def meter_updated(uow: UnitOfWork, data: BillingMeterUpdated, event: CloudEvent) -> None:
    if data.last_reading is not None and set(data.last_reading.values) - set(ZONES[data.zones]):
        # A reading for zones the meter does not have: retrying cannot fix billing's data.
        raise PermanentError(f"last_reading zones {sorted(data.last_reading.values)} on a {data.zones}-zone meter")
    await meters.save(uow.session, data, event.time)
    await reminder_accounts.refresh(uow.session, data.region_code, data.account_number)


async def tariff_updated(uow: UnitOfWork, data: BillingTariffUpdated, event: CloudEvent) -> None:
    if set(data.prices_kopecks) != set(ZONES[data.zones]):
        # Prices for zones the tariff does not have (or missing ones): billing's data is wrong.
        raise PermanentError(f"prices for {sorted(data.prices_kopecks)} on a {data.zones}-zone tariff")
    await tariffs.save_tariff(uow.session, data, event.time)


async def account_updated(uow: UnitOfWork, data: BillingAccountUpdated, event: CloudEvent) -> None:
    """Only the account's tariff matters here; balances are the accounts service's."""
    await tariffs.save_account_tariff(uow.session, data)


async def account_linked(uow: UnitOfWork, data: AccountLinked, event: CloudEvent) -> None:
    await access.remember_account(uow.session, data.account_id, data.region_code, data.account_number)
    await access.links.account_linked(uow.session, data, event)
    await reminder_accounts.refresh(uow.session, data.region_code, data.account_number)


async def account_unlinked(uow: UnitOfWork, data: AccountUnlinked, event: CloudEvent) -> None:
    await access.remember_account(uow.session, data.account_id, data.region_code, data.account_number)
    await access.links.account_unlinked(uow.session, data, event)
    await reminder_accounts.refresh(uow.session, data.region_code, data.account_number)
