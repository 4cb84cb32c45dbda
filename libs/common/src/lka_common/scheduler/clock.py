"""What "now" and "today" are for scheduled work: the calendar of the supplier (Europe/Simferopol),
and an offset that a development or test stack sets to move the jobs' clock (never production:
the services' settings refuse it there). The database's own `now()` still times leases and runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Simferopol")


@dataclass(frozen=True)
class Clock:
    offset_s: float = 0.0

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset_s)

    def today(self) -> date:
        """The supplier's date now: the day scheduled work is done for."""
        return self.now().astimezone(LOCAL_TIME).date()
