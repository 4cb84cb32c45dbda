"""The BOLA/BFLA matrix (issue 11; docs/contract.md §2, docs/quality.md item 7; OWASP API1, API5).

The calls come from the documents themselves (the gateway's merged one, and each service's
own, called at the service's port), so a new path cannot be forgotten:

- every call with a parameter in its path, made by bob (a second subscriber, unrelated to
  alice, with objects of his own) with alice's ids, is 404 problem+json, with the same code
  and detail as for an id that does not exist — and alice's objects are unchanged after;
- every operator call made by a subscriber (alice, with her own ids) is 403 problem+json;
- every call the document marks as needing a token is 401 problem+json without one.

A path parameter with no value in `alice_ids`, or a call with a body and no entry in
`BODIES`, fails `test_every_id_call_has_a_case`: add its case there. Writes carry a valid
body (for a link request, even alice's right proof), so a 422 cannot stand in for the
ownership check.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
import requests
from abuse_support import (
    DOCUMENTS,
    MERGED,
    OPERATOR_ROUTES,
    PUBLIC_ROUTES,
    SERVICE_PORTS,
    SUPERVISOR_ROUTES,
    TOKEN_OPTIONAL,
    V1,
    World,
)

from lka_common.testing.stack import Stack

OPERATIONS = {"get", "put", "post", "delete", "patch"}

# A valid body for every call with an id that takes one.
BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "PUT /link-requests/{request_id}": lambda w: {
        "region_code": "kerch",
        "number": "91000303",
        "surname_prefix": "ПЕТ",
    },
    "POST /accounts/{account_id}/readings": lambda w: {"meter_id": w.alice_meter, "values": {"T1": 12999}},
    "POST /operator/link-requests/{request_id}/reject": lambda w: {"comment": "Проверка доступа"},
}


def alice_ids(world: World) -> dict[str, str]:
    """A value for each path parameter: alice's objects (her session too), the operator's lookup
    of a demo account."""
    return {
        "account_id": world.alice_account,
        "request_id": world.alice_request,
        "payment_id": world.alice_payment,
        "region_code": "simferopol",
        "number": "91000101",
        "session_id": str(jwt.decode(world.alice.access_token, options={"verify_signature": False})["sid"]),
        "user_id": world.alice.user_id,  # staff management's: a subscriber's id is no staff member's
    }


def calls(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path under /api/v1, operation) of every call in a document."""
    return [
        (method.upper(), path.removeprefix(V1), operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in OPERATIONS
    ]


def path_params(operation: dict[str, Any]) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]


def needs_token(operation: dict[str, Any]) -> bool:
    security = operation.get("security") or []
    return bool(security) and {} not in security


TARGETS = {"gateway": MERGED, **DOCUMENTS}


def cases(select: Callable[[str, str, dict[str, Any]], bool]) -> list[Any]:
    return [
        pytest.param(target, method, path, operation, id=f"{target}-{method} {path}")
        for target, document in TARGETS.items()
        for method, path, operation in calls(document)
        if select(method, path, operation)
    ]


def base_url(stack: Stack, target: str) -> str:
    return stack.gateway if target == "gateway" else stack.url(SERVICE_PORTS[target])


def send(
    stack: Stack, target: str, method: str, path: str, ids: dict[str, str], headers: dict[str, str], body: Any
) -> requests.Response:
    url = base_url(stack, target) + V1 + path.format(**ids)
    return requests.request(
        method, url, json=body, headers={**headers, "X-Request-ID": f"abuse-{uuid.uuid4()}"}, timeout=15
    )


def problem(response: requests.Response, status: int, what: str) -> dict[str, Any]:
    assert response.status_code == status, f"{what}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/problem+json"), what
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] and body["detail"], body
    return body


def is_operator(path: str) -> bool:
    """Staff's calls: `/operator/…`, and staff management (`/staff…`) but its public acceptance."""
    return path.startswith("/operator/") or (path.startswith("/staff") and path != "/staff/invitations/accept")


def test_the_documents_ask_for_a_token_exactly_where_the_contract_does() -> None:
    """The matrix below trusts the documents' `security`; this holds them to docs/contract.md §2."""
    for target, document in TARGETS.items():
        for method, path, operation in calls(document):
            op = f"{method} {path}"
            if path.startswith("/internal/"):  # never routed by the gateway (identity's own list)
                continue
            assert needs_token(operation) == (op not in PUBLIC_ROUTES | TOKEN_OPTIONAL), (target, op)
            assert (op in TOKEN_OPTIONAL) == ({} in (operation.get("security") or [])), (target, op)
            assert is_operator(path) == (op in OPERATOR_ROUTES), (target, op)
    assert {f"{m} {p}" for m, p, _ in calls(MERGED)} >= PUBLIC_ROUTES | TOKEN_OPTIONAL | OPERATOR_ROUTES


def test_every_id_call_has_a_case(world: World) -> None:
    ids = alice_ids(world)
    missing = []
    for document in TARGETS.values():
        for method, path, operation in calls(document):
            params = path_params(operation)
            missing += [f"{method} {path}: no value for {{{p}}}" for p in params if p not in ids]
            if params and "requestBody" in operation and f"{method} {path}" not in BODIES:
                missing.append(f"{method} {path}: no body in BODIES")
    assert missing == []
    assert [op for op in BODIES if not any(f"{m} {p}" == op for m, p, _ in calls(MERGED))] == []


@pytest.mark.parametrize(
    ("target", "method", "path", "operation"),
    cases(lambda method, path, operation: bool(path_params(operation)) and not is_operator(path)),
)
def test_a_foreign_object_is_404_exactly_like_a_missing_one(
    abuse_stack: Stack, world: World, target: str, method: str, path: str, operation: dict[str, Any]
) -> None:
    op = f"{method} {path}"
    body = BODIES[op](world) if op in BODIES else None
    ids = alice_ids(world)
    foreign = problem(send(abuse_stack, target, method, path, ids, world.bob.headers, body), 404, f"{op} as bob")
    unknown_ids = {name: str(uuid.uuid4()) if name.endswith("_id") else value for name, value in ids.items()}
    unknown = problem(send(abuse_stack, target, method, path, unknown_ids, world.bob.headers, body), 404, op)
    assert (foreign["code"], foreign["detail"], foreign["title"]) == (
        unknown["code"],
        unknown["detail"],
        unknown["title"],
    )
    assert set(foreign) == set(unknown), "a foreign object's 404 must carry nothing a missing one does not"
    if method == "GET":  # the owner sees it: the 404 above is about bob, not about the object
        owner = send(abuse_stack, target, method, path, ids, world.alice.headers, None)
        assert owner.status_code == 200, f"{op} as alice: {owner.status_code} {owner.text[:300]}"


@pytest.mark.parametrize(
    ("target", "method", "path", "operation"),
    cases(lambda method, path, operation: is_operator(path)),
)
def test_an_operator_call_is_403_for_a_subscriber(
    abuse_stack: Stack, world: World, target: str, method: str, path: str, operation: dict[str, Any]
) -> None:
    op = f"{method} {path}"
    body = BODIES[op](world) if op in BODIES else None
    refused = problem(send(abuse_stack, target, method, path, alice_ids(world), world.alice.headers, body), 403, op)
    assert refused["code"] == "forbidden"
    if method == "GET":  # an operator is let in (a supervisor's call: refused as well)
        allowed = send(abuse_stack, target, method, path, alice_ids(world), world.operator.headers, None)
        expected = 403 if op in SUPERVISOR_ROUTES else 200
        assert allowed.status_code == expected, f"{op} as operator: {allowed.status_code} {allowed.text[:300]}"


@pytest.mark.parametrize(
    ("target", "method", "path", "operation"),
    cases(lambda method, path, operation: needs_token(operation)),
)
def test_a_call_that_needs_a_token_is_401_without_one(
    abuse_stack: Stack, world: World, target: str, method: str, path: str, operation: dict[str, Any]
) -> None:
    op = f"{method} {path}"
    body = BODIES[op](world) if op in BODIES else None
    refused = problem(send(abuse_stack, target, method, path, alice_ids(world), {}, body), 401, op)
    assert refused["code"] == "unauthorized"
    forged = {"Authorization": "Bearer " + world.alice.access_token[:-4] + "AAAA"}
    problem(send(abuse_stack, target, method, path, alice_ids(world), forged, body), 401, f"{op}, forged token")


def test_alice_objects_are_unchanged_by_the_refused_calls(abuse_stack: Stack, world: World) -> None:
    gateway, headers = abuse_stack.gateway + V1, world.alice.headers
    accounts = requests.get(f"{gateway}/accounts", headers=headers, timeout=15).json()
    assert world.alice_account in [a["id"] for a in accounts]
    mine = [r for r in requests.get(f"{gateway}/link-requests", headers=headers, timeout=15).json()]
    assert [r["status"] for r in mine if r["id"] == world.alice_request] == ["pending"]
    bob_accounts = requests.get(f"{gateway}/accounts", headers=world.bob.headers, timeout=15).json()
    assert [a["id"] for a in bob_accounts] == [world.bob_account]
