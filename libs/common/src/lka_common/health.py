"""`/healthz`, `/readyz` and `/metrics` of every API process (docs/contract.md §1).

Readiness is the database only: an API stays ready while the broker is down, because its
outbox holds the events. Each `/readyz` is recorded as the API's `lka_ready` (readiness.py).
The outbox lag is read at scrape time.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from lka_common import metrics, readiness
from lka_common.messaging.outbox import outbox_lag_seconds

# As an API request's acquire deadline (settings.db_acquire_timeout_s): with the bounded close
# of the connection given up on top, a hung database's 503 must stay under 2 s (quality.md item 13).
READY_TIMEOUT_S = 1.0


def _component(request: Request) -> str:
    """The API process's name, `<service>-api`, as its revocation feed names it too."""
    settings = getattr(request.app.state, "settings", None)
    return f"{getattr(settings, 'service_name', '') or 'service'}-api"


def health_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        try:
            async with asyncio.timeout(READY_TIMEOUT_S):
                async with request.app.state.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means not ready
            readiness.observe(_component(request), False)
            return JSONResponse({"status": "not ready", "database": "unavailable"}, status_code=503)
        readiness.observe(_component(request), True)
        return JSONResponse({"status": "ready"})

    @router.get("/metrics")
    async def prometheus(request: Request) -> Response:
        try:
            async with asyncio.timeout(READY_TIMEOUT_S):
                async with request.app.state.engine.connect() as conn:
                    metrics.OUTBOX_LAG.set(await outbox_lag_seconds(conn))
        except Exception:  # noqa: BLE001, S110 - metrics are served even with the database down
            pass
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
