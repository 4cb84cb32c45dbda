"""Request dependencies of the payments routers: the acquirer, the settings, a list's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from lka_common.schemas import MAX_OFFSET, Page
from lka_payments.adapters.acquirer import Acquirer
from lka_payments.settings import PaymentsSettings


# `async def`, though they await nothing: FastAPI runs a plain `def` dependency in a worker
# thread, a thread hop per dependency per request (docs/performance.md, the readings profile).
async def get_acquirer(request: Request) -> Acquirer:
    acquirer: Acquirer = request.app.state.acquirer
    return acquirer


async def get_settings(request: Request) -> PaymentsSettings:
    settings: PaymentsSettings = request.app.state.settings
    return settings


async def get_page(
    limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0
) -> Page:
    """`limit` (default 50, at most 200) and `offset` of a list (CONTRACT §2)."""
    return Page(limit=limit, offset=offset)


AcquirerDep = Annotated[Acquirer, Depends(get_acquirer)]
SettingsDep = Annotated[PaymentsSettings, Depends(get_settings)]
PageDep = Annotated[Page, Depends(get_page)]
