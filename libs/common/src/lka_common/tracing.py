"""Traces (OpenTelemetry): set up once per process here, and carried across the bus inside each
event (docs/operations.md "Traces", docs/messaging.md §9).

With `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set, spans go to
that collector over OTLP/HTTP (protobuf) in batches; the SDK's own `OTEL_*` variables
(`OTEL_BSP_SCHEDULE_DELAY`, `OTEL_TRACES_SAMPLER`, `OTEL_EXPORTER_OTLP_HEADERS`…) apply.
Unset, the SDK still makes trace ids, so the gateway starts a `traceparent` and every event
carries one, but it samples nothing (ALWAYS_OFF): no span records anything or leaves the
process, and the field's instrumentations, whose cost per call buys nothing then, are left
out for `TraceContextMiddleware` and `outgoing_headers`, which only carry the context on.

The trace crosses the bus inside the event itself, as the CloudEvents distributed-tracing
extension (`traceparent`, `tracestate`), not in AMQP headers: the event is written to the
outbox in the request's transaction and published later by another process, the relay, which
finds the context in the outbox row (`trace_attributes`, `publishing`, `consuming`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import NonRecordingSpan, Span, SpanContext, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from fastapi import FastAPI

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
# Probes and scrapes are neither requests of anyone's nor worth a span (comma-separated regexes).
UNTRACED_PATHS = r"/healthz$,/readyz$,/metrics$"
# The two CloudEvents extension attributes of the distributed-tracing extension.
TRACE_ATTRIBUTES = ("traceparent", "tracestate")

_PROPAGATOR = TraceContextTextMapPropagator()
_IDS = RandomIdGenerator()
# A proxy until configure_tracing() sets the process's provider: modules may take it at import.
_tracer = trace.get_tracer("lka_common")
_configured = False


def exporting(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether spans leave this process: a collector's address is set."""
    return any(environ.get(name) for name in ENDPOINT_VARIABLES)


def tracer_provider(process: str, environ: Mapping[str, str] = os.environ) -> TracerProvider:
    """The SDK provider of one process (`service.name` = the process: `readings-api`…)."""
    resource = Resource.create({SERVICE_NAME: process})
    if not exporting(environ):
        # Ids still made (the SDK gives a dropped span a context of its own); nothing recorded.
        return TracerProvider(resource=resource, sampler=ALWAYS_OFF)
    # Imported only here: a process that exports nothing never loads the exporter.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # The sampler is the SDK's default (parent-based, always on) unless OTEL_TRACES_SAMPLER says.
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def configure_tracing(process: str) -> None:
    """Once per process, where it starts (lka_common.web.serve_api, worker.run_worker, the
    gateway's main): its provider, and, when exporting, the client libraries' instrumentation.

    Without a collector the instrumentations' spans would be recorded by no one, and they cost
    far more than nothing: aiohttp's client ~95 µs of CPU a call (measured, docs/operations.md
    "Traces"). The context still travels: the gateway writes `traceparent` on the calls it
    passes on itself (`outgoing_headers`)."""
    global _configured
    if _configured:
        return
    _configured = True
    provider = tracer_provider(process)
    trace.set_tracer_provider(provider)
    if not exporting():
        return
    from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    # Every aiohttp client session made from now on makes a client span and passes its
    # `traceparent` on: the gateway's proxy to the services, payments to the bank, the loaders.
    AioHttpClientInstrumentor().instrument(tracer_provider=provider)
    # asyncpg itself, under SQLAlchemy's sessions and DriverUnitOfWork's raw connection alike
    # (its prepared statements included), so every query gets one span, never two.
    AsyncPGInstrumentor().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]  # no hints


def traced_asgi(app: ASGIApp) -> ASGIApp:
    """`app` inside a server span that continues the caller's `traceparent` or starts a trace
    (the gateway, whose routing is its own; the services' FastAPI apps: `trace_fastapi`).

    Exporting, the field's middleware, whose span is named by the method alone until routing
    names it (`name_server_span`): a raw path, ids and all, would make every call a name of
    its own. Not exporting, `TraceContextMiddleware`."""
    if not exporting():
        return TraceContextMiddleware(app)
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    # No span per body chunk received or sent: the server span says all a trace needs.
    return OpenTelemetryMiddleware(
        app, excluded_urls=UNTRACED_PATHS, exclude_spans=["receive", "send"], default_span_details=_method_only
    )


def trace_fastapi(app: FastAPI) -> None:
    """A service's API, outermost: exporting, server spans named by route template (`POST
    /api/v1/accounts/{account_id}/readings`); not exporting, `TraceContextMiddleware`."""
    if not exporting():
        app.add_middleware(TraceContextMiddleware)
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, excluded_urls=UNTRACED_PATHS, exclude_spans=["receive", "send"])


class TraceContextMiddleware:
    """Only what the trace's propagation needs: the caller's `traceparent` continued, or a trace
    started, as the current (unrecorded) span while the request runs. The field's middleware
    also decodes every header into attributes and records metrics, for a span no one records
    when there is no collector: ~45 µs of CPU a call against ~8 µs here (measured)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        carrier = {}
        for name, value in scope["headers"]:
            if name in (b"traceparent", b"tracestate"):
                carrier[name.decode()] = value.decode("latin-1")
        span = _tracer.start_span("HTTP", context=_PROPAGATOR.extract(carrier), kind=SpanKind.SERVER)
        with trace.use_span(span, end_on_exit=True):
            await self.app(scope, receive, send)


def _method_only(scope: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return str(scope.get("method") or "HTTP"), {}


def name_server_span(method: str, route: str) -> None:
    """Name the running server span `{method} {route template}` once routing has found it."""
    span = trace.get_current_span()
    if span.is_recording():
        span.update_name(f"{method} {route}")
        span.set_attribute("http.route", route)


def outgoing_headers() -> list[tuple[str, str]]:
    """The running span's trace context as headers of a call onwards (`traceparent`, and
    `tracestate` when there is one). Exporting, aiohttp's instrumentation writes its client
    span's over them."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return list(carrier.items())


@contextmanager
def without_library_spans() -> Iterator[None]:
    """No spans from the instrumented libraries inside: for a loop's own queries, which belong to
    no request's trace and would only fill the collector with roots (the relay's polling)."""
    with suppress_instrumentation():
        yield


@contextmanager
def recorded_by(provider: TracerProvider) -> Iterator[None]:
    """Meanwhile, the spans started here are `provider`'s: a test's way to record them, as the
    process's own provider is set once and for good (OpenTelemetry refuses a second)."""
    global _tracer
    kept, _tracer = _tracer, provider.get_tracer("lka_common")
    try:
        yield
    finally:
        _tracer = kept


def mark_failed(error: BaseException) -> None:
    """The running span failed with `error`: for work that handles its failure inside its span (a
    letter pushed back for later), which the span would otherwise end as a success."""
    span = trace.get_current_span()
    span.record_exception(error)
    span.set_status(Status(StatusCode.ERROR, type(error).__name__))


def trace_attributes() -> dict[str, str]:
    """The running code's trace context as the events it raises carry it: `traceparent`, and
    `tracestate` when there is one. Outside any span (a script) the event starts a trace of its
    own, as it starts its own correlation (events/envelope.py), so every event carries one."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    if "traceparent" not in carrier:
        fresh = SpanContext(_IDS.generate_trace_id(), _IDS.generate_span_id(), is_remote=False)
        _PROPAGATOR.inject(carrier, trace.set_span_in_context(NonRecordingSpan(fresh)))
    return carrier


def trace_id_of(traceparent: str | None) -> str | None:
    """The 32 hex digits of a `traceparent`'s trace id, or None when it is not a valid one."""
    context = _PROPAGATOR.extract({"traceparent": traceparent} if traceparent else {})
    span_context = trace.get_current_span(context).get_span_context()
    return trace.format_trace_id(span_context.trace_id) if span_context.is_valid else None


def current_trace_id() -> str | None:
    """The running span's trace id, for log lines (lka_common.logging)."""
    span_context = trace.get_current_span().get_span_context()
    return trace.format_trace_id(span_context.trace_id) if span_context.is_valid else None


def _messaging_attributes(exchange: str, routing_key: str, message_id: str) -> dict[str, str]:
    return {
        "messaging.system": "rabbitmq",
        "messaging.destination.name": exchange,
        "messaging.rabbitmq.destination.routing_key": routing_key,
        "messaging.message.id": message_id,
    }


@contextmanager
def job_batch(job: str, run_id: int) -> Iterator[Span]:
    """An INTERNAL span, the root of a trace of its own, for one batch of a scheduled job
    (lka_common.scheduler): its queries and every event it raises (a thousand letters) share it,
    where each event outside any span would start a trace of its own."""
    with _tracer.start_as_current_span(
        f"job {job}",
        context=otel_context.Context(),
        kind=SpanKind.INTERNAL,
        attributes={"lka.job.name": job, "lka.job.run_id": run_id},
    ) as span:
        yield span


@contextmanager
def continuing(carrier: Mapping[str, str], name: str, attributes: Mapping[str, str]) -> Iterator[Span]:
    """An INTERNAL span continuing a trace context kept with work done later, outside the
    message that asked for it (`carrier`: its `traceparent`, `tracestate`; a reminder letter
    its `SendReminders` asked for), or the root of a trace of its own when `carrier` has none."""
    with _tracer.start_as_current_span(
        name, context=_PROPAGATOR.extract(carrier), kind=SpanKind.INTERNAL, attributes=attributes
    ) as span:
        yield span


@contextmanager
def publishing(carrier: Mapping[str, str], exchange: str, routing_key: str, message_id: str) -> Iterator[Span]:
    """A PRODUCER span for one message sent on behalf of the code that raised it: its parent
    is the trace context written with the message (the outbox row's), not the sender's own."""
    attributes = _messaging_attributes(exchange, routing_key, message_id) | {"messaging.operation.type": "send"}
    with _tracer.start_as_current_span(
        f"publish {routing_key}",
        context=_PROPAGATOR.extract(carrier),
        kind=SpanKind.PRODUCER,
        attributes=attributes,
    ) as span:
        yield span


@contextmanager
def consuming(
    carrier: Mapping[str, str], exchange: str, routing_key: str, message_id: str, queue: str
) -> Iterator[Span]:
    """A CONSUMER span continuing the trace a message carries (`carrier`: its `traceparent`,
    `tracestate`), so that what its handler raises carries the same trace id."""
    attributes = _messaging_attributes(exchange, routing_key, message_id) | {
        "messaging.operation.type": "process",
        "messaging.consumer.group.name": queue,
    }
    with _tracer.start_as_current_span(
        f"process {routing_key}",
        context=_PROPAGATOR.extract(carrier),
        kind=SpanKind.CONSUMER,
        attributes=attributes,
    ) as span:
        yield span
