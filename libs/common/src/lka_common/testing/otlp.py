"""An OTLP/HTTP receiver of the tests' own: what the processes under test export, kept in memory.

It stands in for a collector: `OTEL_EXPORTER_OTLP_ENDPOINT=<receiver.endpoint>` points a stack
at it (tests/e2e/test_tracing.py, `make bench BENCH_ARGS=--trace`). It takes `POST /v1/traces`
as the SDK's OTLP/HTTP exporter sends it (protobuf, gzipped or not) and keeps each span's ids,
name, kind, process (`service.name`) and attributes. It runs its own event loop on a thread,
so a synchronous caller (the benchmark) and an async test use it alike.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

PROTOBUF = "application/x-protobuf"


@dataclass(frozen=True)
class ReceivedSpan:
    trace_id: str  # 32 hex digits, as in a traceparent
    span_id: str  # 16 hex digits
    parent_span_id: str | None
    name: str
    kind: str  # SERVER, CLIENT, PRODUCER, CONSUMER or INTERNAL
    service: str  # the exporting process's service.name: `readings-api`, `gateway`…
    attributes: dict[str, Any] = field(default_factory=dict)


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return _attributes(value.kvlist_value.values)
    return getattr(value, kind) if kind else None


def _attributes(pairs: Iterable[KeyValue]) -> dict[str, Any]:
    return {pair.key: _value(pair.value) for pair in pairs}


def parse_export(body: bytes) -> list[ReceivedSpan]:
    """The spans of one ExportTraceServiceRequest (protobuf)."""
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    spans = []
    for resource_spans in request.resource_spans:
        service = str(_attributes(resource_spans.resource.attributes).get("service.name", ""))
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                spans.append(
                    ReceivedSpan(
                        trace_id=span.trace_id.hex(),
                        span_id=span.span_id.hex(),
                        parent_span_id=span.parent_span_id.hex() or None,
                        name=span.name,
                        kind=Span.SpanKind.Name(span.kind).removeprefix("SPAN_KIND_"),
                        service=service,
                        attributes=_attributes(span.attributes),
                    )
                )
    return spans


class OtlpReceiver:
    """`with OtlpReceiver() as receiver:` listens on a free loopback port until the block ends."""

    def __init__(self) -> None:
        self._spans: list[ReceivedSpan] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="otlp-receiver", daemon=True)
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))  # bound now, so the port is ours before anyone is told it
        self.requests = 0

    @property
    def endpoint(self) -> str:
        """The base URL for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter adds `/v1/traces`)."""
        host, port = self._socket.getsockname()
        return f"http://{host}:{port}"

    def spans(self) -> list[ReceivedSpan]:
        with self._lock:
            return list(self._spans)

    def trace(self, trace_id: str) -> list[ReceivedSpan]:
        return [span for span in self.spans() if span.trace_id == trace_id]

    async def _traces(self, request: web.Request) -> web.Response:
        body = await request.read()  # a gzipped body comes decompressed: aiohttp's server does it
        try:
            spans = parse_export(body)
        except Exception as exc:  # noqa: BLE001 - a malformed export is the sender's bug: say so
            return web.Response(status=400, text=f"not an ExportTraceServiceRequest: {exc!r}")
        with self._lock:
            self._spans.extend(spans)
            self.requests += 1
        return web.Response(body=ExportTraceServiceResponse().SerializeToString(), content_type=PROTOBUF)

    async def _start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/traces", self._traces)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, self._socket).start()

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def __enter__(self) -> OtlpReceiver:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *_: object) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()
            self._socket.close()
