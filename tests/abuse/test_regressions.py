"""What the fuzzer found, pinned one call each (the fixes are in the code, see each comment).

Each case runs through the gateway and straight at the service, on the abuse stack.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import requests
from abuse_actors import World
from abuse_support import DOCUMENTS, MERGED, SERVICE_PORTS, V1

from lka_common.schemas import NUL_REFUSED
from lka_common.testing.stack import Stack

TARGETS = ["gateway", "service"]


def url(stack: Stack, target: str, service: str, path: str) -> str:
    base = stack.gateway if target == "gateway" else stack.url(SERVICE_PORTS[service])
    return base + V1 + path


def call(method: str, address: str, headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
    headers = {"X-Request-ID": f"abuse-{uuid.uuid4()}", **(headers or {})}
    return requests.request(method, address, headers=headers, timeout=15, **kwargs)


def validation_errors(response: requests.Response) -> list[dict[str, str]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors: list[dict[str, str]] = response.json()["errors"]
    return errors


@pytest.mark.parametrize("target", TARGETS)
def test_an_offset_past_postgresql_bigint_is_422_not_500(abuse_stack: Stack, world: World, target: str) -> None:
    # lka_common.schemas.MAX_OFFSET, used by every list's `offset`.
    for service, path in [
        ("accounts", "/accounts"),
        ("accounts", "/link-requests"),
        ("readings", f"/accounts/{world.alice_account}/readings"),
        ("payments", f"/accounts/{world.alice_account}/payments"),
    ]:
        address = url(abuse_stack, target, service, path)
        response = call("GET", address, params={"offset": 2**70}, headers=world.alice.headers)
        assert [e["field"] for e in validation_errors(response)] == ["offset"]
        assert call("GET", address, params={"offset": 2**63 - 1}, headers=world.alice.headers).json() == []
    address = url(abuse_stack, target, "notifications", "/operator/feedback")
    response = call("GET", address, params={"offset": 2**70}, headers=world.operator.headers)
    assert [e["field"] for e in validation_errors(response)] == ["offset"]


@pytest.mark.parametrize("target", TARGETS)
def test_a_body_that_is_not_utf8_is_the_same_422_as_one_that_is_not_json(abuse_stack: Stack, target: str) -> None:
    # lka_common.problems: FastAPI's bare 400 for an undecodable body becomes 422 json_invalid.
    address = url(abuse_stack, target, "identity", "/auth/login")
    headers = {"Content-Type": "application/json"}
    undecodable = validation_errors(call("POST", address, data=b"\xff\xfe{", headers=headers))
    not_json = validation_errors(call("POST", address, data=b"{not json", headers=headers))
    assert undecodable == [{"field": "body", "message": "Тело запроса не является корректным JSON"}]
    assert [e["message"] for e in not_json] == [e["message"] for e in undecodable]


@pytest.mark.parametrize(
    ("service", "path", "allow"),
    [
        ("accounts", "/accounts", "GET, POST"),
        ("readings", "/accounts/{id}/readings", "GET, POST"),
        ("payments", "/payments/acquirer/rbs/callback", "GET, POST"),
    ],
)
def test_a_405_of_a_service_names_every_method_of_the_path(
    abuse_stack: Stack, world: World, service: str, path: str, allow: str
) -> None:
    # lka_common.problems: Starlette named only the first route's methods.
    address = url(abuse_stack, "service", service, path.format(id=world.alice_account))
    response = call("PATCH", address, headers=world.alice.headers)
    assert (response.status_code, response.headers["allow"]) == (405, allow)
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("target", TARGETS)
def test_a_nul_character_is_refused_as_422_wherever_it_is_sent(abuse_stack: Stack, world: World, target: str) -> None:
    # lka_common.schemas.RequestModel (bodies) and the operator lookup's path patterns: U+0000
    # reached PostgreSQL, which cannot store it, and was a 500.
    bodies = [
        (
            "readings",
            "/public/readings",
            {},
            {"region_code": "a\x00", "account_number": "1", "meter_serial": "x", "values": {"T1": 1}},
        ),
        ("identity", "/profile/merge", world.alice.headers, {"email": "a\x00b@example.ru", "password": "x"}),
        ("notifications", "/feedback", {}, {"topic": "Тема\x00", "message": "Текст", "email": "a@example.ru"}),
        ("identity", "/auth/refresh", {}, {"refresh_token": "abc\x00"}),
    ]
    for service, path, headers, body in bodies:
        errors = validation_errors(call("POST", url(abuse_stack, target, service, path), json=body, headers=headers))
        assert {e["message"] for e in errors} == {NUL_REFUSED}, (path, errors)
    address = url(abuse_stack, target, "accounts", "/operator/billing-accounts/simferopol/9100%000101")
    assert [e["field"] for e in validation_errors(call("GET", address, headers=world.operator.headers))] == ["number"]


@pytest.mark.parametrize("target", TARGETS)
def test_an_email_is_refused_exactly_when_the_document_says_so(abuse_stack: Stack, target: str) -> None:
    # lka_common.schemas: the document carries the e-mail pattern, spelled so that Python's and
    # JSON Schema's `\s` agree (U+0085 and U+001C-U+001F were "valid" to one, not the other).
    pattern = MERGED["components"]["schemas"]["EmailIn"]["properties"]["email"]["pattern"]
    address = url(abuse_stack, target, "identity", "/auth/password/forgot")
    for email in ["ivanov@example.ru", "a@b\x85c.ru", "a\x1cb@example.ru", "", "0000", "a@b.c", "ёлкина@почта.рф"]:
        response = call("POST", address, json={"email": email})
        documented = re.fullmatch(pattern, email) is not None
        assert response.status_code == (202 if documented else 422), (email, response.text)


def test_the_idempotency_key_is_documented_as_required(abuse_stack: Stack, world: World) -> None:
    # payments: the document said optional, the call without it is 400 by contract.
    for document in (MERGED, DOCUMENTS["payments"]):
        (key,) = [p for p in document["paths"][f"{V1}/payments"]["post"]["parameters"] if p["in"] == "header"]
        assert (key["name"].lower(), key["required"]) == ("idempotency-key", True)
    body = {"account_id": world.alice_account, "amount": "10.00"}
    response = call("POST", abuse_stack.gateway + V1 + "/payments", json=body, headers=world.alice.headers)
    assert (response.status_code, response.json()["code"]) == (400, "idempotency_key_required")


def test_every_call_that_needs_a_token_says_so_in_the_document() -> None:
    # lka_common.auth.BEARER_SCHEME: no call declared its token before, so no client (and no
    # `ignored_auth` check) could tell. /feedback takes one optionally.
    assert MERGED["components"]["securitySchemes"] == {
        "HTTPBearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "The access token of POST /api/v1/auth/login.",
        }
    }
    assert MERGED["paths"][f"{V1}/feedback"]["post"]["security"] == [{"HTTPBearer": []}, {}]
    assert MERGED["paths"][f"{V1}/profile"]["get"]["security"] == [{"HTTPBearer": []}]
    assert "security" not in MERGED["paths"][f"{V1}/auth/login"]["post"]


DAY_AS_ISO = [{"field": "date", "message": "Ожидается дата в формате ГГГГ-ММ-ДД"}]


@pytest.mark.parametrize("target", TARGETS)
def test_a_day_is_iso_text_and_never_a_unix_time(abuse_stack: Stack, world: World, target: str) -> None:
    # payments' IsoDay: pydantic's lax date read 0 (or "0", "1700000000") as Unix time, so
    # `{"date": 0}` started a reconciliation of 1970-01-01 (202) and `?to=0` was a filter.
    staff = world.operator.headers
    start = url(abuse_stack, target, "payments", "/operator/reconciliations")
    for day in (0, "0", 1700000000, "1700000000", "2026-12-15T00:00:00"):
        assert validation_errors(call("POST", start, json={"date": day}, headers=staff)) == DAY_AS_ISO, day
    for path in ("/operator/reconciliations/0", "/operator/reconciliations/1700000000.csv"):
        errors = validation_errors(call("GET", url(abuse_stack, target, "payments", path), headers=staff))
        assert errors == [{"field": "day", "message": DAY_AS_ISO[0]["message"]}], path
    lookup = url(abuse_stack, target, "payments", "/operator/payments")
    errors = validation_errors(call("GET", lookup, params={"to": "0"}, headers=staff))
    assert errors == [{"field": "to", "message": DAY_AS_ISO[0]["message"]}]
    assert call("GET", lookup, params={"from": "2026-01-01", "limit": 1}, headers=staff).status_code == 200


@pytest.mark.parametrize("target", TARGETS)
def test_the_basket_is_no_payment_id(abuse_stack: Stack, world: World, target: str) -> None:
    # payments' `/payments/{payment_id:uuid}`: on its own port a GET of /payments/basket was that
    # route's 422 for a malformed id, and a PUT's 405 said `Allow: GET, POST`.
    basket = url(abuse_stack, target, "payments", "/payments/basket")
    for method in ("GET", "PUT"):
        response = call(method, basket, headers=world.alice.headers)
        assert (response.status_code, response.headers.get("allow")) == (405, "POST"), (method, response.text)
    payment = url(abuse_stack, target, "payments", f"/payments/{world.alice_payment}")
    assert call("GET", payment, headers=world.alice.headers).status_code == 200


def test_the_basket_and_autopay_limits_are_in_the_documents() -> None:
    # payments refused them by code with its own sentences; the documents now state them too.
    for document in (MERGED, DOCUMENTS["payments"]):
        schemas = document["components"]["schemas"]
        items = schemas["BasketIn"]["properties"]["items"]
        assert (items["minItems"], items["maxItems"]) == (2, 10)
        day = schemas["AutopayIn"]["properties"]["day_of_month"]
        assert (day["minimum"], day["maximum"]) == (1, 28)


@pytest.mark.parametrize("target", TARGETS)
def test_an_unsubscribe_link_without_a_token_is_the_documented_400(abuse_stack: Stack, target: str) -> None:
    # identity's /public/unsubscribe: a missing or overlong token was FastAPI's 422, which the
    # document gave as application/json; now it is the 400 of any link that is not ours.
    address = url(abuse_stack, target, "identity", "/public/unsubscribe")
    for method in ("GET", "POST"):
        for params in ({}, {"token": ""}, {"token": "x" * 201}):
            response = call(method, address, params=params)
            assert response.status_code == 400, (method, params, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["code"] == "invalid_unsubscribe_link"
        documented = MERGED["paths"][f"{V1}/public/unsubscribe"][method.lower()]["responses"]
        assert "422" not in documented and "400" in documented
