"""The gateway's own endpoints, and the process as `python -m lka_gateway` starts it."""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

import aiohttp
import pytest

from lka_common.testing.events import eventually
from lka_common.testing.otlp import OtlpReceiver, ReceivedSpan
from lka_common.testing.processes import ServiceProcess, free_port


@pytest.fixture
def process_env(gateway_settings: dict[str, Any]) -> dict[str, str]:
    """The stand-ins and the run's vhost, as the environment a process reads its settings from."""
    env = {f"LKA_GATEWAY_{name.upper()}": str(value) for name, value in gateway_settings.items()}
    env["LKA_GATEWAY_PORT"] = str(free_port())
    env["LKA_GATEWAY_METRICS_PORT"] = str(free_port())
    return env


async def test_health_and_readiness_answer(gateway: str, client: aiohttp.ClientSession) -> None:
    async with client.get(gateway + "/healthz") as health, client.get(gateway + "/readyz") as ready:
        assert health.status == 200
        assert ready.status == 200
        assert await ready.json() == {"status": "ready"}


async def test_metrics_are_served_on_their_own_port_and_count_calls_by_route_template(
    gateway_with: Any, client: aiohttp.ClientSession
) -> None:
    metrics_port = free_port()
    async with gateway_with(metrics_port=metrics_port) as gateway:
        async with client.get(gateway + "/api/v1/accounts/7f1c/meters"):
            pass
        async with client.get(f"http://127.0.0.1:{metrics_port}/metrics") as response:
            assert response.status == 200
            assert response.content_type == "text/plain"
            text = await response.text()
        # Named as the readings service names it (its OpenAPI), not by an id of the call.
        assert 'route="/api/v1/accounts/{account_id}/meters"' in text
        assert "lka_gateway_rate_limited_total" in text  # the gateway's own counters, same registry


@pytest.mark.parametrize("path", ["/metrics", "/metrics/", "/api/metrics", "/api/v1/metrics"])
async def test_metrics_are_not_served_on_the_public_port(
    gateway: str, anonymous: aiohttp.ClientSession, path: str
) -> None:
    # An unknown path like any other: the call counts, failures and refusals are not an
    # outsider's to read.
    async with anonymous.get(gateway + path) as response:
        assert response.status == 404
        assert response.content_type == "application/problem+json"
        assert "lka_http_requests_total" not in await response.text()


async def test_other_paths_outside_the_api_are_a_404_problem(gateway: str, client: aiohttp.ClientSession) -> None:
    async with client.get(gateway + "/no-page-here") as response:
        assert response.status == 404
        assert response.content_type == "application/problem+json"


async def test_python_m_lka_gateway_serves_on_the_configured_port(process_env: dict[str, str]) -> None:
    port = process_env["LKA_GATEWAY_PORT"]
    process = ServiceProcess.module("gateway", "lka_gateway", process_env).start()
    try:
        await process.wait_for_text("Uvicorn running on")  # logged once it listens
        # Ready once subscribed to the revocation events and loaded identity's list.
        await process.wait_for_event("revocations_ready")
        async with aiohttp.ClientSession() as client:
            async with client.get(f"http://127.0.0.1:{port}/readyz") as response:
                assert response.status == 200
            metrics = f"http://127.0.0.1:{process_env['LKA_GATEWAY_METRICS_PORT']}/metrics"
            async with client.get(metrics) as response:
                assert response.status == 200
            async with client.get(f"http://127.0.0.1:{port}/metrics") as response:
                assert response.status == 404
    finally:
        process.stop()
        process.cleanup()


async def test_with_a_collector_a_calls_server_span_is_named_as_the_service_names_its_route(
    process_env: dict[str, str], client: aiohttp.ClientSession
) -> None:
    """One call reads the same in the gateway's trace as in the service's: `{account_id}`, as
    readings' OpenAPI (and its own server span) spells the account route."""
    port = process_env["LKA_GATEWAY_PORT"]
    trace_id = secrets.token_hex(16)
    with OtlpReceiver() as receiver:
        env = {**process_env, "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100"}
        process = ServiceProcess.module("gateway", "lka_gateway", env).start()
        try:
            await process.wait_for_event("revocations_ready")
            traceparent = f"00-{trace_id}-{secrets.token_hex(8)}-01"  # sampled: the gateway records it
            url = f"http://127.0.0.1:{port}/api/v1/accounts/{uuid.uuid4()}/meters"
            async with client.get(url, headers={"traceparent": traceparent}) as response:
                assert response.status == 200

            def server_spans() -> list[ReceivedSpan]:
                return [s for s in receiver.trace(trace_id) if (s.service, s.kind) == ("gateway", "SERVER")]

            (span,) = await eventually(server_spans, "the gateway's server span of the call")
        finally:
            process.stop()
            process.cleanup()
    assert span.name == "GET /api/v1/accounts/{account_id}/meters"
    assert span.attributes["http.route"] == "/api/v1/accounts/{account_id}/meters"


@pytest.mark.parametrize("log_each_call", [False, True])
async def test_a_line_per_call_is_logged_only_when_asked_for_but_failures_always(
    log_each_call: bool, process_env: dict[str, str]
) -> None:
    port = process_env["LKA_GATEWAY_PORT"]
    env = {
        **process_env,
        "LKA_GATEWAY_ACCOUNTS_URL": f"http://127.0.0.1:{free_port()}",  # nothing listens there
        "LKA_GATEWAY_LOG_EACH_CALL": str(log_each_call).lower(),
    }
    process = ServiceProcess.module("gateway", "lka_gateway", env).start()
    try:
        await process.wait_for_text("Uvicorn running on")  # logged once it listens
        async with aiohttp.ClientSession() as client:
            async with client.get(f"http://127.0.0.1:{port}/api/v1/regions") as response:
                assert response.status == 503
            async with client.get(f"http://127.0.0.1:{port}/api/v1/no-such-thing") as response:
                assert response.status == 404
        failure = await process.wait_for_event("upstream_failed", service="accounts")
        assert failure["request_id"]
        if log_each_call:
            await process.wait_for_event("request", path="/api/v1/no-such-thing", status=404)
        else:
            process.stop()  # flushes what it had to say
            assert not [r for r in process.records() if r.get("event") == "request"]
    finally:
        process.stop()
        process.cleanup()


async def test_two_gateway_processes_share_the_rate_limit_count(process_env: dict[str, str]) -> None:
    """Two replicas as real OS processes on one Redis: the burst is spent across both."""
    limits = {"anonymous": {"rate": 0.5, "burst": 3}, "signed_in": {"rate": 0.5, "burst": 2}}
    shared = {
        **process_env,
        "LKA_GATEWAY_RATE_LIMITS": json.dumps(limits),
        "LKA_GATEWAY_RATE_LIMIT_PREFIX": f"lka:test:{uuid.uuid4().hex}:",
        "LKA_GATEWAY_METRICS_PORT": "0",  # one each, wherever is free
    }
    ports = [free_port(), free_port()]
    replicas = [
        ServiceProcess.module(f"gateway-{i}", "lka_gateway", {**shared, "LKA_GATEWAY_PORT": str(port)}).start()
        for i, port in enumerate(ports)
    ]
    try:
        for replica in replicas:
            await replica.wait_for_event("revocations_ready")
        statuses = []
        async with aiohttp.ClientSession() as client:
            for call in range(5):
                async with client.get(f"http://127.0.0.1:{ports[call % 2]}/api/v1/regions") as response:
                    statuses.append(response.status)
        assert statuses == [200, 200, 200, 429, 429]
    finally:
        for replica in replicas:
            replica.stop()
            replica.cleanup()
