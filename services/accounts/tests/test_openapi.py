"""The accounts API documents what it answers (docs/quality.md item 9): every call of docs/contract.md §2 with its
statuses, problem+json for the refusals."""

from __future__ import annotations

import httpx


async def test_every_contract_call_is_documented_with_its_statuses(api: httpx.AsyncClient) -> None:
    base = str(api.base_url).removesuffix("/api/v1/").removesuffix("/api/v1")
    async with httpx.AsyncClient(base_url=base) as root:
        document = (await root.get("/openapi.json")).json()

    paths = document["paths"]
    expected = {
        ("/api/v1/regions", "get"): {"200"},
        ("/api/v1/accounts", "get"): {"200", "401"},
        ("/api/v1/accounts", "post"): {"201", "202", "401", "403", "409", "422", "429"},
        ("/api/v1/accounts/{account_id}", "delete"): {"200", "401", "403", "404"},
        ("/api/v1/link-requests", "get"): {"200", "401"},
        ("/api/v1/link-requests/{request_id}", "put"): {"200", "401", "403", "404", "409", "422", "429"},
        ("/api/v1/link-requests/{request_id}", "delete"): {"200", "401", "403", "404", "409"},
        ("/api/v1/operator/link-requests", "get"): {"200", "401", "403"},
        ("/api/v1/operator/link-requests/{request_id}/approve", "post"): {"200", "403", "404", "409"},
        ("/api/v1/operator/link-requests/{request_id}/reject", "post"): {"200", "403", "404", "409", "422"},
        ("/api/v1/operator/billing-accounts/{region_code}/{number}", "get"): {"200", "403", "404"},
    }
    for (path, method), statuses in expected.items():
        documented = set(paths[path][method]["responses"])
        assert statuses <= documented, (path, method, statuses - documented)
    refusal = paths["/api/v1/accounts"]["post"]["responses"]["429"]
    assert "application/problem+json" in refusal["content"]
