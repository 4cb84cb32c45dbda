"""The notifications API documents what it answers: every call of docs/contract.md §2 with its statuses."""

from __future__ import annotations

import httpx


async def test_every_contract_call_is_documented_with_its_statuses(api: httpx.AsyncClient) -> None:
    paths = (await api.get("/openapi.json")).json()["paths"]

    expected = {
        ("/api/v1/feedback", "post"): {"201", "401", "422", "429"},
        ("/api/v1/operator/feedback", "get"): {"200", "401", "403", "422"},
        ("/api/v1/appeals/topics", "get"): {"200", "401"},
        ("/api/v1/appeals", "post"): {"201", "401", "403", "404", "413", "415", "422"},
        ("/api/v1/appeals", "get"): {"200", "401", "403"},
        ("/api/v1/appeals/{appeal_id}", "get"): {"200", "401", "404"},
        ("/api/v1/appeals/{appeal_id}/messages", "post"): {"201", "401", "403", "404", "409", "413", "422"},
        ("/api/v1/appeals/{appeal_id}/close", "post"): {"200", "401", "403", "404", "409"},
        ("/api/v1/appeals/{appeal_id}/attachments/{attachment_id}", "get"): {"200", "401", "404"},
        ("/api/v1/operator/appeals", "get"): {"200", "401", "403", "422"},
        ("/api/v1/operator/appeals/{appeal_id}/assign", "post"): {"200", "401", "403", "404", "409", "422"},
        ("/api/v1/operator/appeals/{appeal_id}/messages", "post"): {"201", "401", "403", "404", "409", "413", "422"},
    }
    for (path, method), statuses in expected.items():
        documented = set(paths[path][method]["responses"])
        assert statuses <= documented, (path, method, statuses - documented)
    # The form takes a token but needs none: the document says so beside the bearer scheme.
    assert {} in paths["/api/v1/feedback"]["post"]["security"]

    # The forms with files are documented as multipart, their files as `attachments`.
    form = paths["/api/v1/appeals"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(form["properties"]) == {"topic", "text", "account_id", "attachments"}
    assert form["properties"]["attachments"]["maxItems"] == 3
