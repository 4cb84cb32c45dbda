"""Request dependencies of the accounts routers: the link limits, and a list's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from lka_accounts.service_layer.limits import LinkLimits
from lka_accounts.settings import AccountsSettings
from lka_common.schemas import MAX_OFFSET, Page


# `async def`, though they await nothing: FastAPI runs a plain `def` dependency in a worker
# thread, a thread hop per dependency per request (docs/performance.md, the readings profile).
async def get_limits(request: Request) -> LinkLimits:
    settings: AccountsSettings = request.app.state.settings
    return LinkLimits.from_settings(settings)


async def get_page(
    limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0
) -> Page:
    """`limit` (default 50, at most 200) and `offset` of a list (CONTRACT §2)."""
    return Page(limit=limit, offset=offset)


LimitsDep = Annotated[LinkLimits, Depends(get_limits)]
PageDep = Annotated[Page, Depends(get_page)]
