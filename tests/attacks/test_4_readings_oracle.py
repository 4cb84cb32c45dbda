"""Item 4 of the outside review: the anonymous form read a meter's last billed reading.

The form told `reading_decreased` from `reading_implausible`, zone by zone; with one zone made
invalid so that nothing was ever stored, a binary search recovered two zones' last readings
in 21 calls, knowing only the account number and the meter's serial. The form now refuses
both with one code and one message, whatever the zone, and counts every attempt on an
account, refused ones included, against a daily limit per account (docs/contract.md §4).

The form's first step since issue 18 (item 8), the meter lookup, answers only the meter's
zones and spends the same allowance per client address as the submissions, so it is no cheaper
way to guess which serial an account has.
"""

from __future__ import annotations

from typing import Any

import httpx
from attack_support import OUTSIDE_ADDRESS, V1, eventually, rows

from lka_common.testing.stack import Stack

# Керчь 91000303, meter CE303-0303: three zones, last T1 23456.7, T2 9876.5, T3 4321 (demo data).
FORM = {"region_code": "kerch", "account_number": "91000303", "meter_serial": "CE303-0303"}
LAST = {"T1": 23456.7, "T2": 9876.5, "T3": 4321}
PER_ACCOUNT_PER_DAY = 10


def probe(**changes: float) -> dict[str, Any]:
    return {**FORM, "values": {**LAST, **changes}}


def verdict(answer: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = answer.json()
    return {key: value for key, value in body.items() if key != "instance"}


async def test_the_form_tells_nothing_about_the_stored_reading_and_counts_per_account(
    http: httpx.AsyncClient, attack_stack: Stack, attack_env: dict[str, str]
) -> None:
    async def meter_known() -> bool:
        query = "SELECT 1 FROM meters WHERE serial_number = $1 AND last_values IS NOT NULL"
        return bool(await rows(attack_env, "readings", query, FORM["meter_serial"]))

    await eventually(meter_known, "the demo meter reached readings")

    async def send(body: dict[str, Any], n: int) -> httpx.Response:
        # A forged address each time: it must not matter (item 3).
        return await http.post(f"{V1}/public/readings", json=body, headers={"X-Forwarded-For": f"198.51.100.{n}"})

    answers = [
        await send(probe(T1=LAST["T1"] - 1, T3=LAST["T3"] + 50_000), 1),  # T1 decreased, T3 implausible
        await send(probe(T1=LAST["T1"] + 1, T3=LAST["T3"] + 50_000), 2),  # T1 fine, T3 implausible
        await send(probe(T2=LAST["T2"] - 0.5), 3),  # T2 decreased a little
        await send(probe(T2=LAST["T2"] - 9000), 4),  # T2 decreased a lot
        await send(probe(T1=LAST["T1"] + 20_000), 5),  # T1 implausible
    ]
    assert {a.status_code for a in answers} == {422}, [a.text for a in answers]
    assert all(verdict(a) == verdict(answers[0]) for a in answers), [a.text for a in answers]
    assert verdict(answers[0])["code"] == "reading_not_accepted"
    for zone in LAST:
        assert zone not in answers[0].text

    # Every attempt on the account counts, refused ones included, whatever address it names.
    more = [await send(probe(T1=LAST["T1"] - 1), 10 + n) for n in range(PER_ACCOUNT_PER_DAY - len(answers))]
    assert {a.status_code for a in more} == {422}, [a.text for a in more]
    over = await send(probe(T1=LAST["T1"] + 1), 99)
    assert over.status_code == 429, over.text
    assert int(over.headers["Retry-After"]) > 0
    stored = await rows(attack_env, "readings", "SELECT count(*) AS n FROM readings")
    assert stored[0]["n"] == 0


# Феодосия 91000505, meter CE303-0505: three zones, 6 digits, last T1 45012, T2 20100, T3 15003 (demo data).
LOOKUP = {"region_code": "feodosiya", "account_number": "91000505", "meter_serial": "CE303-0505"}
PER_ADDRESS_PER_HOUR = 20


async def test_the_meter_lookup_tells_only_the_zones_and_spends_the_forms_allowance_per_address(
    http: httpx.AsyncClient, attack_stack: Stack, attack_env: dict[str, str]
) -> None:
    # Issue 18 item 8: the form's first step names the meter's zones before any value is typed.
    # Were it free, it would be a cheaper oracle for guessing which serial an account has than
    # the form itself, whose every attempt counts toward the address's hour.
    async def meter_known() -> bool:
        query = "SELECT 1 FROM meters WHERE serial_number = $1 AND last_values IS NOT NULL"
        return bool(await rows(attack_env, "readings", query, LOOKUP["meter_serial"]))

    await eventually(meter_known, "the demo meter reached readings")
    query = (
        "SELECT count(*) AS n FROM anonymous_attempts"
        " WHERE client_address = $1 AND created_at > now() - interval '1 hour'"
    )
    spent = (await rows(attack_env, "readings", query, OUTSIDE_ADDRESS))[0]["n"]  # by the test above
    assert spent < PER_ADDRESS_PER_HOUR - 2, spent

    async def look(n: int, **changes: str) -> httpx.Response:
        headers = {"X-Forwarded-For": f"203.0.113.{n}"}  # forged each time: it must not matter
        return await http.post(f"{V1}/public/readings/meter", json={**LOOKUP, **changes}, headers=headers)

    found = await look(1)
    assert found.status_code == 200, found.text
    titles = ["T1 пик", "T2 ночь", "T3 полупик"]
    assert found.json() == {"zones": ["T1", "T2", "T3"], "zone_titles": titles, "digits": 6}
    for secret in ("45012", "20100", "15003", "Ким"):
        assert secret not in found.text

    guesses = [await look(10 + n, meter_serial=f"CE303-{n:04d}") for n in range(PER_ADDRESS_PER_HOUR - spent - 2)]
    form = {**LOOKUP, "meter_serial": "CE303-9999", "values": {"T1": 45100, "T2": 20150, "T3": 15050}}
    submitted = await http.post(f"{V1}/public/readings", json=form)
    assert {a.status_code for a in guesses} | {submitted.status_code} == {404}, [a.text for a in guesses]
    assert all(verdict(a) == verdict(submitted) for a in guesses), [a.text for a in guesses[:1]]

    # The hour's allowance is spent, lookups and submissions together: the right serial too.
    again = await look(99)
    right = await http.post(f"{V1}/public/readings", json={**form, "meter_serial": LOOKUP["meter_serial"]})
    assert (again.status_code, right.status_code) == (429, 429), (again.text, right.text)
    assert int(again.headers["Retry-After"]) > 0
