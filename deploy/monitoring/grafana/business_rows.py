"""The business row on top of each service's dashboard: readings, payments, letters, account links, sign-in."""

from __future__ import annotations

from dashboard_model import Panel, Query, Row, by, figures, p95, trend


def readings_row(own: str) -> Row:
    return Row(
        "Readings",
        (
            figures(
                "Submitted in the period by channel", "lka_readings_submitted_total", "channel", "{{channel}}", own
            ),
            figures("Verdicts in the period", "lka_readings_verdicts_total", "verdict", "{{verdict}}", own),
            trend("Submitted per hour by channel", "lka_readings_submitted_total", "channel", "{{channel}}", own),
        ),
    )


def payments_row(own: str) -> Row:
    return Row(
        "Payments and the bank (acquirer)",
        (
            figures("Created in the period by method", "lka_payments_created_total", "method", "{{method}}", own),
            figures(
                "Finished in the period by method, brand and outcome",
                "lka_payments_finished_total",
                "method, brand, outcome",
                "{{method}} {{brand}} {{outcome}}",
                own,
            ),
            trend("Finished per hour by outcome", "lka_payments_finished_total", "outcome", "{{outcome}}", own),
            Panel(
                "Acquirer calls per second by operation and outcome",
                (Query(by("operation, outcome", "lka_acquirer_requests_total", own), "{{operation}} {{outcome}}"),),
                "reqps",
                width=12,
                description="outcome: ok, error (the bank refused or answered nonsense), timeout.",
            ),
            Panel(
                "Acquirer latency p95 by operation",
                (Query(p95("operation", "lka_acquirer_request_duration_seconds", own), "{{operation}}"),),
                "s",
                width=12,
            ),
        ),
    )


def letters_row(own: str) -> Row:
    return Row(
        "Letters",
        (
            figures("Letters in the period by outcome", "lka_letters_total", "outcome", "{{outcome}}", own),
            figures("Letters in the period by template", "lka_letters_total", "template", "{{template}}", own),
            trend(
                "Letters per hour by template and outcome",
                "lka_letters_total",
                "template, outcome",
                "{{template}} {{outcome}}",
                own,
            ),
            # Every consumer replica reads the same table: the max of theirs, never the sum.
            Panel(
                "Reminders waiting by template",
                (Query(f"max by (template) (lka_reminders_waiting{{{own}}})", "{{template}}"),),
                width=12,
                description="Reminder letters kept and not sent yet (reminders_due), those pushed back for a retry "
                "included: a scheduled run's letters, draining as the reminder senders send them.",
            ),
            Panel(
                "Oldest reminder waiting",
                (Query(f"max(lka_reminders_oldest_seconds{{{own}}})", "oldest waiting"),),
                "s",
                width=12,
                description="How long the oldest reminder letter not sent yet has waited: hours while a large run "
                "drains; a quarter of an hour with no reminder letter going raises LkaRemindersStalled.",
            ),
        ),
    )


def links_row(own: str) -> Row:
    return Row(
        "Linking billing accounts",
        (
            figures("Link attempts in the period by outcome", "lka_link_attempts_total", "outcome", "{{outcome}}", own),
            figures("Link requests in the period by status", "lka_link_requests_total", "status", "{{status}}", own),
            trend("Link attempts per hour by outcome", "lka_link_attempts_total", "outcome", "{{outcome}}", own),
        ),
    )


def identity_row(own: str) -> Row:
    def calls(route: str) -> Query:
        return Query(by("status", "lka_http_requests_total", f'{own}, route="{route}"'), "{{status}}")

    return Row(
        "Sign-in and registration",
        (
            Panel("Sign-ins per second by status", (calls("/api/v1/auth/login"),), "reqps"),
            Panel("Second-factor checks per second by status", (calls("/api/v1/auth/login/mfa"),), "reqps"),
            Panel("Registrations per second by status", (calls("/api/v1/auth/register"),), "reqps"),
        ),
    )
