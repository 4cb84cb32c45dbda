"""Sign-in, refresh and sign-out over HTTP (the manual's «Авторизация», «Выход из ЛКА»;
docs/contract.md §2; docs/quality.md item 1, 4, 5, 6)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from lka_common.auth import TokenVerifier
from lka_identity.settings import IdentitySettings

INVALID = {"code": "invalid_credentials", "detail": "Неверный адрес электронной почты или пароль"}


def problem(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    return {"code": body["code"], "detail": body["detail"]}


async def test_sign_in_returns_a_token_pair_that_verifies_with_the_published_keys(
    portal: Any, settings: IdentitySettings
) -> None:
    person = await portal.signed_in()

    response = await portal.post("/auth/login", {"email": person.email, "password": person.password})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    jwks = (await portal.get("/.well-known/jwks.json")).json()
    principal = await TokenVerifier(None, "lka-identity", "lka", jwks=jwks).verify(body["access_token"])
    assert str(principal.user_id) == person.user_id
    assert principal.role == "subscriber" and principal.email == person.email
    assert principal.session_id is not None
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "ES256" and header["kid"] in {k["kid"] for k in jwks["keys"]}
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["typ"] == "access"
    assert claims["exp"] - claims["iat"] <= 15 * 60
    # To the millisecond, so an all-sessions revocation in the same second tells them apart.
    # (JSON keeps 1764000000.0 a float: a whole-second `iat` would come back an int.)
    assert isinstance(claims["iat"], float) and round(claims["iat"], 3) == claims["iat"]
    assert isinstance(claims["exp"], int)
    assert {"sub", "sid", "role", "email", "aud", "iss", "exp", "iat", "jti"} <= set(claims)


async def test_unknown_address_wrong_password_and_wrong_case_answer_alike(portal: Any) -> None:
    person = await portal.signed_in()

    unknown = await portal.post("/auth/login", {"email": portal.new_email(), "password": person.password})
    wrong = await portal.post("/auth/login", {"email": person.email, "password": "Не-тот-пароль-2026"})

    assert unknown.status_code == wrong.status_code == 401
    assert problem(unknown) == problem(wrong) == INVALID
    assert unknown.json() == wrong.json()
    # The address is one user whatever its case; the password is compared exactly.
    assert (await portal.post("/auth/login", {"email": person.email.upper(), "password": person.password})).is_success
    shouted = await portal.post("/auth/login", {"email": person.email, "password": person.password.upper()})
    assert shouted.status_code == 401


def masked(email: str) -> str:
    local, domain = email.split("@")
    return f"{local[:2]}***@{domain}"


async def merged_into(portal: Any, target: Any, source: Any) -> None:
    merged = await portal.post(
        "/profile/merge", {"email": source.email, "password": source.password}, token=target.access_token
    )
    assert merged.status_code == 200, merged.text


async def test_a_merged_profiles_right_password_is_told_into_which_address_and_nothing_else_is(
    portal: Any, db: Any
) -> None:
    target = await portal.signed_in()
    source = await portal.signed_in(password="Другой-пароль-абонента-2026")
    await merged_into(portal, target, source)

    right = await portal.post("/auth/login", {"email": source.email.upper(), "password": source.password})
    wrong = await portal.post("/auth/login", {"email": source.email, "password": "Не-тот-пароль-2026"})
    unknown = await portal.post("/auth/login", {"email": portal.new_email(), "password": source.password})

    assert right.status_code == 401
    assert right.headers["WWW-Authenticate"].startswith("Bearer")
    assert problem(right) == {
        "code": "profile_merged",
        "detail": f"Эта учетная запись объединена с учетной записью {masked(target.email)}. Войдите с ее адресом.",
    }
    assert target.email not in right.text
    assert "access_token" not in right.json()
    # Without the password a merged profile is an unknown address, as before.
    assert problem(wrong) == problem(unknown) == INVALID
    assert wrong.json() == unknown.json()
    # The right password is no failure: it is taken back, the wrong one stays counted.
    attempts = await db.fetchval(
        "SELECT count(*) FROM attempts WHERE kind = 'login' AND key = 'account:' || lower($1)", source.email
    )
    assert attempts == 1


async def test_a_merged_profile_told_again_and_again_is_never_locked_and_names_the_last_merge(portal: Any) -> None:
    first = await portal.signed_in()
    second = await portal.signed_in()
    last = await portal.signed_in()
    await merged_into(portal, second, first)
    await merged_into(portal, last, second)

    answers = [await portal.post("/auth/login", {"email": first.email, "password": first.password}) for _ in range(12)]

    assert {(a.status_code, a.json()["code"]) for a in answers} == {(401, "profile_merged")}
    assert masked(last.email) in answers[-1].json()["detail"]


async def test_the_eleventh_wrong_password_is_429_and_recovery_still_works(portal: Any) -> None:
    person = await portal.signed_in()
    wrong = {"email": person.email, "password": "Не-тот-пароль-2026"}

    failures = [await portal.post("/auth/login", wrong) for _ in range(10)]
    eleventh = await portal.post("/auth/login", wrong)
    right_but_locked = await portal.post("/auth/login", {"email": person.email, "password": person.password})
    forgot = await portal.post("/auth/password/forgot", {"email": person.email})

    assert {f.status_code for f in failures} == {401}
    assert eleventh.status_code == right_but_locked.status_code == 429
    assert eleventh.json()["code"] == "too_many_attempts"
    assert 1 <= int(eleventh.headers["Retry-After"]) <= 15 * 60
    assert forgot.status_code == 202
    new_password = "Новый-надёжный-пароль-2026"
    token = await portal.reset_token(person.email)
    reset = await portal.post(
        "/auth/password/reset", {"token": token, "password": new_password, "password_confirm": new_password}
    )
    assert reset.status_code == 200
    after = await portal.post("/auth/login", {"email": person.email, "password": new_password})
    assert after.status_code == 200


async def test_an_unknown_address_is_locked_out_the_same_way(portal: Any) -> None:
    guess = {"email": portal.new_email(), "password": "Не-тот-пароль-2026"}

    answers = [await portal.post("/auth/login", guess) for _ in range(11)]

    assert [a.status_code for a in answers] == [401] * 10 + [429]


async def test_one_client_address_is_limited_across_accounts(serve: Callable[..., Any], portal: Any) -> None:
    client_headers = portal.from_client()
    async with serve(login_failures_per_client=3) as strict:
        answers = [
            await strict.post(
                "/api/v1/auth/login",
                json={"email": portal.new_email(), "password": "Не-тот-пароль-2026"},
                headers=client_headers,
            )
            for _ in range(4)
        ]

    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[-1].json()["code"] == "too_many_requests"
    assert int(answers[-1].headers["Retry-After"]) >= 1


async def test_parallel_sign_ins_to_one_account_all_succeed(portal: Any) -> None:
    """A family signing in from several devices at once (and the SIGTERM drill's burst): each
    success clears the account's failures, and those clears must not deadlock on each other's
    rows (a deadlock answers 503)."""
    person = await portal.signed_in()
    await portal.post("/auth/login", {"email": person.email, "password": "Не-тот-пароль-2026"})
    credentials = {"email": person.email, "password": person.password}

    for _ in range(20):  # a lock-order mistake deadlocks in about one run of two at ten rounds
        answers = await asyncio.gather(*(portal.post("/auth/login", credentials) for _ in range(9)))
        assert [a.status_code for a in answers] == [200] * 9, [a.text for a in answers if a.status_code != 200]


async def test_refresh_rotates_and_reusing_an_old_token_ends_the_whole_family(portal: Any) -> None:
    person = await portal.signed_in()

    rotated = await portal.post("/auth/refresh", {"refresh_token": person.refresh_token})
    assert rotated.status_code == 200
    pair = rotated.json()
    assert pair["refresh_token"] != person.refresh_token and pair["token_type"] == "Bearer"
    assert (await portal.get("/profile", pair["access_token"])).status_code == 200

    reused = await portal.post("/auth/refresh", {"refresh_token": person.refresh_token})
    newest = await portal.post("/auth/refresh", {"refresh_token": pair["refresh_token"]})

    assert reused.status_code == newest.status_code == 401
    assert reused.json()["code"] == "session_expired"
    assert (await portal.get("/profile", pair["access_token"])).status_code == 401
    sid = jwt.decode(pair["access_token"], options={"verify_signature": False})["sid"]
    revoked = await portal.messages(person.user_id, "identity.session.revoked.v1")
    assert [m["data"]["session_id"] for m in revoked] == [sid]


async def test_unknown_refresh_tokens_are_401(portal: Any) -> None:
    for token in ("x" * 43, "не токен"):
        response = await portal.post("/auth/refresh", {"refresh_token": token})
        assert response.status_code == 401


async def test_sign_out_ends_the_session_for_identity_at_once(portal: Any) -> None:
    person = await portal.signed_in()
    other = await portal.sign_in(portal.person(person.email, person.password))

    response = await portal.post("/auth/logout", {}, token=person.access_token)

    assert response.status_code == 204
    assert response.content == b""
    assert (await portal.get("/profile", person.access_token)).status_code == 401
    assert (await portal.post("/auth/refresh", {"refresh_token": person.refresh_token})).status_code == 401
    assert (await portal.post("/auth/logout", {}, token=person.access_token)).status_code == 401
    assert (await portal.get("/profile", other.access_token)).status_code == 200
    sid = jwt.decode(person.access_token, options={"verify_signature": False})["sid"]
    (event,) = await portal.messages(person.user_id, "identity.session.revoked.v1")
    assert event["data"]["user_id"] == person.user_id and event["data"]["session_id"] == sid
    revocations = (await portal.get("/internal/revocations")).json()
    assert any(r["user_id"] == person.user_id and r["session_id"] == sid for r in revocations)


async def test_sign_out_without_a_token_is_401(portal: Any) -> None:
    response = await portal.post("/auth/logout", {})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
