"""What the attack tests share: the staff command as staff run it, a look into a service's
database (what was stored is the proof, not what was answered), and an attacker's steps."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from functools import partial
from typing import Any

import asyncpg
import httpx

from lka_common.testing import events
from lka_common.testing.portal import CONFIRMATION_SUBJECT, StaffMember, letter, token_from

V1 = "/api/v1"
# The stack's processes talk to each other over 127.0.0.1, the only proxy address the local
# stack trusts (LKA_TRUSTED_PROXIES' default); the attacker's connections leave from another
# loopback address, as a caller from the internet comes from an untrusted one.
OUTSIDE_ADDRESS = "127.0.0.5"
# Polled every 0.2 s with a deadline for a whole stack on a shared machine.
eventually = partial(events.eventually, timeout=30, interval=0.2)
RESET_SUBJECT = "Восстановление доступа"


def address(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.ru"


def password() -> str:
    return f"Атака-{uuid.uuid4().hex[:12]}"


def make_operator(
    env: dict[str, str], email: str, secret: str, role: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`make operator EMAIL=… PASSWORD=… [ROLE=…]` against the attack stack's identity database
    (the command itself, without the Makefile's bootstrap of the developer's databases)."""
    argv = [sys.executable, "-m", "lka_identity.entrypoints.operator", "--email", email, "--password", secret]
    if role is not None:
        argv += ["--role", role]
    for _ in range(5):
        done = subprocess.run(argv, env={**os.environ, **env}, capture_output=True, text=True, timeout=60, check=False)
        # On a machine shared with other test runs PostgreSQL's slots can all be taken a moment.
        if "remaining connection slots" not in done.stderr:
            return done
        time.sleep(3)
    return done


async def rows(env: dict[str, str], service: str, query: str, *args: Any) -> list[asyncpg.Record]:
    """`query` on the service's own database of the attack stack."""
    url = env[f"LKA_{service.upper()}_DATABASE_URL"].replace("+asyncpg", "")
    connection = await asyncpg.connect(url)
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


async def register(http: httpx.AsyncClient, email: str, secret: str, **headers: str) -> None:
    body = {"email": email, "password": secret, "password_confirm": secret, "personal_data_consent": True}
    answer = await http.post(f"{V1}/auth/register", json=body, headers=headers)
    assert answer.status_code == 201, answer.text


async def confirm_from_letter(http: httpx.AsyncClient, mail: str, email: str) -> None:
    token = token_from(await letter(http, mail, email, CONFIRMATION_SUBJECT), "/confirm-email")
    answer = await http.post(f"{V1}/auth/email/confirm", json={"token": token})
    assert answer.status_code == 200, answer.text


async def login(http: httpx.AsyncClient, email: str, secret: str) -> httpx.Response:
    return await http.post(f"{V1}/auth/login", json={"email": email, "password": secret})


async def bearer(http: httpx.AsyncClient, email: str, secret: str) -> dict[str, str]:
    answer = await login(http, email, secret)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def subscriber(http: httpx.AsyncClient, mail: str, name: str) -> tuple[str, str, dict[str, str]]:
    """A confirmed, signed-in subscriber: (e-mail, password, bearer header)."""
    email, secret = address(name), password()
    await register(http, email, secret)
    await confirm_from_letter(http, mail, email)
    return email, secret, await bearer(http, email, secret)


async def staff(http: httpx.AsyncClient, env: dict[str, str], name: str, role: str | None = None) -> dict[str, str]:
    """Staff made the way the supplier makes them, signed in with both steps (the code computed
    from the `otpauth://` line the command printed): the bearer header."""
    email, secret = address(name), password()
    made = make_operator(env, email, secret, role)
    assert made.returncode == 0, made.stdout + made.stderr
    return await StaffMember.from_output(email, secret, made.stdout).sign_in(http)


def link_body(region: str, number: str, letters: str) -> dict[str, str]:
    return {"region_code": region, "number": number, "surname_prefix": letters}
