"""The caller's request body on its way to a service.

A body that arrived in one ASGI message (every small JSON call) goes on as bytes, the
cheapest form for the client library. A longer one is passed on chunk by chunk while the
caller is still sending it, so the gateway never holds a whole upload.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.types import Receive

from lka_common.web import BodyTooLarge


class CallerDisconnected(Exception):
    """The caller went away before its body was complete: nothing to forward or answer."""


class CallerBody:
    """A body still arriving. `failure` says why it stopped early, when it did: the upstream
    call then fails too, and the proxy must blame the caller, not the service."""

    def __init__(self, first: bytes, receive: Receive) -> None:
        self._first = first
        self._receive = receive
        self.failure: Exception | None = None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        # Empty chunks are skipped: in chunked encoding an empty chunk means "the end".
        if self._first:
            yield self._first
        more = True
        while more:
            try:
                message = await self._receive()
            except BodyTooLarge as exc:  # raised by the shared request middleware's counter
                self.failure = exc
                raise
            if message["type"] == "http.disconnect":
                self.failure = CallerDisconnected()
                raise self.failure
            more = message.get("more_body", False)
            chunk: bytes = message.get("body", b"")
            if chunk:
                yield chunk


async def read_body(receive: Receive) -> bytes | CallerBody | None:
    """None for no body, bytes for a complete one, else a stream of the rest."""
    message = await receive()
    if message["type"] == "http.disconnect":
        raise CallerDisconnected
    chunk: bytes = message.get("body", b"")
    if message.get("more_body", False):
        return CallerBody(chunk, receive)
    return chunk or None
