"""The subscriber's whole life with identity, through the gateway, reading the letters from
the mail catcher as a person would: register, confirm, sign in, recover, change the
password, sign out, refresh, merge (identity issue, "must hold" 1)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import httpx
import pytest

from lka_common.testing.portal import (
    PASSWORD,
    bearer,
    letter,
    new_address,
    otpauth_uri_in,
    register_and_confirm,
    sign_in,
    sign_in_staff,
    token_from,
)
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

NEW_PASSWORD = "Зеленый-троллейбус-77"


@pytest.fixture
async def http(stack: Stack) -> Any:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as client:
        yield client


async def test_registration_needs_consent_then_a_confirmed_address_before_sign_in(
    http: httpx.AsyncClient, stack: Stack
) -> None:
    email = new_address()
    body = {"email": email, "password": PASSWORD, "password_confirm": PASSWORD, "personal_data_consent": False}
    refused = await http.post("/api/v1/auth/register", json=body)
    assert refused.status_code == 422
    assert refused.json()["code"] == "consent_required"

    registered = await http.post("/api/v1/auth/register", json={**body, "personal_data_consent": True})
    assert registered.status_code == 201
    assert registered.json()["message"].startswith("Создана учетная запись")
    early = await http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert early.status_code == 403
    assert early.json()["code"] == "email_not_confirmed"

    confirmation = await letter(http, stack.mail, email, "Подтверждение адреса электронной почты")
    token = token_from(confirmation, "/confirm-email")
    # The link is built from the public base URL setting (the stack's gateway), never a Host header.
    assert f"{stack.gateway}/confirm-email?token={token}" in confirmation["text"]
    assert (await http.post("/api/v1/auth/email/confirm", json={"token": token})).status_code == 200
    used = await http.post("/api/v1/auth/email/confirm", json={"token": token})
    wrong = await http.post("/api/v1/auth/email/confirm", json={"token": "A" * 43})
    # The letter's link opened again says the address is confirmed (only the mailbox had it).
    assert (used.status_code, used.json()["message"]) == (
        200,
        "Адрес электронной почты уже подтвержден. Войдите в личный кабинет",
    )
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_token")

    tokens = await sign_in(http, email)
    assert tokens["token_type"] == "Bearer"
    profile = await http.get("/api/v1/profile", headers=bearer(tokens))
    assert profile.status_code == 200
    assert profile.json()["email"] == email
    assert profile.json()["email_confirmed"] is True


async def test_recovery_by_letter_changes_the_password_once(http: httpx.AsyncClient, stack: Stack) -> None:
    email = new_address()
    await register_and_confirm(http, stack.mail, email)

    assert (await http.post("/api/v1/auth/password/forgot", json={"email": email})).status_code == 202
    recovery = await letter(http, stack.mail, email, "Восстановление доступа")
    assert "Для восстановления доступа в сервисе «Личный кабинет абонента ГУП РК „Крымэнерго“»" in recovery["text"]
    token = token_from(recovery, "/password/reset")
    reset = {"token": token, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}

    changed = await http.post("/api/v1/auth/password/reset", json=reset)
    again = await http.post("/api/v1/auth/password/reset", json=reset)

    assert changed.status_code == 200
    assert changed.json()["message"] == "Пароль успешно изменен"
    assert again.status_code == 400
    old = await http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert (old.status_code, old.json()["code"]) == (401, "invalid_credentials")
    await sign_in(http, email, NEW_PASSWORD)


async def test_changing_the_password_ends_the_other_sessions(http: httpx.AsyncClient, stack: Stack) -> None:
    email = new_address()
    await register_and_confirm(http, stack.mail, email)
    here, elsewhere = await sign_in(http, email), await sign_in(http, email)

    body = {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    changed = await http.post("/api/v1/profile/password", json=body, headers=bearer(here))

    assert changed.json()["message"] == "Пароль успешно изменен"
    assert (await http.get("/api/v1/profile", headers=bearer(here))).status_code == 200
    assert (await http.get("/api/v1/profile", headers=bearer(elsewhere))).status_code == 401


async def test_refresh_rotates_and_a_reused_refresh_token_ends_the_family(
    http: httpx.AsyncClient, stack: Stack
) -> None:
    email = new_address()
    await register_and_confirm(http, stack.mail, email)
    first = await sign_in(http, email)

    second = await http.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    reused = await http.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    after = await http.post("/api/v1/auth/refresh", json={"refresh_token": second.json()["refresh_token"]})
    assert after.status_code == 401


async def test_logout_is_refused_at_the_gateway_within_a_second(
    http: httpx.AsyncClient, stack: Stack, stack_env: tuple[dict[str, str], str, int]
) -> None:
    email, env = new_address(), stack_env[0]
    created = subprocess.run(
        [sys.executable, "-m", "lka_identity.entrypoints.operator", "--email", email, "--password", PASSWORD],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    # Staff sign in with the code of the `otpauth://` line the command printed.
    tokens = await sign_in_staff(http, email, PASSWORD, otpauth_uri_in(created.stdout))
    # A call identity never sees: only the gateway can refuse it once the session ended.
    assert (await http.get("/api/v1/operator/feedback", headers=bearer(tokens))).status_code == 200

    assert (await http.post("/api/v1/auth/logout", headers=bearer(tokens))).status_code == 204

    deadline = asyncio.get_running_loop().time() + 1.0
    while (await http.get("/api/v1/operator/feedback", headers=bearer(tokens))).status_code != 401:
        assert asyncio.get_running_loop().time() < deadline, "the gateway still lets the token through after 1 s"
        await asyncio.sleep(0.05)
    refresh = await http.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401


async def test_merge_moves_the_profile_and_the_merged_one_cannot_sign_in(http: httpx.AsyncClient, stack: Stack) -> None:
    main, other = new_address(), new_address()
    await register_and_confirm(http, stack.mail, main)
    await register_and_confirm(http, stack.mail, other, NEW_PASSWORD)
    tokens = await sign_in(http, main)

    wrong = await http.post(
        "/api/v1/profile/merge", json={"email": other, "password": PASSWORD}, headers=bearer(tokens)
    )
    merged = await http.post(
        "/api/v1/profile/merge", json={"email": other, "password": NEW_PASSWORD}, headers=bearer(tokens)
    )

    assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_credentials")
    assert merged.status_code == 200
    assert merged.json()["message"] == "Учетные записи объединены"
    # Gone for sign-in: its right password is told where it went (masked), a wrong one nothing.
    gone = await http.post("/api/v1/auth/login", json={"email": other, "password": NEW_PASSWORD})
    assert (gone.status_code, gone.json()["code"]) == (401, "profile_merged")
    assert f"{main[:2]}***@{main.split('@')[1]}" in gone.json()["detail"]
    guessed = await http.post("/api/v1/auth/login", json={"email": other, "password": PASSWORD})
    assert (guessed.status_code, guessed.json()["code"]) == (401, "invalid_credentials")
    await letter(http, stack.mail, main, "Учетные записи объединены")
