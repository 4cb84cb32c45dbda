"""The notifications service's own metrics (the shared ones are lka_common.metrics; every
metric is listed in docs/operations.md, "Metrics")."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

from lka_notifications.domain.letters import LETTER_POLICY

# `template`: one of the letter policy's templates (domain/letters.py), a bounded set;
# `outcome`: sent, suppressed (over the recipient's hourly cap), turned_off (a reminder the
# person turned off), retrying (an attempt failed,
# the consumer tries again), failed (given up: a permanent error or the last attempt).
# `sent`, `suppressed` and `turned_off` are counted once their row commits with the command's inbox claim.
LETTERS = Counter("lka_letters_total", "Letters by template and what became of them", ["template", "outcome"])
# The reminder letters kept in `reminders_due` and not sent yet (those pushed back for a retry
# included), read from the table every `reminder_metrics_interval_s` by the consumer
# (service_layer/reminder_metrics.py). Every replica reads the same table: take the max, never the sum.
REMINDERS_WAITING = Gauge("lka_reminders_waiting", "Reminder letters waiting to be sent, by template", ["template"])
REMINDERS_OLDEST = Gauge("lka_reminders_oldest_seconds", "Age of the oldest reminder letter waiting, 0 when none")


def template_label(template: str) -> str:
    """The template as a label, or `unknown`: a command's template is another service's text."""
    return template if template in LETTER_POLICY else "unknown"
