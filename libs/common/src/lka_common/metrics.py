"""Prometheus metrics shared by every process (docs/messaging.md §9; the table of every metric
the stack exports, with the processes that serve it, is docs/operations.md "Metrics").

Labels stay few and bounded: a queue, a route template, a process name, never an account
number, a user or an address, which would make a series per person.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("lka_http_requests_total", "HTTP requests served", ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "lka_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OUTBOX_LAG = Gauge("lka_outbox_lag_seconds", "Age of the oldest unpublished outbox row")
OUTBOX_PUBLISHED = Counter("lka_outbox_published_total", "Outbox rows published and confirmed", ["exchange"])
OUTBOX_FAILED = Counter("lka_outbox_publish_failures_total", "Outbox publish attempts that failed")
MESSAGES_CONSUMED = Counter("lka_messages_consumed_total", "Messages handled and acked", ["queue", "outcome"])
MESSAGES_RETRIED = Counter("lka_messages_retried_total", "Transient failures retried in-process", ["queue"])
MESSAGES_REDELIVERED = Counter(
    "lka_messages_redelivered_total",
    "Deliveries the broker flagged redelivered (an earlier one went unacked)",
    ["queue"],
)
MESSAGES_DEAD_LETTERED = Counter(
    "lka_messages_dead_lettered_total", "Messages this consumer sent to its dead-letter queue", ["queue", "reason"]
)
DEAD_LETTER_DEPTH = Gauge("lka_dead_letter_queue_messages", "Messages waiting in a dead-letter queue", ["queue"])
# Set at every evaluation of a process's readiness (lka_common.readiness); `component` is the
# process, `payments-api`, `payments-consumer`, `gateway`.
READY = Gauge("lka_ready", "1 while the process's last readiness check passed, else 0", ["component"])
READINESS_CHANGES = Counter(
    "lka_readiness_changes_total", "Times the answer of the process's readiness check changed", ["component"]
)
