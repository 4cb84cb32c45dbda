"""Request dependencies of the payments routers: the acquirer and the settings (a list's page is
lka_common.paging's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

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


AcquirerDep = Annotated[Acquirer, Depends(get_acquirer)]
SettingsDep = Annotated[PaymentsSettings, Depends(get_settings)]
