"""The page of a list, as every list endpoint takes it: `?limit=&offset=` (docs/contract.md §2).

One dependency for all of them, so a list cannot drift from the contract's default of 50, its
ceiling of 200, or the largest offset PostgreSQL takes (`schemas.MAX_OFFSET`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from lka_common.problems import validation_problem
from lka_common.schemas import MAX_OFFSET, Page


# `async def`, though it awaits nothing: FastAPI runs a plain `def` dependency in a worker
# thread, a thread hop per dependency per request (docs/performance.md, the readings profile).
async def get_page(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Page:
    """`limit` (default 50, at most 200) and `offset` of a list, each given once: a repeated one
    is refused rather than silently taking its last value."""
    repeated = [name for name in ("limit", "offset") if len(request.query_params.getlist(name)) > 1]
    if repeated:
        said = "Параметр указан больше одного раза"
        raise validation_problem([{"field": name, "message": said} for name in repeated])
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(get_page)]
