"""The payments service's own metrics (the shared ones are lka_common.metrics; every metric is
listed in docs/operations.md, "Metrics"). Counted after the commit: a payment whose
transaction rolled back was never created, nor finished."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# `operation`: the RBS method without `.do` (register, getOrderStatusExtended, reverse, refund);
# `outcome`: ok, refused (the bank answered with an error code), error (no usable answer:
# an HTTP status, a broken connection, not JSON), timeout (no answer within rbs_timeout_s).
ACQUIRER_REQUESTS = Counter("lka_acquirer_requests_total", "Calls of the acquirer's API", ["operation", "outcome"])
ACQUIRER_LATENCY = Histogram(
    "lka_acquirer_request_duration_seconds",
    "Time the acquirer's API took to answer, or to fail",
    ["operation"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15),
)
# `method`: how the payer pays (`card` or `sbp`).
PAYMENTS_CREATED = Counter("lka_payments_created_total", "Payments started (an order registered)", ["method"])
# `outcome`: the payment's final status (succeeded, failed, expired); `brand`: mir, visa,
# mastercard, or unknown (a declined card's brand is seldom told).
PAYMENTS_FINISHED = Counter(
    "lka_payments_finished_total", "Payments that reached a final status", ["method", "brand", "outcome"]
)
