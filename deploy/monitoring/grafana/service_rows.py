"""The rows every service's dashboard shares (API, consumer, relay, processes) and that dashboard itself."""

from __future__ import annotations

from collections.abc import Callable

from dashboard_model import PROBES, RATE, READY, UP, Dashboard, Panel, Query, Row, by, p95


def api_row(svc: str, title: str) -> Row:
    api = f'service="{svc}", {PROBES}'
    return Row(
        title,
        (
            Panel(
                "Requests per second by route",
                (Query(by("route", "lka_http_requests_total", api), "{{route}}"),),
                "reqps",
            ),
            Panel(
                "Responses per second by status",
                (Query(by("status", "lka_http_requests_total", api), "{{status}}"),),
                "reqps",
            ),
            Panel(
                "Server errors (5xx) per second by route",
                (
                    Query(
                        by("route, status", "lka_http_requests_total", f'{api}, status=~"5.."'), "{{route}} {{status}}"
                    ),
                ),
                "reqps",
                description="503: the database or a dependency is unavailable; read the log by X-Request-ID.",
            ),
            Panel(
                "Latency p95 by route",
                (Query(p95("route", "lka_http_request_duration_seconds", api), "{{route}}"),),
                "s",
            ),
            Panel(
                "Latency, all routes",
                tuple(
                    Query(
                        f"histogram_quantile({q}, sum by (le) (rate(lka_http_request_duration_seconds_bucket{{{api}}}"
                        f"[{RATE}])))",
                        f"p{round(q * 100)}",
                    )
                    for q in (0.5, 0.95, 0.99)
                ),
                "s",
            ),
        ),
    )


def health_row(svc: str) -> Row:
    own = f'service="{svc}"'
    return Row(
        "Processes",
        (
            Panel("Scraped (up)", (Query(f"min by (job) (up{{{own}}})", "{{job}}"),), kind="stat", mappings=UP),
            Panel(
                "Ready",
                (Query(f"min by (component) (lka_ready{{{own}}})", "{{component}}"),),
                kind="stat",
                mappings=READY,
                description="What /readyz answers: the database for an API, the broker (and database) for a worker.",
            ),
            Panel(
                "Readiness changes",
                (
                    Query(
                        by("component", "lka_readiness_changes_total", own, "5m", "increase"),
                        "{{component}}",
                    ),
                ),
                description="Flips between ready and not ready in 5 minutes: a flapping dependency.",
            ),
            Panel(
                "CPU (cores)",
                (Query(f"sum by (job) (rate(process_cpu_seconds_total{{{own}}}[{RATE}]))", "{{job}}"),),
                width=12,
            ),
            Panel(
                "Resident memory",
                (Query(f"sum by (job) (process_resident_memory_bytes{{{own}}})", "{{job}}"),),
                "bytes",
                width=12,
            ),
        ),
    )


def consumer_row(svc: str) -> Row:
    own = f'service="{svc}"'
    return Row(
        f"Consumer ({svc}-consumer)",
        (
            Panel(
                "Messages handled per second",
                (Query(by("queue, outcome", "lka_messages_consumed_total", own), "{{queue}} {{outcome}}"),),
                "ops",
                width=12,
            ),
            Panel(
                "Retried and redelivered per second",
                (
                    Query(by("queue", "lka_messages_retried_total", own), "retried {{queue}}"),
                    Query(by("queue", "lka_messages_redelivered_total", own), "redelivered {{queue}}"),
                ),
                "ops",
                width=12,
                description="Retried: a transient failure retried in the process. Redelivered: the broker gave a "
                "message again (after a crash or a nack).",
            ),
            Panel(
                "Dead-lettered (5 min)",
                (
                    Query(
                        by("queue, reason", "lka_messages_dead_lettered_total", own, "5m", "increase"),
                        "{{queue}} {{reason}}",
                    ),
                ),
                width=12,
            ),
            Panel(
                "Dead-letter queue depth",
                (Query(f"max by (queue) (lka_dead_letter_queue_messages{{{own}}})", "{{queue}}"),),
                width=12,
                description="Messages waiting in <queue>.dlq: read them and replay (docs/operations.md).",
            ),
        ),
    )


def relay_row(svc: str) -> Row:
    own = f'service="{svc}"'
    return Row(
        f"Outbox relay ({svc}-relay)",
        (
            Panel(
                "Outbox lag",
                (Query(f"max(lka_outbox_lag_seconds{{{own}}})", "oldest unpublished"),),
                "s",
                description="Age of the oldest event not yet published: grows while the relay or the broker is down.",
            ),
            Panel(
                "Published per second by exchange",
                (Query(by("exchange", "lka_outbox_published_total", own), "{{exchange}}"),),
                "ops",
            ),
            Panel(
                "Publish failures per second",
                (Query(f"sum(rate(lka_outbox_publish_failures_total{{{own}}}[{RATE}]))", "failures"),),
                "ops",
            ),
        ),
    )


def service_dashboard(svc: str, title: str, description: str, business: Callable[[str], Row]) -> Dashboard:
    return Dashboard(
        f"lka-{svc}",
        f"ЛКА · {title}",
        description,
        (
            business(f'service="{svc}"'),
            api_row(svc, f"API ({svc}-api)"),
            consumer_row(svc),
            relay_row(svc),
            health_row(svc),
        ),
        ("lka", svc),
    )
