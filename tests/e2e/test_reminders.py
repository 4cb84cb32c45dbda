"""The reading-window reminder end to end (docs/contract.md §4 "Reminders"), on the whole stack:
with the jobs' clock moved (`LKA_READINGS_CLOCK_OFFSET_S`), a run writes to the subscribers of
the accounts with no reading this period and to no one else; run again, nothing more; a
scheduler SIGKILLed mid-run and restarted, or two schedulers at once, still send each due
reminder exactly once; the letter's one-click unsubscribe (RFC 8058), a POST with no session,
turns that kind off, and the next period's run skips that person.

The stack's own readings consumer schedules nothing (`LKA_READINGS_SCHEDULER_ENABLED=false`):
the runs are made by readings consumers the test starts itself (reminder_support.Workers), two
accounts to a batch, so a run of the seven accounts here has several. Each drill plays a period
of its own (the clock moved to its reminder day), so the letters of one never count in another.

Five people, seven accounts, each with a meter billing announced: A and F are ann's, B is bob's
and cat's, C cat's, D and G dan's; E was eve's, who removed it (nobody is linked to it now).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import httpx
import pytest
from billing_support import new_number, projected
from drill_support import eventually, fetch
from payments_support import V1, user_id_of
from reminder_support import (
    BATCH,
    JOB,
    PAUSE_POINT,
    Env,
    Period,
    Town,
    account_with_meter,
    billing_took_reading,
    caught,
    claimed,
    lease_lapsed,
    linked,
    pauses,
    run_ended,
    settled,
)
from scheduler_support import Workers

from lka_common.testing.portal import new_subscriber
from lka_common.testing.processes import ServiceProcess
from lka_common.testing.stack import Stack

pytestmark = [pytest.mark.slow, pytest.mark.drill]

LINKS = {"A": ["ann"], "B": ["bob", "cat"], "C": ["cat"], "D": ["dan"], "E": ["eve"], "F": ["ann"], "G": ["dan"]}
PEOPLE = ["ann", "bob", "cat", "dan", "eve"]
# Every reminder of a period nobody sent a reading in: one per person linked now, per account.
EVERY = Counter({(name, label): 1 for label, names in LINKS.items() if label != "E" for name in names})
EVERY_CLAIM = {label: len(names) for label, names in LINKS.items() if label != "E"}
ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


@pytest.fixture(scope="module")
def workers(stack: Stack) -> Iterator[Workers]:
    small_batches = {"reminder_batch": str(BATCH), "reminder_pause_ms": "0"}
    found = Workers(stack, "readings", "reminder_schedule", PAUSE_POINT, small_batches)
    yield found
    found.close()


@pytest.fixture(scope="module")
async def town(http: httpx.AsyncClient, stack: Stack, stack_env: Env) -> Town:
    people = dict(zip(PEOPLE, await asyncio.gather(*(new_subscriber(http, stack.mail) for _ in PEOPLE)), strict=True))
    numbers = {label: new_number() for label in LINKS}
    await asyncio.gather(*(account_with_meter(stack, stack_env, number) for number in numbers.values()))
    ids = {}
    for label, names in LINKS.items():
        for name in names:
            ids[label] = await linked(http, stack_env, people[name], numbers[label])
    removed = await http.delete(f"{V1}/accounts/{ids['E']}", headers=people["eve"].headers)
    assert removed.status_code == 200, removed.text

    async def gone() -> bool:  # readings has heard of it: the meters are no longer hers to see
        answer = await http.get(f"{V1}/accounts/{ids['E']}/meters", headers=people["eve"].headers)
        return answer.status_code == 404

    await eventually(gone, "readings knows eve removed E")
    return Town(people, {name: user_id_of(me) for name, me in people.items()}, numbers, ids)


async def job_runs(env: Env, period: Period) -> list[str]:
    """The statuses of the reading-window runs of the period's reminder day, as an operator sees them."""
    sql = "SELECT status FROM job_runs WHERE job = $1 AND business_date = $2 ORDER BY id"
    rows = await fetch(env[0]["LKA_READINGS_DATABASE_URL"], sql, JOB, period.reminder_day)
    return [row["status"] for row in rows]


async def test_1_the_run_writes_to_the_subscribers_of_accounts_without_a_reading_and_once(
    http: httpx.AsyncClient, stack: Stack, stack_env: Env, town: Town, workers: Workers
) -> None:
    period = Period.ahead(0)
    # cat sends C's reading through the portal; billing took one of D's in the period's days.
    cat = town.people["cat"]
    meters = (await http.get(f"{V1}/accounts/{town.ids['C']}/meters", headers=cat.headers)).json()
    body = {"meter_id": meters[0]["id"], "values": {"T1": 1100}}
    sent = await http.post(f"{V1}/accounts/{town.ids['C']}/readings", json=body, headers=cat.headers)
    assert (sent.status_code, sent.json()["billing_period"]) == (201, period.key), sent.text
    await billing_took_reading(stack, stack_env, town.numbers["D"], period.reminder_day - timedelta(days=2))

    assert (await run_ended(workers.start(period.reminder_day)))["status"] == "finished"

    expected = EVERY - Counter({("cat", "C"): 1, ("dan", "D"): 1})
    found, claims, commands = await settled(http, stack, stack_env, town, period)
    assert found == expected  # eve (nobody linked to E) and the accounts with a reading: nothing
    assert claims == {"A": 1, "B": 2, "F": 1, "G": 1}
    assert commands == expected
    (letter,) = [m for m in await caught(http, stack) if period.names(m, town.numbers["G"])]
    assert f"Передайте их до {period.closing:%d.%m.%Y} включительно" in letter["text"]
    assert f"{stack.gateway}/readings" in letter["text"]

    # Run again, on the window's last day: nothing more.
    assert (await run_ended(workers.start(period.closing)))["status"] == "finished"
    assert await settled(http, stack, stack_env, town, period) == (expected, claims, commands)


async def test_2_a_scheduler_killed_mid_run_and_restarted_sends_each_reminder_once(
    http: httpx.AsyncClient, stack: Stack, stack_env: Env, town: Town, workers: Workers
) -> None:
    period = Period.ahead(1)  # nobody sent a reading: every account someone is linked to is due

    victim = workers.start(period.reminder_day, pause_s=2)
    await eventually(lambda: pauses(victim) >= 2, "the second batch claimed, not committed")
    before = await claimed(stack_env, town, period)
    victim.kill()
    assert 0 < len(before) < len(EVERY_CLAIM), f"not mid-run: {before}"  # some reminders sent, some not

    await lease_lapsed(stack_env)
    assert (await run_ended(workers.start(period.reminder_day)))["status"] == "finished"

    assert await settled(http, stack, stack_env, town, period) == (EVERY, EVERY_CLAIM, EVERY)
    assert await job_runs(stack_env, period) == ["interrupted", "finished"]


async def test_3_two_schedulers_at_once_send_each_reminder_once(
    http: httpx.AsyncClient, stack: Stack, stack_env: Env, town: Town, workers: Workers
) -> None:
    period = Period.ahead(2)
    # The first holds each batch's claims uncommitted for 4 s, past its 1 s lease; a second
    # runner takes the lapsed lease and runs the same accounts meanwhile. One that starts while
    # the lease is still held is refused: then another is started.
    first = workers.start(period.reminder_day, pause_s=4)
    await first.wait_for_event("fault_pause", point=PAUSE_POINT, timeout=60)
    refused = 0
    while True:
        await lease_lapsed(stack_env)
        second = await run_ended(workers.start(period.reminder_day))
        if second["event"] == "job_run_ended":
            break
        refused += 1
        assert not ended(first), "the first ended before a second runner took over"
    assert second["status"] == "finished"
    assert (await run_ended(first))["status"] == "interrupted"  # it found the lease gone after its batch

    assert await settled(http, stack, stack_env, town, period) == (EVERY, EVERY_CLAIM, EVERY)
    print(f"second runners refused before one took over: {refused}")


def ended(worker: ServiceProcess) -> bool:
    return any(r.get("event") == "job_run_ended" and r.get("job") == JOB for r in worker.records())


async def one_click(url: str) -> httpx.Response:
    """What a mail client does with the letter's link (RFC 8058 §3.2): a POST, no session, no cookie."""
    async with httpx.AsyncClient(timeout=20) as mail_client:
        return await mail_client.post(url, content="List-Unsubscribe=One-Click", headers=ONE_CLICK)


def altered(url: str) -> str:
    """The link with one character of its token changed."""
    at = url.index("token=") + 6 + 20
    return url[:at] + ("A" if url[at] != "A" else "B") + url[at + 1 :]


async def wants_reminders(http: httpx.AsyncClient, town: Town, name: str) -> bool:
    chosen = await http.get(f"{V1}/profile/notifications", headers=town.people[name].headers)
    assert chosen.status_code == 200, chosen.text
    return bool(chosen.json()["reading_window"])


async def test_4_the_letters_one_click_unsubscribe_turns_the_reminder_off_for_that_person(
    http: httpx.AsyncClient, stack: Stack, stack_env: Env, town: Town, workers: Workers
) -> None:
    ann = town.people["ann"]
    # The letter of drill 1 for A, as ann's mail client has it.
    (letter,) = [
        m for m in await caught(http, stack) if Period.ahead(0).names(m, town.numbers["A"]) and ann.email in m["to"]
    ]
    headers = dict(letter["headers"])
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(f"{stack.gateway}{V1}/public/unsubscribe?token=")

    wrong = await one_click(altered(url))
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_unsubscribe_link"), wrong.text
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert await wants_reminders(http, town, "ann")

    done = await one_click(url)
    assert done.status_code == 200, done.text
    assert "напоминания о передаче показаний больше не будут приходить" in done.json()["message"]
    assert not await wants_reminders(http, town, "ann")
    # Her choice reached notifications, which honours it.
    sql = "SELECT 1 FROM letter_preferences WHERE user_id = $1 AND 'reading_window' = ANY(turned_off)"
    await projected(stack_env, "notifications", sql, uuid.UUID(town.user_ids["ann"]))

    period = Period.ahead(3)  # a month on
    assert (await run_ended(workers.start(period.reminder_day)))["status"] == "finished"

    found, claims, commands = await settled(http, stack, stack_env, town, period)
    assert found == Counter({key: n for key, n in EVERY.items() if key[0] != "ann"})
    # Readings does not ask about preferences (notifications honours them): ann's were skipped there.
    assert (claims, commands) == (EVERY_CLAIM, EVERY)
