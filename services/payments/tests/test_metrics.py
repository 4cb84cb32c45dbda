"""What the payments service counts (docs/operations.md, "Metrics"): payments started and
finished by method, brand and outcome, and every call of the acquirer's API by operation and
outcome, with its duration."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from lka_acquirer_emulator.testing import Browser, card_form
from lka_common.testing.metrics import Delta
from lka_payments.adapters.rbs import RbsAcquirer
from lka_payments.domain.errors import AcquirerRefused, AcquirerUnavailable
from lka_payments.settings import PaymentsSettings


def acquirer_calls(operation: str, outcome: str) -> Delta:
    return Delta("lka_acquirer_requests_total", operation=operation, outcome=outcome)


async def test_a_card_payment_counts_its_start_its_finish_and_its_calls_of_the_bank(
    api: httpx.AsyncClient, payer: Any, start: Any, browser: Browser, eventually: Any
) -> None:
    created = Delta("lka_payments_created_total", method="card")
    succeeded = Delta("lka_payments_finished_total", method="card", brand="visa", outcome="succeeded")
    registered = acquirer_calls("register", "ok")
    timed = Delta("lka_acquirer_request_duration_seconds_count", operation="register")
    asked = acquirer_calls("getOrderStatusExtended", "ok")
    me = await payer()

    started = await start(me, "10.00")
    assert (created(), registered(), timed()) == (1, 1, 1)
    await browser.pay(started["confirmation_url"], card_form("4111 1111 1111 1111"))

    async def finished() -> float | None:
        body = (await api.get(f"/payments/{started['id']}", headers=me.headers)).json()
        return succeeded() if body["status"] != "pending" else None

    assert await eventually(finished) == 1
    assert asked() >= 1


async def test_a_declined_card_finishes_as_failed_of_an_unknown_brand(
    api: httpx.AsyncClient, payer: Any, start: Any, browser: Browser, eventually: Any
) -> None:
    failed = Delta("lka_payments_finished_total", method="card", brand="unknown", outcome="failed")
    me = await payer()
    started = await start(me, "99.99")
    await browser.pay(started["confirmation_url"], card_form("4000 0000 0000 0002"))

    async def finished() -> float | None:
        body = (await api.get(f"/payments/{started['id']}", headers=me.headers)).json()
        return failed() if body["status"] != "pending" else None

    assert await eventually(finished) == 1


@pytest.fixture
async def silent_bank() -> AsyncIterator[str]:
    """An address that accepts connections and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_bank_that_does_not_answer_in_time_is_a_timeout_and_one_that_is_down_an_error(
    settings: PaymentsSettings, silent_bank: str
) -> None:
    timeouts, errors = acquirer_calls("reverse", "timeout"), acquirer_calls("reverse", "error")
    slow = RbsAcquirer(settings.model_copy(update={"rbs_base_url": silent_bank, "rbs_timeout_s": 0.2}))
    down = RbsAcquirer(settings.model_copy(update={"rbs_base_url": f"http://127.0.0.1:{closed_port()}"}))
    try:
        with pytest.raises(AcquirerUnavailable):
            await slow.reverse("order-1")
        with pytest.raises(AcquirerUnavailable):
            await down.reverse("order-1")
    finally:
        await slow.close()
        await down.close()

    assert (timeouts(), errors()) == (1, 1)


async def test_a_bank_that_answers_with_an_error_code_is_a_refusal(settings: PaymentsSettings) -> None:
    refused = acquirer_calls("getOrderStatusExtended", "refused")
    acquirer = RbsAcquirer(settings)
    try:
        with pytest.raises(AcquirerRefused):
            await acquirer.status("no-such-order")
    finally:
        await acquirer.close()

    assert refused() == 1
