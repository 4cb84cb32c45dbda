"""Tokens identity revoked are refused by a service's own principal dependency, within a
second of the event, cached or not; the list on its own; and the feed after a broker outage
(the gateway runs the same feed: its tests check only its own wiring, gateway/tests).

A service here is `create_app` with a probe router, served for real, with the run's RabbitMQ
vhost and a stand-in for identity's `/api/v1/internal/revocations`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiohttp import web
from fastapi import APIRouter, FastAPI
from yarl import URL

from lka_common.auth import CurrentUser
from lka_common.events.envelope import new_event
from lka_common.events.identity import SessionRevoked
from lka_common.revocations import RevocationFeed, RevocationList
from lka_common.settings import ServiceSettings
from lka_common.testing.events import eventually, publish_event
from lka_common.testing.http import serve_in_background
from lka_common.testing.processes import free_port
from lka_common.testing.tcp_proxy import TcpProxy
from lka_common.testing.tokens import TokenFactory
from lka_common.web import create_app

TOKENS = TokenFactory()
TTL_S = 900.0
ME = "/api/v1/me"
LIST_PATH = "/api/v1/internal/revocations"

ServiceFactory = Callable[..., AbstractAsyncContextManager[tuple[FastAPI, httpx.AsyncClient]]]


class ProbeSettings(ServiceSettings):
    service_name = "probe"


router = APIRouter()


@router.get("/me")
async def me(user: CurrentUser) -> dict[str, str]:
    return {"user_id": str(user.user_id)}


# --- a service with the feed --------------------------------------------------------------


@pytest.fixture(scope="module")
def in_force() -> list[dict[str, Any]]:
    """What the identity stand-in lists; tests add to it."""
    return []


@pytest.fixture(scope="module")
async def identity(in_force: list[dict[str, Any]]) -> AsyncIterator[str]:
    async def listed(_: web.Request) -> web.Response:
        return web.json_response(in_force)

    app = web.Application()
    app.router.add_get(LIST_PATH, listed)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}{LIST_PATH}"
    await runner.cleanup()


@pytest.fixture(scope="module")
def service_with(amqp_url: str, identity: str, messaging_database: str) -> ServiceFactory:
    """`async with service_with(**settings) as (app, client)`: a service API, handed over once
    its feed has subscribed and loaded the list unless `wait_ready=False`."""

    @contextlib.asynccontextmanager
    async def serving(wait_ready: bool = True, **overrides: Any) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
        settings = ProbeSettings(
            **{
                "database_url": messaging_database,
                "jwks_json": TOKENS.jwks_json(),
                "jwks_url": "http://127.0.0.1:9/none",
                "amqp_url": amqp_url,
                "revocations_url": identity,
                "revocations_retry_first_s": 0.05,
                "revocations_retry_max_s": 0.2,
                **overrides,
            }
        )
        app = create_app(settings, title="probe", routers=[router])
        async with serve_in_background(app) as url, httpx.AsyncClient(base_url=url) as client:
            if wait_ready:
                await eventually(lambda: app.state.revocation_feed.ready, "the feed subscribed and loaded", timeout=10)
            yield app, client

    return serving


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _status(client: httpx.AsyncClient, token: str) -> int:
    return (await client.get(ME, headers=bearer(token))).status_code


async def _refused_within(client: httpx.AsyncClient, token: str, deadline_s: float) -> float:
    """Seconds until the service first refuses the token; fails past the deadline."""
    started = time.monotonic()
    while (status := await _status(client, token)) != 401:
        assert status == 200
        assert time.monotonic() - started < deadline_s, "the token was still accepted"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


def listed(user_id: uuid.UUID, session_id: uuid.UUID, at: datetime) -> dict[str, Any]:
    """An entry of identity's list, as `/internal/revocations` answers it."""
    return {"user_id": str(user_id), "session_id": str(session_id), "revoked_at": at.isoformat()}


async def revoke(amqp_url: str, user_id: uuid.UUID, session_id: uuid.UUID | None, at: datetime) -> None:
    """`identity.session.revoked.v1` on `lka.events`, as identity's relay publishes it."""
    data = SessionRevoked(user_id=user_id, session_id=session_id, revoked_at=at)
    await publish_event(amqp_url, data, source="/lka/identity")


async def test_a_revoked_session_is_refused_by_the_service_within_a_second(
    service_with: ServiceFactory, amqp_url: str
) -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    token = TOKENS.issue(user_id, sid=str(session_id))
    other_session = TOKENS.issue(user_id, sid=str(uuid.uuid4()))
    async with service_with() as (_, client):
        assert await _status(client, token) == 200  # verified, and in the verifier's cache now

        await revoke(amqp_url, user_id, session_id, datetime.now(UTC))

        assert await _refused_within(client, token, deadline_s=1.0) < 1.0
        refused = await client.get(ME, headers=bearer(token))
        assert refused.json()["code"] == "unauthorized"
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert await _status(client, other_session) == 200  # only that session ended


async def test_an_all_sessions_revocation_refuses_tokens_issued_up_to_it(
    service_with: ServiceFactory, amqp_url: str
) -> None:
    user_id = uuid.uuid4()
    now = datetime.now(UTC)
    older = TOKENS.issue(user_id, iat=now - timedelta(minutes=2))
    newer = TOKENS.issue(user_id, iat=now)
    async with service_with() as (_, client):
        assert await _status(client, older) == 200

        await revoke(amqp_url, user_id, None, now - timedelta(minutes=1))

        await _refused_within(client, older, deadline_s=1.0)
        assert await _status(client, newer) == 200  # signed in again after the reset


async def test_a_service_started_after_a_revocation_loads_it_from_identity(
    service_with: ServiceFactory, in_force: list[dict[str, Any]]
) -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    in_force.append(listed(user_id, session_id, datetime.now(UTC)))
    async with service_with() as (_, client):
        assert await _status(client, TOKENS.issue(user_id, sid=str(session_id))) == 401
        assert await _status(client, TOKENS.issue(user_id, sid=str(uuid.uuid4()))) == 200


async def test_a_service_started_while_the_broker_is_down_is_ready_and_refuses_what_identity_lists(
    service_with: ServiceFactory, in_force: list[dict[str, Any]]
) -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    in_force.append(listed(user_id, session_id, datetime.now(UTC)))
    nowhere = f"amqp://guest:guest@127.0.0.1:{free_port()}/"
    async with service_with(wait_ready=False, amqp_url=nowhere) as (app, client):
        # Ready: its database answers, and the broker is no part of an API's readiness.
        assert (await client.get("/readyz")).status_code == 200
        await eventually(lambda: len(app.state.revocations) > 0, "the list loaded without the broker")
        assert await _status(client, TOKENS.issue(user_id, sid=str(session_id))) == 401
        assert not app.state.revocation_feed.ready  # not subscribed: events are not heard yet


async def test_revocations_missed_during_a_broker_outage_are_loaded_after_reconnecting(
    service_with: ServiceFactory, in_force: list[dict[str, Any]], amqp_url: str
) -> None:
    broker = URL(amqp_url)
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    token = TOKENS.issue(user_id, sid=str(session_id))
    with TcpProxy(broker.host or "127.0.0.1", broker.port or 5672) as link:
        # Reconnecting every 0.2 s instead of aio-pika's 5 s keeps the test short.
        proxied = str(broker.with_host("127.0.0.1").with_port(link.port).with_query(reconnect_interval="0.2"))
        async with service_with(amqp_url=proxied) as (_, client):
            assert await _status(client, token) == 200

            link.refuse()
            # Identity ends the session while the service hears nothing: the event is lost to
            # it, and only identity's list still says so.
            revoked_at = datetime.now(UTC)
            await revoke(amqp_url, user_id, session_id, revoked_at)
            in_force.append(listed(user_id, session_id, revoked_at))
            assert (await client.get("/readyz")).status_code == 200  # the outage is no reason to leave rotation
            assert await _status(client, token) == 200
            link.forward()

            async def refused() -> bool:
                return await _status(client, token) == 401

            await eventually(refused, "the missed revocation loaded after reconnecting", timeout=10)


# --- the list on its own ---------------------------------------------------------------------


def test_a_listed_session_is_revoked_whatever_the_tokens_age() -> None:
    revocations = RevocationList(keep_s=TTL_S)
    user, session = uuid.uuid4(), uuid.uuid4()
    revocations.apply(user, session, datetime.now(UTC))
    assert revocations.is_revoked(user, session, issued_at=datetime.now(UTC).timestamp() + 5)
    assert not revocations.is_revoked(user, uuid.uuid4(), issued_at=0)
    assert not revocations.is_revoked(user, None, issued_at=0)


def test_all_sessions_refuse_tokens_issued_up_to_the_moment_and_not_after() -> None:
    revocations = RevocationList(keep_s=TTL_S)
    user = uuid.uuid4()
    moment = datetime.now(UTC).replace(microsecond=500_000)
    revocations.apply(user, None, moment)
    # `iat` is to the millisecond (identity's access_claims): a token of the same second is
    # refused when it is older, and let through when it came after (a sign-in right after a reset).
    assert revocations.is_revoked(user, uuid.uuid4(), issued_at=int(moment.timestamp()))
    assert revocations.is_revoked(user, uuid.uuid4(), issued_at=moment.timestamp())
    assert revocations.is_revoked(user, None, issued_at=moment.timestamp() - 60)
    assert not revocations.is_revoked(user, uuid.uuid4(), issued_at=moment.timestamp() + 0.001)
    assert not revocations.is_revoked(user, uuid.uuid4(), issued_at=int(moment.timestamp()) + 1)
    assert not revocations.is_revoked(uuid.uuid4(), None, issued_at=0)


def test_the_latest_all_sessions_moment_wins_whatever_the_order() -> None:
    revocations = RevocationList(keep_s=TTL_S)
    user = uuid.uuid4()
    late = datetime.now(UTC)
    revocations.apply(user, None, late)
    revocations.apply(user, None, late - timedelta(minutes=5))  # an older one, from the list
    assert revocations.is_revoked(user, None, issued_at=late.timestamp() - 1)


def test_entries_are_dropped_once_no_token_they_refuse_can_be_alive() -> None:
    revocations = RevocationList(keep_s=TTL_S)
    user, session = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    revocations.apply(user, session, now - timedelta(seconds=TTL_S + 1))  # dropped at once
    assert len(revocations) == 0
    revocations.apply(user, session, now)
    revocations.apply(user, None, now - timedelta(minutes=1))
    revocations.apply(user, None, now)  # the same user again, later: one entry, kept longest
    assert len(revocations) == 2
    revocations.drop_expired(now=now.timestamp() + TTL_S - 30)
    assert len(revocations) == 2
    revocations.drop_expired(now=now.timestamp() + TTL_S)
    assert len(revocations) == 0


# --- one delivery ------------------------------------------------------------------------------


class Delivery:
    """Stands in for aio-pika's incoming message: a body, and whether it was acked."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.message_id = "test"
        self.acked = False

    async def ack(self) -> None:
        self.acked = True


def feed(revocations: RevocationList) -> RevocationFeed:
    return RevocationFeed(revocations, owner="test", amqp_url="amqp://nowhere/", list_url="http://nowhere/")


@pytest.mark.parametrize("body", [b"", b"{not json", b'{"id": "1", "source": "/x", "type": "x.v1", "data": {}}'])
async def test_an_unreadable_delivery_is_acked_and_changes_nothing(body: bytes) -> None:
    revocations = RevocationList(keep_s=TTL_S)
    delivery = Delivery(body)
    await feed(revocations).handle(delivery)  # type: ignore[arg-type]
    assert delivery.acked
    assert len(revocations) == 0


async def test_a_revocation_is_applied_then_acked() -> None:
    revocations = RevocationList(keep_s=TTL_S)
    user, session = uuid.uuid4(), uuid.uuid4()
    revoked = SessionRevoked(user_id=user, session_id=session, revoked_at=datetime.now(UTC))
    delivery = Delivery(new_event(revoked, "/lka/identity", str(user)).to_json())
    await feed(revocations).handle(delivery)  # type: ignore[arg-type]
    assert delivery.acked
    assert revocations.is_revoked(user, session, issued_at=0)
