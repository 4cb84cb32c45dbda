"""The services' OpenAPI documents, fetched at start-up and kept (served merged at
`/api/openapi.json`, see openapi_merge.py).

A service that is not up yet when the gateway starts is asked again in the background, and
once more when the document is requested, so the merged document fills in as the stack
comes up; it is never a reason for the gateway itself not to be ready.
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
import structlog

from lka_gateway.openapi_merge import Document, gateway_document
from lka_gateway.settings import GatewaySettings

log = structlog.get_logger(__name__)

OPENAPI_PATH = "/api/openapi.json"
SERVICE_OPENAPI_PATH = "/openapi.json"


class ServiceDocs:
    """A part of the app: started and closed with it, always ready."""

    def __init__(self, settings: GatewaySettings) -> None:
        self._urls = {name: base + SERVICE_OPENAPI_PATH for name, base in settings.upstreams().items()}
        self._timeout = aiohttp.ClientTimeout(total=settings.openapi_timeout_s)
        self._retry_s = settings.openapi_retry_s
        self._docs: dict[str, Document] = {}
        self._merged: Document | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._fetch_until_complete())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @property
    def ready(self) -> bool:
        return True

    @property
    def complete(self) -> bool:
        return len(self._docs) == len(self._urls)

    async def document(self) -> Document:
        """The merged document: cached once every service has answered, else remade from
        whatever has answered so far."""
        if self._merged is not None:
            return self._merged
        await self.fetch_missing()
        merged = gateway_document({name: self._docs[name] for name in self._urls if name in self._docs})
        if self.complete:
            self._merged = merged
        return merged

    async def fetch_missing(self) -> None:
        missing = [name for name in self._urls if name not in self._docs]
        if not missing:
            return
        async with aiohttp.ClientSession(timeout=self._timeout) as http:
            await asyncio.gather(*(self._fetch(http, name) for name in missing))

    async def _fetch(self, http: aiohttp.ClientSession, name: str) -> None:
        try:
            async with http.get(self._urls[name]) as response:
                response.raise_for_status()
                self._docs[name] = await response.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.info("openapi_not_fetched", service=name, error=repr(exc))

    async def _fetch_until_complete(self) -> None:
        while True:
            await self.fetch_missing()
            if self.complete:
                log.info("openapi_fetched", services=len(self._docs))
                return
            await asyncio.sleep(self._retry_s)
