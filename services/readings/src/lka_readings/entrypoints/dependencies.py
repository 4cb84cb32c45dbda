"""Request dependencies of the readings routers: the rules from the settings, and a list's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from lka_common.schemas import Page
from lka_readings.service_layer.submission import ReadingRules
from lka_readings.settings import ReadingsSettings


def get_settings(request: Request) -> ReadingsSettings:
    settings: ReadingsSettings = request.app.state.settings
    return settings


def get_rules(settings: Annotated[ReadingsSettings, Depends(get_settings)]) -> ReadingRules:
    return ReadingRules.from_settings(settings)


def get_page(limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0)] = 0) -> Page:
    """`limit` (default 50, at most 200) and `offset` of a list (CONTRACT §2)."""
    return Page(limit=limit, offset=offset)


SettingsDep = Annotated[ReadingsSettings, Depends(get_settings)]
RulesDep = Annotated[ReadingRules, Depends(get_rules)]
PageDep = Annotated[Page, Depends(get_page)]
