"""Request dependencies of the accounts routers: the link limits (a list's page is lka_common.paging's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lka_accounts.service_layer.limits import LinkLimits
from lka_accounts.settings import AccountsSettings


# `async def`, though they await nothing: FastAPI runs a plain `def` dependency in a worker
# thread, a thread hop per dependency per request (docs/performance.md, the readings profile).
async def get_limits(request: Request) -> LinkLimits:
    settings: AccountsSettings = request.app.state.settings
    return LinkLimits.from_settings(settings)


LimitsDep = Annotated[LinkLimits, Depends(get_limits)]
