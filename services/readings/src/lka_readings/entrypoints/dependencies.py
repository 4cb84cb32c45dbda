"""Request dependencies of the readings routers: the rules from the settings (a list's page is
lka_common.paging's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lka_readings.service_layer.submission import ReadingRules
from lka_readings.settings import ReadingsSettings


# `async def`, though they await nothing: FastAPI runs a plain `def` dependency in a worker
# thread, a thread hop per dependency per request (docs/performance.md, the readings profile).
async def get_settings(request: Request) -> ReadingsSettings:
    settings: ReadingsSettings = request.app.state.settings
    return settings


async def get_rules(settings: Annotated[ReadingsSettings, Depends(get_settings)]) -> ReadingRules:
    return ReadingRules.from_settings(settings)


SettingsDep = Annotated[ReadingsSettings, Depends(get_settings)]
RulesDep = Annotated[ReadingRules, Depends(get_rules)]
