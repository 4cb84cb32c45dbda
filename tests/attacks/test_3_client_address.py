"""Item 3 of the outside review: any caller chose its own client address.

Rotating `X-Forwarded-For` made the per-address limits void, whatever the header said
(`<script>…` included) was stored as the address of a personal-data consent, and the gateway
(trusting 127.0.0.0/8) and the services (127.0.0.1/32) could disagree on who called. The
address is now decided once, by one setting of trusted proxies for the whole stack
(lka_common.client_address, its table test in libs/common/tests), and is always a valid IP.

As shipped, only 127.0.0.1 is a trusted proxy: the attacker's own connections come from
OUTSIDE_ADDRESS, and a second client from 127.0.0.1 plays a proxy passing on a forged chain.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator

import httpx
import pytest
from attack_support import OUTSIDE_ADDRESS, V1, address, password, register, rows

from lka_common.testing.stack import Stack

FEEDBACK_PER_ADDRESS = 5  # notifications' default per hour (docs/contract.md §2)
ANONYMOUS_BURST = 100  # the gateway's anonymous bucket (docs/contract.md §2: 20 a second, bursts of 100)


def forged(n: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"203.0.{n // 250}.{n % 250 + 1}"}


@pytest.fixture
async def proxy_hop(attack_stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """A client from 127.0.0.1, the one address this stack trusts as a proxy."""
    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.1")
    async with httpx.AsyncClient(base_url=attack_stack.gateway, timeout=30, transport=transport) as client:
        yield client


async def test_rotating_x_forwarded_for_does_not_reset_the_feedback_limit(
    http: httpx.AsyncClient, attack_stack: Stack
) -> None:
    answers = []
    for n in range(FEEDBACK_PER_ADDRESS + 1):
        body = {"topic": "Спам", "message": f"Сообщение {n}", "email": address("spammer")}
        answers.append(await http.post(f"{V1}/feedback", json=body, headers=forged(n)))
    assert [a.status_code for a in answers] == [201] * FEEDBACK_PER_ADDRESS + [429], [a.text for a in answers]
    assert int(answers[-1].headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("chain", "recorded"),
    [
        ("<script>alert(1)</script>", "127.0.0.1"),  # not an address: the proxy itself is what is known
        ("198.51.100.7, <script>", "127.0.0.1"),
        ("198.51.100.7", "198.51.100.7"),  # what a real proxy passes on is believed
    ],
)
async def test_a_consent_records_a_valid_address_whatever_the_proxy_passes_on(
    proxy_hop: httpx.AsyncClient, attack_env: dict[str, str], chain: str, recorded: str
) -> None:
    email = address("consent")
    await register(proxy_hop, email, password(), **{"X-Forwarded-For": chain})
    stored = await rows(
        attack_env,
        "identity",
        "SELECT c.client_address FROM consents c JOIN users u ON u.id = c.user_id WHERE u.email = $1",
        email,
    )
    assert [str(ipaddress.ip_address(r["client_address"])) for r in stored] == [recorded], stored


async def test_an_outside_callers_forged_chain_is_never_believed(
    http: httpx.AsyncClient, attack_env: dict[str, str]
) -> None:
    email = address("outside")
    await register(http, email, password(), **{"X-Forwarded-For": "198.51.100.7"})
    stored = await rows(
        attack_env,
        "identity",
        "SELECT c.client_address FROM consents c JOIN users u ON u.id = c.user_id WHERE u.email = $1",
        email,
    )
    assert [r["client_address"] for r in stored] == [OUTSIDE_ADDRESS]


async def test_rotating_x_forwarded_for_does_not_reset_the_gateways_limit(
    http: httpx.AsyncClient, attack_stack: Stack
) -> None:
    statuses = [(await http.get(f"{V1}/regions", headers=forged(n))).status_code for n in range(ANONYMOUS_BURST + 20)]
    assert 429 in statuses, statuses
    # The bucket refills at 20 a second: full again for the tests after this one.
    await asyncio.sleep(ANONYMOUS_BURST / 20)
