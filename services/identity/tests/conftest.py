"""Fixtures of the identity tests: a migrated database, the API served for real, the relay,
and a `portal` that walks a person through the API the way the front end would.

Letters are not sent here (notifications sends them): the tests read the `SendLetter`
commands identity left in its outbox, which is where the links with their tokens are.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import uuid
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher
from pydantic import SecretStr

from lka_common.db import make_engine
from lka_common.messaging.relay import OutboxRelay
from lka_common.testing.databases import plain_url
from lka_common.testing.http import serve_in_background
from lka_common.testing.portal import totp_code
from lka_identity.bootstrap import build_app, command_context
from lka_identity.service_layer.operators import create_staff
from lka_identity.settings import IdentitySettings

V1 = "/api/v1"
PUBLIC_BASE_URL = "https://lk.example.test"
PASSWORD = "Зелёный-трамвай-2026"
LETTER = "notifications.letter.send.v1"


def new_email() -> str:
    return f"abonent-{uuid.uuid4().hex[:12]}@example.ru"


def from_client() -> dict[str, str]:
    """A client address of its own (through the trusted local proxy), so limits don't mix."""
    return {"X-Forwarded-For": f"203.0.{random.randint(0, 255)}.{random.randint(1, 254)}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def settings(migrated_database: Callable[[str], str], amqp_url: str) -> IdentitySettings:
    return IdentitySettings(
        database_url=migrated_database("identity"),
        amqp_url=amqp_url,
        environment="test",
        db_pool_size=8,  # this suite's ceiling on connections; no overflow, as the APIs ship
        public_base_url=PUBLIC_BASE_URL,
        key_encryption_secret=SecretStr("test-only-key-encryption-secret"),
        signing_key_cache_s=1,
    )


@pytest.fixture(scope="session")
async def api(settings: IdentitySettings) -> AsyncIterator[httpx.AsyncClient]:
    async with serve_in_background(build_app(settings)) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        yield client


@pytest.fixture
def serve(settings: IdentitySettings) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """`async with serve(**overrides) as client`: a second API process with other settings, on
    the same database."""

    @asynccontextmanager
    async def serving(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = build_app(settings.model_copy(update=overrides))
        async with serve_in_background(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
            yield client

    return serving


@pytest.fixture
def command(settings: IdentitySettings) -> Callable[..., Awaitable[tuple[int, str, str]]]:
    """`await command(module, *args)`: run one of identity's commands as a real process against
    the test database; returns (exit code, stdout, stderr)."""
    env = {
        **os.environ,
        "LKA_ENVIRONMENT": "test",
        "LKA_IDENTITY_DATABASE_URL": settings.database_url,
        "LKA_IDENTITY_AMQP_URL": settings.amqp_url,
        "LKA_IDENTITY_KEY_ENCRYPTION_SECRET": settings.key_encryption_secret.get_secret_value(),
    }

    async def run(module: str, *args: str) -> tuple[int, str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, *args, env=env, stdout=PIPE, stderr=PIPE
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
        return process.returncode or 0, out.decode(), err.decode()

    return run


@pytest.fixture(scope="session")
async def db(settings: IdentitySettings) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(plain_url(settings.database_url), min_size=1, max_size=2)
    yield pool
    await pool.close()


@pytest.fixture
async def relay(settings: IdentitySettings) -> AsyncIterator[Callable[[], Awaitable[int]]]:
    """`await relay()` publishes everything the outbox holds, batch after batch."""
    engine = make_engine(settings, pool_size=2)
    outbox_relay = OutboxRelay(engine, settings.amqp_url, "identity-test", batch_size=100)
    await outbox_relay.connect()

    async def publish() -> int:
        total = 0
        while (taken := await outbox_relay.publish_batch()) > 0:
            total += taken
            if taken < 100:
                break
        return total

    yield publish
    await outbox_relay.close()
    await engine.dispose()


async def outbox_messages(db: asyncpg.Pool, subject: str, routing_key: str | None = None) -> list[dict[str, Any]]:
    """The CloudEvents identity raised about `subject`, oldest first."""
    rows = await db.fetch(
        "SELECT body FROM outbox WHERE body <> '' AND body::jsonb ->> 'subject' = $1"
        " AND ($2::text IS NULL OR routing_key = $2) ORDER BY id",
        subject,
        routing_key,
    )
    return [json.loads(row["body"]) for row in rows]


async def letters_to(db: asyncpg.Pool, email: str, template: str | None = None) -> list[dict[str, Any]]:
    """The `SendLetter` commands addressed to `email` (their `data`), oldest first."""
    rows = await db.fetch(
        "SELECT body FROM outbox WHERE routing_key = $1 AND body <> ''"
        " AND lower(body::jsonb -> 'data' ->> 'to') = lower($2) ORDER BY id",
        LETTER,
        email,
    )
    letters = [json.loads(row["body"])["data"] for row in rows]
    return [letter for letter in letters if template is None or letter["template"] == template]


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


@dataclass
class Person:
    email: str
    password: str
    user_id: str = ""
    access_token: str = ""
    refresh_token: str = ""
    # Staff only: the second factor as `make operator` prints it (sign_in computes codes from it).
    otpauth_uri: str = ""
    recovery_codes: list[str] = field(default_factory=list)


class Portal:
    """What a person does through the API, step by step, each call from a client address of its
    own; and what identity left behind in its database."""

    password = PASSWORD
    public_base_url = PUBLIC_BASE_URL

    def __init__(self, api: httpx.AsyncClient, db: asyncpg.Pool, settings: IdentitySettings | None = None) -> None:
        self.api = api
        self.db = db
        self.settings = settings

    new_email = staticmethod(new_email)
    from_client = staticmethod(from_client)
    bearer = staticmethod(bearer)
    token_of = staticmethod(token_of)

    def person(self, email: str, password: str = PASSWORD) -> Person:
        return Person(email, password)

    async def post(
        self, path: str, body: dict[str, Any], token: str | None = None, client: httpx.AsyncClient | None = None
    ) -> httpx.Response:
        headers = {**from_client(), **(bearer(token) if token else {})}
        return await (client or self.api).post(V1 + path, json=body, headers=headers)

    async def get(self, path: str, token: str | None = None) -> httpx.Response:
        return await self.api.get(V1 + path, headers=bearer(token) if token else {})

    async def messages(self, subject: str, routing_key: str | None = None) -> list[dict[str, Any]]:
        return await outbox_messages(self.db, subject, routing_key)

    async def letters(self, email: str, template: str | None = None) -> list[dict[str, Any]]:
        return await letters_to(self.db, email, template)

    async def register(self, email: str | None = None, password: str = PASSWORD) -> Person:
        person = Person(email or new_email(), password)
        body = {"email": person.email, "password": password, "password_confirm": password}
        response = await self.post("/auth/register", {**body, "personal_data_consent": True})
        assert response.status_code == 201, response.text
        row = await self.db.fetchrow("SELECT id FROM users WHERE lower(email) = lower($1)", person.email)
        person.user_id = str(row["id"])
        return person

    async def confirmation_token(self, email: str) -> str:
        letters = await letters_to(self.db, email, "email_confirmation")
        return token_of(letters[-1]["params"]["link"])

    async def reset_token(self, email: str) -> str:
        letters = await letters_to(self.db, email, "password_reset")
        return token_of(letters[-1]["params"]["link"])

    async def sign_in(self, person: Person, client: httpx.AsyncClient | None = None) -> Person:
        """Sign in; staff with both steps, the code computed from their enrolment URI."""
        body = {"email": person.email, "password": person.password}
        response = await self.post("/auth/login", body, client=client)
        assert response.status_code == 200, response.text
        if response.json().get("mfa_required"):
            assert person.otpauth_uri, "a staff profile signs in with its second factor"
            second = {"mfa_token": response.json()["mfa_token"], "code": await totp_code(person.otpauth_uri)}
            response = await self.post("/auth/login/mfa", second, client=client)
            assert response.status_code == 200, response.text
        person.access_token = response.json()["access_token"]
        person.refresh_token = response.json()["refresh_token"]
        return person

    async def staff(self, role: str = "operator", email: str | None = None, *, signed_in: bool = True) -> Person:
        """A staff profile made as `make operator` makes it (in-process), its second factor
        enrolled; signed in unless told otherwise."""
        assert self.settings is not None
        person = Person(email or new_email(), PASSWORD)
        async with command_context(self.settings) as (new_uow, ctx):
            user, enrolment = await create_staff(new_uow(), ctx, email=person.email, password=PASSWORD, role=role)
        person.user_id = str(user.id)
        person.otpauth_uri = enrolment.otpauth_uri
        person.recovery_codes = list(enrolment.recovery_codes)
        return await self.sign_in(person) if signed_in else person

    async def signed_in(self, email: str | None = None, password: str = PASSWORD) -> Person:
        """A registered, confirmed and signed-in person."""
        person = await self.register(email, password)
        token = await self.confirmation_token(person.email)
        response = await self.post("/auth/email/confirm", {"token": token})
        assert response.status_code == 200, response.text
        return await self.sign_in(person)


@pytest.fixture
def portal(api: httpx.AsyncClient, db: asyncpg.Pool, settings: IdentitySettings) -> Portal:
    return Portal(api, db, settings)


@pytest.fixture(scope="session")
def asvs_hash() -> str:
    """A hash of PASSWORD at the service's parameters, for users inserted straight into the table."""
    return PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1).hash(PASSWORD)


@pytest.fixture
def insert_user(db: asyncpg.Pool) -> Callable[..., Awaitable[Person]]:
    """A confirmed user written straight into the database (for tests that need many)."""

    async def insert(password_hash: str, *, email: str | None = None, password: str = PASSWORD) -> Person:
        person = Person(email or new_email(), password, str(uuid.uuid4()))
        await db.execute(
            "INSERT INTO users (id, email, password_hash, email_confirmed_at) VALUES ($1, $2, $3, now())",
            uuid.UUID(person.user_id),
            person.email,
            password_hash,
        )
        return person

    return insert
