"""`GET /operator/jobs` here (lka_common.scheduler.api, docs/contract.md §4 "Reminders"): the runs of
this service's scheduled work (autopay and reconciliation) for supervisors; the gateway merges them with the
other services' (gateway/tests/test_jobs.py)."""

from __future__ import annotations

import httpx

from lka_common.testing.jobs import check_jobs_route
from lka_common.testing.tokens import TokenFactory
from lka_payments.settings import PaymentsSettings


async def test_a_recorded_run_is_listed_for_supervisors_and_refused_to_operators_and_subscribers(
    api: httpx.AsyncClient, settings: PaymentsSettings, tokens: TokenFactory
) -> None:
    await check_jobs_route(api, settings.database_url, tokens)
