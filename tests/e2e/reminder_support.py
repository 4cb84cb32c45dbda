"""What the reading-window reminder's drills (test_reminders.py) start, set up and count.

Readings consumers of the test's own, in the environment the stack gave its own, with the
scheduler on, the jobs' clock moved to a day of a reading window, small batches and a 1 s lease;
each makes one run, the one at its start. Households: accounts billing published (with a meter
each, as billing would) and linked by subscribers. What is counted is what a person or an auditor
would look at: the reminder letters in the mail catcher, per (person, account); readings'
`reminders_sent`; the letters of the `SendReminders` commands readings wrote to its outbox.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import scheduler_support
from billing_support import REGION, account_update, link, projected, publish
from drill_support import eventually, fetch

from lka_common.commands.notifications import SendReminders
from lka_common.events.billing import BillingMeterUpdated, LastReading
from lka_common.scheduler.clock import Clock
from lka_common.testing.portal import Subscriber
from lka_common.testing.processes import ServiceProcess
from lka_common.testing.stack import Stack

JOB = "readings.reading_window"
PAUSE_POINT = "reminder_before_commit"  # the batch's reminders claimed and commands written, not committed
CLOSING_DAY, WINDOW_DAYS = 25, 3  # readings' defaults: the window is the 22nd to the 25th
BATCH = 2  # accounts per batch: a run of the drills' seven accounts has several
SERIAL = "RW-E2E-1"
OLD_READING = date(2026, 10, 20)  # billing's last reading before any period the drills play
Env = tuple[dict[str, str], str, int]


# ----------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """A billing period: the readings of the 26th of the month before to the 25th of its own."""

    year: int
    month: int

    @classmethod
    def ahead(cls, months: int) -> Period:
        """The period `months` after the one a reading submitted now counts for."""
        today = Clock().today()
        index = today.year * 12 + today.month - 1 + months + (today.day > CLOSING_DAY)
        return cls(index // 12, index % 12 + 1)

    @property
    def closing(self) -> date:
        return date(self.year, self.month, CLOSING_DAY)

    @property
    def reminder_day(self) -> date:
        """The window's first day: the day the reminder goes."""
        return self.closing - timedelta(days=WINDOW_DAYS)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def names(self, letter: dict[str, Any], number: str) -> bool:
        """Whether a caught letter is this period's reminder for the account."""
        return letter["subject"] == f"Показания до {self.closing:%d.%m.%Y}: счет № {number}"


# ----------------------------------------------------------------------------- the workers


async def run_ended(worker: ServiceProcess) -> dict[str, Any]:
    """The worker's reading-window run to its end (or refused: the lease another's); then stopped."""
    return await scheduler_support.run_ended(worker, JOB)


def pauses(worker: ServiceProcess) -> int:
    return sum(1 for r in worker.records() if r.get("event") == "fault_pause" and r.get("point") == PAUSE_POINT)


async def lease_lapsed(env: Env) -> None:
    sql = "SELECT lease_until IS NULL OR lease_until < now() AS free FROM scheduled_jobs WHERE name = $1"

    async def free() -> bool:
        rows = await fetch(env[0]["LKA_READINGS_DATABASE_URL"], sql, JOB)
        return bool(rows and rows[0]["free"])

    await eventually(free, "the reading-window lease lapsed")


# ----------------------------------------------------------------------------- the households


@dataclass
class Town:
    """People (name -> subscriber, user id) and accounts (label -> number, id)."""

    people: dict[str, Subscriber]
    user_ids: dict[str, str]
    numbers: dict[str, str]
    ids: dict[str, str]

    def person_of(self, user_id: str) -> str:
        return next(name for name, uid in self.user_ids.items() if uid == user_id)

    def label_of(self, number_or_id: str) -> str:
        return next(label for label in self.numbers if number_or_id in (self.numbers[label], self.ids[label]))


def meter_event(number: str, taken_on: date, value: int) -> BillingMeterUpdated:
    """The account's one-zone meter as billing announces it, its last reading taken on `taken_on`."""
    return BillingMeterUpdated(
        region_code=REGION,
        account_number=number,
        serial_number=SERIAL,
        zones=1,
        digits=6,
        last_reading=LastReading.model_validate({"values": {"T1": str(value)}, "date": taken_on}),
        removed=False,
        verification_due=None,  # no verification reminder among the drills' letters
    )


async def billing_took_reading(stack: Stack, env: Env, number: str, taken_on: date) -> None:
    """Billing accepted a reading of the account's meter taken that day (a reading for its period)."""
    await publish(stack, meter_event(number, taken_on, 2000 + taken_on.toordinal() % 1000))
    sql = (
        "SELECT 1 FROM billing_readings b JOIN meters m ON m.id = b.meter_id"
        " WHERE m.account_number = $1 AND b.taken_on = $2"
    )
    await projected(env, "readings", sql, number, taken_on)


async def account_with_meter(stack: Stack, env: Env, number: str) -> None:
    await publish(stack, account_update(number))
    await publish(stack, meter_event(number, OLD_READING, 1000))
    await projected(env, "readings", "SELECT 1 FROM meters WHERE account_number = $1", number)


async def linked(http: httpx.AsyncClient, env: Env, me: Subscriber, number: str) -> str:
    """Link the account, and wait until readings shows it to the subscriber (its meter listed)."""
    account_id = await link(http, env, me, number)

    async def shown() -> bool:
        answer = await http.get(f"/api/v1/accounts/{account_id}/meters", headers=me.headers)
        return answer.status_code == 200 and bool(answer.json())

    await eventually(shown, f"readings shows {number} to its subscriber")
    return account_id


# ----------------------------------------------------------------------------- what is counted


async def caught(http: httpx.AsyncClient, stack: Stack) -> list[dict[str, Any]]:
    return list((await http.get(f"{stack.mail}/api/messages")).json())


async def letters(http: httpx.AsyncClient, stack: Stack, town: Town, period: Period) -> Counter[tuple[str, str]]:
    """The period's reminder letters to the town's people: (person, account label) -> how many."""
    found: Counter[tuple[str, str]] = Counter()
    for message in await caught(http, stack):
        for label, number in town.numbers.items():
            if period.names(message, number):
                found.update((name, label) for name, me in town.people.items() if me.email in message["to"])
    return found


async def claimed(env: Env, town: Town, period: Period) -> dict[str, int]:
    """readings' `reminders_sent` of the period: account label -> recipients recorded."""
    sql = "SELECT subject_id, recipients FROM reminders_sent WHERE kind = 'reading_window' AND period = $1"
    rows = await fetch(env[0]["LKA_READINGS_DATABASE_URL"], sql, period.key)
    return {town.label_of(str(row["subject_id"])): row["recipients"] for row in rows}


async def commands(env: Env, period: Period) -> list[dict[str, Any]]:
    """The period's `SendReminders` commands in readings' outbox (published or not): the events."""
    sql = "SELECT body FROM outbox WHERE routing_key = $1"
    rows = await fetch(env[0]["LKA_READINGS_DATABASE_URL"], sql, SendReminders.event_type)
    events = [json.loads(row["body"]) for row in rows]
    closing = f"{period.closing:%d.%m.%Y}"
    return [e for e in events if e["data"]["letters"][0]["params"]["closing_date"] == closing]


async def commanded(env: Env, town: Town, period: Period) -> Counter[tuple[str, str]]:
    """The period's letters in those commands per (person, account label)."""
    return Counter(
        (town.person_of(letter["user_id"]), town.label_of(letter["params"]["account_number"]))
        for e in await commands(env, period)
        for letter in e["data"]["letters"]
    )


async def all_handled(env: Env, period: Period) -> None:
    """Every command readings wrote for the period reached notifications and was handled there
    (its inbox has it), and each of its letters went its way (none waits in `reminders_due`)."""
    handled_sql = "SELECT message_id FROM inbox WHERE message_id = ANY($1::text[])"
    waiting_sql = "SELECT count(*) AS waiting FROM reminders_due WHERE message_id = ANY($1::text[])"
    notifications = env[0]["LKA_NOTIFICATIONS_DATABASE_URL"]

    async def handled() -> bool:
        ids = [e["id"] for e in await commands(env, period)]
        rows = await fetch(notifications, handled_sql, ids)
        if len({row["message_id"] for row in rows}) < len(ids):
            return False
        (waiting,) = await fetch(notifications, waiting_sql, ids)
        return waiting["waiting"] == 0

    await eventually(handled, f"notifications sent every reminder of {period.key}")


async def settled(
    http: httpx.AsyncClient, stack: Stack, env: Env, town: Town, period: Period
) -> tuple[Counter[tuple[str, str]], dict[str, int], Counter[tuple[str, str]]]:
    """Once nothing is on its way: the period's letters, claims and commands."""
    await all_handled(env, period)
    return (
        await letters(http, stack, town, period),
        await claimed(env, town, period),
        await commanded(env, town, period),
    )
