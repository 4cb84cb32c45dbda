"""The notifications API documents what it answers: every call of docs/contract.md §2 with its statuses."""

from __future__ import annotations

import httpx


async def test_every_contract_call_is_documented_with_its_statuses(api: httpx.AsyncClient) -> None:
    paths = (await api.get("/openapi.json")).json()["paths"]

    expected = {
        ("/api/v1/feedback", "post"): {"201", "401", "422", "429"},
        ("/api/v1/operator/feedback", "get"): {"200", "401", "403", "422"},
    }
    for (path, method), statuses in expected.items():
        documented = set(paths[path][method]["responses"])
        assert statuses <= documented, (path, method, statuses - documented)
    # The form takes a token but needs none: the document says so beside the bearer scheme.
    assert {} in paths["/api/v1/feedback"]["post"]["security"]
