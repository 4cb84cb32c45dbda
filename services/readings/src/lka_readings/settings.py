"""Settings of the readings service (env prefix `LKA_READINGS_`).

The closing day, the monthly ceiling and the public form's limits are docs/contract.md §2's defaults.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator

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

    # Scheduled work (lka_common.scheduler; docs/operations.md "Scheduled work"), run by the consumer
    # process: the reading-window and verification-due reminders, each on its cron schedule
    # (Europe/Simferopol) and once at start, in batches, one runner at a time across replicas.
    scheduler_enabled: bool = True
    scheduler_lease_s: float = Field(120.0, gt=0)
    reminder_schedule: str = "0 10 * * *"
    # The verification-due reminder looks every hour of the day (it reads only the meters due in
    # its days): a subscriber who links an account gets its meters' reminder the same day.
    verification_schedule: str = "0 9-20 * * *"
    # Accounts per batch of the reading window, each batch one short transaction: a thousand take
    # about 40 ms (benchmarks/reminders.py, docs/performance.md "Reminders").
    reminder_batch: int = Field(1000, ge=1, le=5000)
    # Meters per batch of the verification-due reminder. Fewer than accounts: the meters due on a
    # day are spread over the whole table, each one a random page of meters, accounts and links
    # (about five pages read a meter), so a thousand of them took up to 784 ms where the pages
    # were not in PostgreSQL's buffers; a few thousand due a day make a few dozen batches.
    verification_batch: int = Field(250, ge=1, le=5000)
    # The pause after each batch (at least as long as the batch took; 0: none): the subscribers'
    # requests get the database, and the consumer's pool its handlers, in between. 200 ms spreads
    # a million accounts over about four of the five minutes they may take, the run's work a fifth
    # of the time (what it still costs the subscribers' latency: docs/performance.md, "The
    # subscribers while the run goes").
    reminder_pause_ms: int = Field(200, ge=0, le=10000)
    # The reminder goes this many days before the closing day (and, if a run was missed, on any
    # day up to the closing day itself).
    reading_window_days: int = Field(3, ge=0, le=27)
    # Moves the jobs' clock on a development or test stack; refused in production.
    clock_offset_s: float = 0.0

    @model_validator(mode="after")
    def _clock_is_real_in_production(self) -> ReadingsSettings:
        if self.environment == "production" and self.clock_offset_s:
            raise ValueError("LKA_READINGS_CLOCK_OFFSET_S is refused in production")
        return self
