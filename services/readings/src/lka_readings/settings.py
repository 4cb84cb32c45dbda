"""Settings of the readings service (env prefix `LKA_READINGS_`).

The closing day, the monthly ceiling and the public form's limits are docs/contract.md §2's defaults.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from lka_common.settings import ServiceSettings


class ReadingsSettings(ServiceSettings):
    service_name = "readings"

    http_port: int = 8003
    consumer_health_port: int = 8103
    relay_health_port: int = 8203

    # Readings submitted after this day of the month (Crimean calendar) count for the next one.
    closing_day: int = Field(25, ge=1, le=31)
    # kWh per zone a household cannot use in a month: more is a mistyped reading.
    monthly_ceiling_kwh: Decimal = Field(Decimal(10000), gt=0)
    anonymous_readings_per_client_per_hour: int = Field(20, ge=1)
    # Per account and day in Crimea, from any address: an address is cheap to change, and each
    # answer of the public form tells a stranger something about the household's last reading.
    anonymous_readings_per_account_per_day: int = Field(10, ge=1)
