"""The accounts service's own metrics (the shared ones are lka_common.metrics; every metric is
listed in docs/operations.md, "Metrics"). Counted once the change commits."""

from __future__ import annotations

from prometheus_client import Counter

# `outcome` of a subscriber's attempt to link an account (a new one, or a request corrected):
# `linked` (the proof matched), `refused` (a wrong proof or a number billing does not know: a
# request for an operator instead), `limited` (past the account's limit of failures: a request,
# the proof not even compared), `throttled` (past the user's limit: 429, nothing written).
LINK_ATTEMPTS = Counter("lka_link_attempts_total", "Attempts to link an account by proof", ["outcome"])
# `status` a link request entered: `created` (waits for an operator: new, or a rejected one
# corrected), `approved`, `rejected`, `withdrawn`.
LINK_REQUESTS = Counter("lka_link_requests_total", "Link requests by the status they entered", ["status"])
