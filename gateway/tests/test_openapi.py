"""`/api/openapi.json`: every public path of every service, as the services document them, and
the calls the gateway answers itself, as it documents them."""

from __future__ import annotations

import contextlib
import importlib
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from lka_gateway.composed import own_document
from lka_gateway.openapi_merge import merge
from lka_gateway.routes import API_PREFIX, GATEWAY, ROUTING_TABLE, match

SERVICES = ("identity", "accounts", "readings", "payments", "notifications")
OPERATIONS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture(scope="module")
def service_docs() -> dict[str, dict[str, Any]]:
    """Each service's own document, as its app makes it (no database needed for that)."""
    docs = {}
    for name in SERVICES:
        bootstrap = importlib.import_module(f"lka_{name}.bootstrap")
        settings = importlib.import_module(f"lka_{name}.settings")
        settings_class = getattr(settings, f"{name.capitalize()}Settings")
        docs[name] = bootstrap.build_app(settings_class()).openapi()
    return docs


def _serving(doc: dict[str, Any]) -> Any:
    async def handler(_: web.Request) -> web.Response:
        return web.json_response(doc)

    return handler


def _documented(doc: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (path, method): operation["operationId"]
        for path, item in doc["paths"].items()
        for method, operation in item.items()
        if method in OPERATIONS
    }


async def test_the_merged_document_lists_every_public_path_of_every_service(
    gateway_with: Any, serve: Any, anonymous: aiohttp.ClientSession, service_docs: dict[str, dict[str, Any]]
) -> None:
    async def no_revocations(_: web.Request) -> web.Response:
        return web.json_response([])

    urls = {}
    async with contextlib.AsyncExitStack() as stack:
        for name, doc in service_docs.items():
            app = web.Application()
            app.router.add_get("/openapi.json", _serving(doc))
            app.router.add_get("/api/v1/internal/revocations", no_revocations)
            urls[f"{name}_url"] = await stack.enter_async_context(serve(app))
        gateway = await stack.enter_async_context(gateway_with(**urls))
        async with anonymous.get(gateway + "/api/openapi.json") as response:
            assert response.status == 200
            merged = await response.json()
        async with anonymous.get(gateway + "/api/docs") as response:
            assert response.status == 200
            assert response.content_type == "text/html"
            # A page: the page policy (its stylesheet is our own), not the API's `default-src 'none'`.
            assert "style-src 'self'" in response.headers["Content-Security-Policy"]
            page = await response.text()
        async with anonymous.get(gateway + "/api/docs.css") as response:
            assert response.status == 200
            assert response.content_type == "text/css"
    expected: dict[tuple[str, str], str] = {}
    for doc in service_docs.values():
        expected.update({k: v for k, v in _documented(doc).items() if "/internal/" not in k[0]})
    # A composed call is the gateway's: its own document, not the services' answers it merges.
    composed = {k for k in expected if (route := match(k[0])) is not None and route.service == GATEWAY}
    assert composed == {("/api/v1/operator/jobs", "get")}
    expected = {k: v for k, v in expected.items() if k not in composed} | _documented(own_document())
    assert _documented(merged) == expected
    jobs = merged["paths"]["/api/v1/operator/jobs"]["get"]
    assert jobs["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/JobsOverviewOut")
    assert {p["name"]: p["schema"]["maximum"] for p in jobs["parameters"]} == {"limit": 200, "offset": 1000}
    assert len({path for path, _ in expected}) >= 30
    # The page for people shows every operation and every schema, by the same ids.
    for operation_id in expected.values():
        assert f'id="{operation_id}"' in page, operation_id
    for name in merged["components"]["schemas"]:
        assert f'id="schema-{name}"' in page, name
    # Every reference in the merged document resolves inside it.
    text = str(merged)
    for section, entries in merged["components"].items():
        assert entries, section
    for ref in {part.split("'")[0] for part in text.split("'$ref': '")[1:]}:
        section, name = ref.removeprefix("#/components/").split("/")
        assert name in merged["components"][section], ref


def test_each_route_of_the_table_is_named_as_its_service_documents_it(service_docs: dict[str, dict[str, Any]]) -> None:
    """The table's template names the gateway's server span and its metrics' `route` (routes.py):
    spelled as the owning service's OpenAPI spells the path, parameter names and all, a trace or
    a dashboard finds one call under one name at the gateway and at the service."""
    misnamed = [
        (service, API_PREFIX + template)
        for template, service, _, _ in ROUTING_TABLE
        if service != GATEWAY and API_PREFIX + template not in service_docs[service]["paths"]
    ]
    assert misnamed == []


def test_components_of_one_name_that_differ_are_told_apart_by_service() -> None:
    def doc(path: str, problem: dict[str, Any]) -> dict[str, Any]:
        ref = {"$ref": "#/components/schemas/Problem"}
        operation = {"operationId": path, "responses": {"400": {"content": {"application/json": {"schema": ref}}}}}
        return {
            "openapi": "3.1.0",
            "paths": {path: {"get": operation}},
            "components": {"schemas": {"Problem": problem}},
        }

    merged = merge(
        {
            "accounts": doc("/api/v1/regions", {"type": "object"}),
            "identity": doc("/api/v1/profile", {"type": "string"}),
        }
    )
    assert merged["components"]["schemas"] == {"Problem": {"type": "object"}, "identity_Problem": {"type": "string"}}
    response = merged["paths"]["/api/v1/profile"]["get"]["responses"]["400"]
    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/identity_Problem"}
