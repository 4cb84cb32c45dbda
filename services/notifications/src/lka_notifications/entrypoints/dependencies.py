"""Request dependencies of the notifications routers: the feedback rules from the settings, and the
caller's address (a list's page is lka_common.paging's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lka_common.client_address import client_address
from lka_notifications.service_layer.submission import FeedbackRules
from lka_notifications.settings import NotificationsSettings


# `async def`, though they await nothing: FastAPI runs a plain `def` dependency in a worker
# thread, a thread hop per dependency per request (docs/performance.md, the readings profile).
async def get_rules(request: Request) -> FeedbackRules:
    settings: NotificationsSettings = request.app.state.settings
    return FeedbackRules.from_settings(settings)


async def get_client_address(request: Request) -> str | None:
    return client_address(request)


RulesDep = Annotated[FeedbackRules, Depends(get_rules)]
ClientDep = Annotated[str | None, Depends(get_client_address)]
