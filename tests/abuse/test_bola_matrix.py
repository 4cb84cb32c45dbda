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
body (for a link request, even alice's right proof; for an appeal's message a multipart form
with a file, `Form`), so a 422 cannot stand in for the ownership check.

Where an id sits under another (a bill under its account, a file under its appeal) or names
another's object in a body (a saved card, an account), `test_a_foreign_child_under_ones_own_parent_is_404`
sends bob's own parent with alice's child.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
import requests
from abuse_actors import World
from abuse_support import (
    DOCUMENTS,
    MERGED,
    OPERATOR_ROUTES,
    PUBLIC_ROUTES,
    SERVICE_PORTS,
    SUPERVISOR_ROUTES,
    TOKEN_OPTIONAL,
    V1,
)

from lka_common.testing.files import small_pdf
from lka_common.testing.stack import Stack

OPERATIONS = {"get", "put", "post", "delete", "patch"}


@dataclass(frozen=True)
class Form:
    """A multipart body (the appeals' forms): plain fields and files as `requests` sends them."""

    fields: dict[str, str]
    files: list[tuple[str, tuple[str, bytes, str]]] = field(
        default_factory=lambda: [("attachments", ("акт.pdf", small_pdf(), "application/pdf"))]
    )


# A valid body for every call with an id that takes one.
BODIES: dict[str, Callable[[World], dict[str, Any] | Form]] = {
    "PUT /link-requests/{request_id}": lambda w: {
        "region_code": "kerch",
        "number": "91000303",
        "surname_prefix": "ПЕТ",
    },
    "POST /accounts/{account_id}/readings": lambda w: {"meter_id": w.alice_meter, "values": {"T1": 12999}},
    "POST /operator/link-requests/{request_id}/reject": lambda w: {"comment": "Проверка доступа"},
    # Other than alice's own settings, so a hole would show in test_alice_objects_are_unchanged….
    "PUT /accounts/{account_id}/autopay": lambda w: {"card_id": w.alice_card, "day_of_month": 28, "max_amount": "1.00"},
    "PUT /accounts/{account_id}/paperless": lambda w: {"enabled": False},
    "POST /appeals/{appeal_id}/messages": lambda w: Form({"text": "Чужое обращение"}),
    "POST /operator/appeals/{appeal_id}/assign": lambda w: {"user_id": w.operator.user_id},
    "POST /operator/appeals/{appeal_id}/messages": lambda w: Form({"text": "Ответ"}),
    "POST /operator/payments/{payment_id}/refunds": lambda w: {"amount": "1.00", "reason": "Проверка доступа"},
    "POST /operator/refunds/{refund_id}/reject": lambda w: {"comment": "Проверка доступа"},
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
        "card_id": world.alice_card,
        "basket_id": world.alice_basket,
        "bill_id": world.alice_bill,
        "appeal_id": world.alice_appeal,
        "attachment_id": world.alice_attachment,
        "refund_id": world.refund,  # the operator's calls only
        "day": world.reconciled_day,
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
    payload = {"data": body.fields, "files": body.files} if isinstance(body, Form) else {"json": body}
    return requests.request(
        method, url, headers={**headers, "X-Request-ID": f"abuse-{uuid.uuid4()}"}, timeout=15, **payload
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


@pytest.mark.parametrize("target", ["gateway", "service"])
def test_a_foreign_child_under_ones_own_parent_is_404(abuse_stack: Stack, world: World, target: str) -> None:
    """Bob's own account or appeal with alice's bill or file; bob's account paid or set up with
    alice's saved card; alice's account in bob's basket or appeal: each 404, as for an unknown id."""
    bob, alice = world.bob.headers, world.alice.headers

    def url(service: str, path: str) -> str:
        return (abuse_stack.gateway if target == "gateway" else abuse_stack.url(SERVICE_PORTS[service])) + V1 + path

    def refused(response: requests.Response, code: str, what: str) -> None:
        assert problem(response, 404, what)["code"] == code

    for tail in (f"/bills/{world.alice_bill}", f"/bills/{world.alice_bill}.pdf"):
        answer = requests.get(url("accounts", f"/accounts/{world.bob_account}{tail}"), headers=bob, timeout=15)
        refused(answer, "not_found", f"bob's account, alice's bill{tail}")
    for appeal, attachment, headers in [
        (world.bob_appeal, world.alice_attachment, bob),
        (world.alice_appeal, world.bob_attachment, alice),
    ]:
        path = f"/appeals/{appeal}/attachments/{attachment}"
        refused(requests.get(url("notifications", path), headers=headers, timeout=15), "not_found", path)
    autopay = {"card_id": world.alice_card, "day_of_month": 5, "max_amount": "10.00"}
    address = url("payments", f"/accounts/{world.bob_account}/autopay")
    answer = requests.put(address, json=autopay, headers=bob, timeout=15)
    refused(answer, "card_not_found", "bob's autopay with alice's card")
    body = {"account_id": world.bob_account, "amount": "10.00", "card_id": world.alice_card}
    keyed = {**bob, "Idempotency-Key": str(uuid.uuid4())}
    answer = requests.post(url("payments", "/payments"), json=body, headers=keyed, timeout=15)
    refused(answer, "card_not_found", "bob paying with alice's card")
    items = [{"account_id": world.bob_account, "amount": "1.00"}, {"account_id": world.alice_account, "amount": "1.00"}]
    keyed = {**bob, "Idempotency-Key": str(uuid.uuid4())}
    answer = requests.post(url("payments", "/payments/basket"), json={"items": items}, headers=keyed, timeout=15)
    refused(answer, "not_found", "alice's account in bob's basket")
    form = {"topic": "accounts", "text": "Чужой счет", "account_id": world.alice_account}
    answer = requests.post(url("notifications", "/appeals"), data=form, files=Form({}).files, headers=bob, timeout=15)
    refused(answer, "account_not_found", "alice's account in bob's appeal")


def test_alice_objects_are_unchanged_by_the_refused_calls(abuse_stack: Stack, world: World) -> None:
    gateway, headers = abuse_stack.gateway + V1, world.alice.headers

    def read(path: str, who: dict[str, str] = headers) -> Any:
        response = requests.get(f"{gateway}{path}", headers=who, timeout=15)
        assert response.status_code == 200, f"{path}: {response.text}"
        return response.json()

    assert world.alice_account in [a["id"] for a in read("/accounts")]
    mine = read("/link-requests")
    assert [r["status"] for r in mine if r["id"] == world.alice_request] == ["pending"]
    assert [a["id"] for a in read("/accounts", world.bob.headers)] == [world.bob_account]
    assert world.alice_card in [c["id"] for c in read("/cards")]
    autopay = read(f"/accounts/{world.alice_account}/autopay")
    assert (autopay["status"], autopay["card"]["id"], autopay["max_amount"]) == ("active", world.alice_card, "1500.00")
    assert read(f"/accounts/{world.alice_account}/paperless")["enabled"] is True
    appeal = read(f"/appeals/{world.alice_appeal}")
    assert appeal["status"] == "registered" and len(appeal["messages"]) == 1, appeal
