"""The consumer process as it ships (`python -m lka_payments.entrypoints.consumer`), on a database,
an API and a vhost of its own: it takes accounts' links, runs its scheduled jobs at its start,
its poller settles a payment the bank paid without calling us back, and SIGTERM stops it cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import asyncpg
import httpx
import pytest

from lka_acquirer_emulator.testing import Browser, RunningEmulator
from lka_common.events.accounts import AccountLinked
from lka_common.testing.databases import plain_url
from lka_common.testing.events import eventually, publish_event
from lka_common.testing.http import serve_in_background
from lka_common.testing.processes import ServiceProcess
from lka_common.testing.servers import Servers, private_vhost
from lka_common.testing.tokens import TokenFactory
from lka_payments.bootstrap import build_app
from lka_payments.service_layer import autopay_run, reconciling
from lka_payments.settings import PaymentsSettings

VISA = {"pan": "4111111111111111", "expiry": "12/30", "cvc": "123"}
FIRST_CHECK_S = 0.5  # a pending payment's first check by the poller, this soon after it starts


@pytest.fixture
def own_vhost(servers: Servers, run_id: str) -> Iterator[str]:
    with private_vhost(servers, f"lka_test_{run_id}_payments_consumer") as url:
        yield url


@pytest.fixture
async def own(
    settings: PaymentsSettings, migrated_database: Callable[[str], str], own_vhost: str
) -> AsyncIterator[tuple[PaymentsSettings, httpx.AsyncClient]]:
    """Settings on a fresh database and vhost, and an API served on them."""
    mine = settings.model_copy(
        update={"database_url": migrated_database("payments"), "amqp_url": own_vhost, "poll_first_s": FIRST_CHECK_S}
    )
    async with (
        serve_in_background(build_app(mine)) as base_url,
        httpx.AsyncClient(base_url=base_url + "/api/v1") as api,
    ):
        mine.public_base_url = base_url
        yield mine, api


def consumer(settings: PaymentsSettings) -> ServiceProcess:
    env = {
        "LKA_PAYMENTS_DATABASE_URL": settings.database_url,
        "LKA_PAYMENTS_AMQP_URL": settings.amqp_url,
        "LKA_PAYMENTS_RBS_BASE_URL": settings.rbs_base_url,
        "LKA_PAYMENTS_CONSUMER_HEALTH_PORT": "0",
        "LKA_PAYMENTS_POLL_FIRST_S": str(FIRST_CHECK_S),
        "LKA_PAYMENTS_POLL_INTERVAL_S": "0.2",
        "LKA_ENVIRONMENT": "test",
        "LKA_LOG_FORMAT": "json",
    }
    return ServiceProcess.module("payments-consumer", "lka_payments.entrypoints.consumer", env)


async def test_the_consumer_links_runs_its_jobs_polls_the_bank_and_stops_on_sigterm(
    own: tuple[PaymentsSettings, httpx.AsyncClient],
    tokens: TokenFactory,
    emulator: RunningEmulator,
    browser: Browser,
) -> None:
    settings, api = own
    emulator.gateway.callbacks.control.mode = "off"  # the bank tells nobody: only the poller learns
    process = consumer(settings).start()
    try:
        for job in (autopay_run.JOB_NAME, reconciling.JOB_NAME):
            ended = await process.wait_for_log(
                lambda r, job=job: r.get("event") == "job_run_ended" and r.get("job") == job, timeout=60
            )
            assert ended["status"] == "finished", ended

        await process.wait_for_log(
            lambda r: r.get("event") == "consumer_started" and r.get("queue") == "payments.access"
        )
        user_id, account_id = uuid.uuid4(), uuid.uuid4()
        linked = AccountLinked(
            user_id=user_id,
            account_id=account_id,
            region_code="simferopol",
            account_number="7812345678",
            linked_via="surname",
        )
        await publish_event(settings.amqp_url, linked)
        headers = {
            "Authorization": f"Bearer {tokens.issue(user_id, email='poller@example.ru')}",
            "Idempotency-Key": uuid.uuid4().hex,
        }

        async def started() -> dict[str, object] | None:
            response = await api.post(
                "/payments", json={"account_id": str(account_id), "amount": "250.00"}, headers=headers
            )
            if response.status_code == 404:
                return None  # the link not taken yet
            assert response.status_code == 201, response.text
            body: dict[str, object] = response.json()
            return body

        payment = await eventually(started, "the consumer linked the account", timeout=30)
        await browser.pay(str(payment["confirmation_url"]), VISA)

        async def settled() -> bool:
            connection = await asyncpg.connect(plain_url(settings.database_url))
            try:
                status = await connection.fetchval(
                    "SELECT status FROM payments WHERE id = $1", uuid.UUID(str(payment["id"]))
                )
            finally:
                await connection.close()
            return status == "succeeded"

        await eventually(settled, "the poller settled the payment", timeout=30)

        assert process.popen is not None
        os.killpg(process.popen.pid, signal.SIGTERM)
        code = await asyncio.to_thread(process.popen.wait, 20)
        assert code == 0, process.text()[-3000:]
    finally:
        process.cleanup()
