"""Item 6 of the outside review: the smaller holes.

Metrics on the public port; a signed-out token still good at a service called directly;
«Ё» typed as «Е» + U+0308 refused where «Ё» is accepted; and an account's linking frozen for
its owner by anyone failing ten times an hour. (An operator approving their own request is
closed by staff filing none: test_1_operator_takeover.py.)
"""

from __future__ import annotations

import uuid

import httpx
from attack_support import V1, eventually, link_body, rows, subscriber

from lka_common.testing.stack import Stack

LINK_FAILURES_PER_ACCOUNT = 10  # accounts' default per hour (docs/contract.md §2)


async def test_metrics_are_not_served_on_the_public_port(http: httpx.AsyncClient, attack_stack: Stack) -> None:
    for path in ("/metrics", "/metrics/", "/api/v1/metrics"):
        answer = await http.get(path)
        assert "http_requests_total" not in answer.text, path
        assert answer.status_code == 404 or answer.headers["content-type"].startswith("text/html"), path


async def test_a_signed_out_token_is_refused_by_every_service_called_directly(
    http: httpx.AsyncClient, attack_stack: Stack
) -> None:
    _, _, headers = await subscriber(http, attack_stack.mail, "logout")
    nobody = uuid.uuid4()
    direct = {
        "identity": (8001, "/profile"),
        "accounts": (8002, "/accounts"),
        "readings": (8003, f"/accounts/{nobody}/meters"),
        "payments": (8004, f"/payments/{nobody}"),
        "notifications": (8005, "/operator/feedback"),
    }
    async with httpx.AsyncClient(timeout=10) as raw:
        for port, path in direct.values():
            before = await raw.get(attack_stack.url(port) + V1 + path, headers=headers)
            assert before.status_code in (200, 403, 404), (port, before.text)

        assert (await http.post(f"{V1}/auth/logout", headers=headers)).status_code == 204

        for service, (port, path) in direct.items():

            async def refused(port: int = port, path: str = path) -> bool:
                answer = await raw.get(attack_stack.url(port) + V1 + path, headers=headers)
                return answer.status_code == 401

            await eventually(refused, f"{service} refuses the signed-out token", timeout=5)


async def test_a_decomposed_yo_is_the_same_letter(http: httpx.AsyncClient, attack_stack: Stack) -> None:
    """Ялта 91000202 belongs to Ёлкина: «Ё» as one code point or as «Е» + U+0308 links alike."""
    _, _, headers = await subscriber(http, attack_stack.mail, "yo")
    answer = await http.post(f"{V1}/accounts", json=link_body("yalta", "91000202", "Е\u0308лк"), headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "linked"


async def test_strangers_failing_cannot_freeze_an_account_for_its_owner(
    http: httpx.AsyncClient, attack_stack: Stack, attack_env: dict[str, str]
) -> None:
    """Феодосия 91000505 belongs to Ким. Two strangers fail ten times between them; the owner's
    right letters then make a request for an operator: never 429, never a link on their own."""
    strangers = [(await subscriber(http, attack_stack.mail, f"stranger{n}"))[2] for n in range(2)]
    for n in range(LINK_FAILURES_PER_ACCOUNT):
        wrong = await http.post(
            f"{V1}/accounts", json=link_body("feodosiya", "91000505", "ЖЖЖ"), headers=strangers[n % 2]
        )
        assert wrong.status_code == 202, wrong.text

    _, _, owner = await subscriber(http, attack_stack.mail, "owner")
    answer = await http.post(f"{V1}/accounts", json=link_body("feodosiya", "91000505", "Ким"), headers=owner)

    assert answer.status_code == 202, answer.text
    assert answer.json()["status"] == "request_created"
    assert (await http.get(f"{V1}/accounts", headers=owner)).json() == []
    links = await rows(
        attack_env,
        "accounts",
        "SELECT count(*) AS n FROM account_links l JOIN billing_accounts a ON a.id = l.account_id WHERE a.number = $1",
        "91000505",
    )
    assert links[0]["n"] == 0
