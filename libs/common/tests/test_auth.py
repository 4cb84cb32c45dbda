"""Access-token checks every service applies (docs/quality.md item 5): signature, algorithm, expiry,
audience, issuer, token type; and the operator role (docs/quality.md item 7)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import jwt
import pytest
from fastapi import APIRouter

from lka_common.auth import CurrentUser, Operator, Principal, Supervisor, TokenVerifier
from lka_common.problems import Problem
from lka_common.settings import ServiceSettings
from lka_common.testing.http import serve_in_background
from lka_common.testing.tokens import TokenFactory
from lka_common.web import create_app

TOKENS = TokenFactory()


class ProbeSettings(ServiceSettings):
    service_name = "probe"


router = APIRouter()


@router.get("/me")
async def me(user: CurrentUser) -> dict[str, str]:
    return {"user_id": str(user.user_id), "role": user.role}


@router.get("/operator/things")
async def operator_things(user: Operator) -> list[str]:
    return ["ok"]


@router.get("/operator/audit-like")
async def supervisor_things(user: Supervisor) -> list[str]:
    return ["ok"]


@pytest.fixture(scope="module")
async def api(amqp_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = ProbeSettings(jwks_json=TOKENS.jwks_json(), jwks_url="http://127.0.0.1:9/none", amqp_url=amqp_url)
    app = create_app(settings, title="probe", routers=[router])
    async with serve_in_background(app) as url, httpx.AsyncClient(base_url=url) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_valid_token_identifies_the_caller(api: httpx.AsyncClient) -> None:
    user_id = uuid.uuid4()

    response = await api.get("/api/v1/me", headers=bearer(TOKENS.issue(user_id)))

    assert response.status_code == 200
    assert response.json() == {"user_id": str(user_id), "role": "subscriber"}


async def test_a_token_in_a_cookie_signs_nobody_in(api: httpx.AsyncClient) -> None:
    """A browser sends cookies with any call another site makes it send; a service takes no
    token from one (only the gateway does, from its `__Host-` cookie, after the CSRF check)."""
    cookies = {"lka_access": TOKENS.issue(), "__Host-lka_access": TOKENS.issue()}
    async with httpx.AsyncClient(base_url=str(api.base_url), cookies=cookies) as browser:
        response = await browser.get("/api/v1/me")

    assert response.status_code == 401


async def test_no_token_is_401_problem(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(TOKENS.issue(lifetime=timedelta(seconds=-5)), id="expired"),
        pytest.param(TOKENS.issue(aud="someone-else"), id="other-audience"),
        pytest.param(TOKENS.issue(iss="evil"), id="other-issuer"),
        pytest.param(TOKENS.issue(typ="refresh"), id="refresh-token"),
        pytest.param(TokenFactory().issue(), id="unknown-key"),
        pytest.param("not.a.jwt", id="garbage"),
    ],
)
async def test_bad_tokens_are_401(api: httpx.AsyncClient, token: str) -> None:
    assert (await api.get("/api/v1/me", headers=bearer(token))).status_code == 401


async def test_unsigned_token_with_alg_none_is_refused(api: httpx.AsyncClient) -> None:
    claims = jwt.decode(TOKENS.issue(), options={"verify_signature": False})
    forged = jwt.encode(claims, key=None, algorithm="none", headers={"kid": TOKENS.kid})

    assert (await api.get("/api/v1/me", headers=bearer(forged))).status_code == 401


async def test_token_signed_by_another_key_under_a_known_kid_is_refused(api: httpx.AsyncClient) -> None:
    impostor = TokenFactory()
    impostor.kid = TOKENS.kid

    assert (await api.get("/api/v1/me", headers=bearer(impostor.issue()))).status_code == 401


async def test_operator_endpoints_need_the_operator_role(api: httpx.AsyncClient) -> None:
    subscriber = await api.get("/api/v1/operator/things", headers=bearer(TOKENS.issue()))
    operator = await api.get("/api/v1/operator/things", headers=bearer(TOKENS.issue(role="operator")))

    assert subscriber.status_code == 403
    assert subscriber.json()["code"] == "forbidden"
    assert operator.status_code == 200


async def test_supervisor_endpoints_refuse_operators_and_subscribers(api: httpx.AsyncClient) -> None:
    answers = {
        role: await api.get("/api/v1/operator/audit-like", headers=bearer(TOKENS.issue(role=role)))
        for role in ("subscriber", "operator", "supervisor")
    }

    statuses = {role: a.status_code for role, a in answers.items()}
    assert statuses == {"subscriber": 403, "operator": 403, "supervisor": 200}
    assert answers["operator"].json()["code"] == "forbidden"


async def test_a_verified_token_is_remembered_until_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    """The services' verifier keeps a verified token (docs/performance.md), never past its
    `exp`, and never a refused one."""
    verifier = TokenVerifier(None, "lka-identity", "lka", jwks=TOKENS.jwks(), cache_size=2, cache_s=60)
    checks = 0
    real = verifier._verify

    async def counted(token: str) -> tuple[Principal, float]:
        nonlocal checks
        checks += 1
        return await real(token)

    monkeypatch.setattr(verifier, "_verify", counted)
    token = TOKENS.issue(lifetime=timedelta(seconds=2))

    first, again = await verifier.verify(token), await verifier.verify(token)
    assert (first, checks) == (again, 1)

    for _ in range(2):
        with pytest.raises(Problem):
            await verifier.verify("not.a.jwt")
    assert checks == 3

    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    monkeypatch.setattr("lka_common.auth.time.time", lambda: expires + 1)
    await verifier.verify(token)  # past its `exp` the cache no longer answers: checked again
    assert checks == 4
