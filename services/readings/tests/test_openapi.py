"""The readings API documents what it answers: every call of docs/contract.md §2 with its statuses."""

from __future__ import annotations

import httpx


async def test_every_contract_call_is_documented_with_its_statuses(api: httpx.AsyncClient) -> None:
    base = str(api.base_url).removesuffix("/api/v1/").removesuffix("/api/v1")
    async with httpx.AsyncClient(base_url=base) as root:
        paths = (await root.get("/openapi.json")).json()["paths"]

    expected = {
        ("/api/v1/accounts/{account_id}/meters", "get"): {"200", "401", "404"},
        ("/api/v1/accounts/{account_id}/readings", "post"): {"201", "401", "403", "404", "409", "422"},
        ("/api/v1/accounts/{account_id}/readings", "get"): {"200", "401", "404"},
        ("/api/v1/accounts/{account_id}/consumption", "get"): {"200", "401", "404"},
        ("/api/v1/public/readings", "post"): {"201", "404", "409", "422", "429"},
        ("/api/v1/public/readings/meter", "post"): {"200", "404", "422", "429"},
    }
    for (path, method), statuses in expected.items():
        documented = set(paths[path][method]["responses"])
        assert statuses <= documented, (path, method, statuses - documented)
