"""Request dependencies of the readings routers: the rules from the settings, and a list's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from lka_common.schemas import MAX_OFFSET, Page
from lka_readings.service_layer.submission import ReadingRules
from lka_readings.settings import ReadingsSettings


# `async def`, though they await nothing: FastAPI runs a plain `def` dependency in a worker
# thread, a thread hop per dependency per request (docs/performance.md, the readings profile).
async def get_settings(request: Request) -> ReadingsSettings:
    settings: ReadingsSettings = request.app.state.settings
    return settings


async def get_rules(settings: Annotated[ReadingsSettings, Depends(get_settings)]) -> ReadingRules:
    return ReadingRules.from_settings(settings)


async def get_page(
    limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0
) -> Page:
    """`limit` (default 50, at most 200) and `offset` of a list (CONTRACT §2)."""
    return Page(limit=limit, offset=offset)


SettingsDep = Annotated[ReadingsSettings, Depends(get_settings)]
RulesDep = Annotated[ReadingRules, Depends(get_rules)]
PageDep = Annotated[Page, Depends(get_page)]
