"""Passing a routed call to its service and the answer back, both as streams.

One `aiohttp.ClientSession` serves the whole process: its pool keeps connections to each
service alive between calls, which is most of the gateway's speed, and aiohttp's client is
the one that keeps a hop cheap (docs/quality.md, the proxy hop's figures). Bodies are passed on
chunk by chunk as they arrive, never collected whole.
"""

from __future__ import annotations

import aiohttp
from starlette.types import Receive, Scope, Send
from yarl import URL

from lka_common import context
from lka_common.web import incoming_request_id
from lka_gateway import headers
from lka_gateway.body import CallerBody, CallerDisconnected, read_body
from lka_gateway.failures import answer_broken_off, upstream_problem
from lka_gateway.routes import Route
from lka_gateway.settings import GatewaySettings

# Headers the client library would add on its own; the caller's own ones still pass. An
# Accept-Encoding the caller did not send would make services compress for a caller that
# cannot read it.
_NO_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")


class UpstreamProxy:
    """The ASGI endpoint behind the router: forwards to `scope["route"].service`."""

    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings
        self._upstreams = settings.upstreams()
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        # Created inside the running loop (the app's lifespan): a session is bound to it.
        s = self._settings
        connector = aiohttp.TCPConnector(
            limit=0,  # bounded per service instead, so one slow service cannot starve the rest
            limit_per_host=s.upstream_pool_size,
            keepalive_timeout=s.upstream_keepalive_s,
        )
        timeout = aiohttp.ClientTimeout(
            total=s.total_timeout_s,
            connect=s.pool_timeout_s,
            sock_connect=s.connect_timeout_s,
            sock_read=s.read_timeout_s,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            # One jar for every caller would hand one subscriber's cookies to the next.
            cookie_jar=aiohttp.DummyCookieJar(),
            # Bytes pass through as the service wrote them, Content-Encoding included.
            auto_decompress=False,
            skip_auto_headers=_NO_AUTO_HEADERS,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("the upstream session is not started")
        return self._session

    @property
    def ready(self) -> bool:
        return self._session is not None and not self._session.closed

    def upstream_url(self, route: Route, scope: Scope) -> URL:
        # The raw path goes on byte for byte: the service decodes it exactly as uvicorn
        # decoded it here for matching, so both see the same path.
        target = self._upstreams[route.service] + scope["raw_path"].decode("latin-1")
        query: bytes = scope["query_string"]
        if query:
            target += "?" + query.decode("latin-1")
        return URL(target, encoded=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: Route = scope["route"]
        request_id = context.current_ids().get("request_id") or incoming_request_id(scope["headers"])
        try:
            body = await read_body(receive)
        except CallerDisconnected:
            return
        try:
            response = await self.session.request(
                scope["method"],
                self.upstream_url(route, scope),
                headers=headers.to_upstream(scope, request_id),
                data=body,
                allow_redirects=False,
            )
        except (aiohttp.ClientError, TimeoutError) as exc:
            if isinstance(body, CallerBody) and body.failure is not None:
                # The caller broke the exchange (body over the limit, or gone), not the service.
                if isinstance(body.failure, CallerDisconnected):
                    return
                raise body.failure from exc
            await upstream_problem(exc, route.service).response()(scope, receive, send)
            return
        async with response:
            caller_headers = headers.to_caller(response.raw_headers)
            await send({"type": "http.response.start", "status": response.status, "headers": caller_headers})
            await _stream_down(response.content, send, route.service)


async def _stream_down(content: aiohttp.StreamReader, send: Send, service: str) -> None:
    """Each chunk goes to the caller as it arrives; the last one is marked as last, so a
    small answer costs one body message, not two."""
    try:
        chunk = await content.readany()
        while chunk and not content.at_eof():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            chunk = await content.readany()
    except (aiohttp.ClientError, TimeoutError) as exc:
        # Too late for a problem document: the status line is out. Breaking the connection
        # is the only way left to tell the caller the answer is incomplete.
        answer_broken_off(exc, service)
        raise
    await send({"type": "http.response.body", "body": chunk, "more_body": False})
