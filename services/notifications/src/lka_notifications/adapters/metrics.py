"""The notifications service's own metrics (the shared ones are lka_common.metrics; every
metric is listed in docs/operations.md, "Metrics")."""

from __future__ import annotations

from prometheus_client import Counter

from lka_notifications.domain.letters import LETTER_POLICY

# `template`: one of the letter policy's templates (domain/letters.py), a bounded set;
# `outcome`: sent, suppressed (over the recipient's hourly cap), turned_off (a reminder the
# person turned off), retrying (an attempt failed,
# the consumer tries again), failed (given up: a permanent error or the last attempt).
# `sent`, `suppressed` and `turned_off` are counted once their row commits with the command's inbox claim.
LETTERS = Counter("lka_letters_total", "Letters by template and what became of them", ["template", "outcome"])


def template_label(template: str) -> str:
    """The template as a label, or `unknown`: a command's template is another service's text."""
    return template if template in LETTER_POLICY else "unknown"
