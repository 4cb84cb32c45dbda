"""The readings service's own metrics (the shared ones are lka_common.metrics; every metric is
listed in docs/operations.md, "Metrics"). Counted after the commit: a submission that rolled
back (a duplicate, say) is not a submission."""

from __future__ import annotations

from prometheus_client import Counter

# `channel`: the reading's source, `web` (a signed-in subscriber's linked account) or
# `anonymous` (the public form by account number and meter serial).
READINGS_SUBMITTED = Counter("lka_readings_submitted_total", "Readings submitted and stored", ["channel"])
# `verdict`: billing's first verdict on a reading, `accepted` or `rejected`; a repeated or
# contradicting one changes nothing and is not counted.
READINGS_VERDICTS = Counter("lka_readings_verdicts_total", "Billing's verdicts recorded on readings", ["verdict"])
