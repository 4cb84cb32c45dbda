"""The one page of a list (lka_common.paging): the contract's default and ceiling, and an offset
PostgreSQL could not take refused before any query."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from lka_common.paging import PageDep
from lka_common.problems import install_problem_handlers
from lka_common.schemas import MAX_OFFSET

app = FastAPI()


@app.get("/items")
async def items(page: PageDep) -> dict[str, int]:
    return {"limit": page.limit, "offset": page.offset}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client


@pytest.mark.parametrize(
    ("query", "page"),
    [
        ("", {"limit": 50, "offset": 0}),
        ("?limit=1&offset=3", {"limit": 1, "offset": 3}),
        (f"?limit=200&offset={MAX_OFFSET}", {"limit": 200, "offset": MAX_OFFSET}),
    ],
)
async def test_a_page_within_the_contract_is_taken(client: httpx.AsyncClient, query: str, page: Any) -> None:
    answer = await client.get(f"/items{query}")
    assert answer.status_code == 200
    assert answer.json() == page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?limit=0", "limit"),
        ("?limit=201", "limit"),
        ("?offset=-1", "offset"),
        (f"?offset={2**70}", "offset"),  # past a bigint: asyncpg could not even send it
        ("?limit=ten", "limit"),
    ],
)
async def test_anything_else_is_refused_naming_the_parameter(client: httpx.AsyncClient, query: str, field: str) -> None:
    answer = await client.get(f"/items{query}")
    assert answer.status_code == 422
    assert [error["loc"] for error in answer.json()["detail"]] == [["query", field]]


async def test_a_parameter_given_twice_is_refused_not_read_as_its_last_value() -> None:
    strict = FastAPI()
    install_problem_handlers(strict)
    strict.get("/items")(items)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=strict), base_url="http://test") as http:
        answer = await http.get("/items?offset=5&offset=0")
        assert answer.status_code == 422
        assert answer.json()["errors"] == [{"field": "offset", "message": "Параметр указан больше одного раза"}]
        assert (await http.get("/items?offset=5")).json() == {"limit": 50, "offset": 5}
