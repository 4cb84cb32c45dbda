"""The Grafana dashboards of the portal, written as data: this file is their one source.

    .venv/bin/python deploy/monitoring/grafana/generate.py           # rewrites dashboards/*.json
    .venv/bin/python deploy/monitoring/grafana/generate.py --check   # exit 1 if they differ

Every query selects by the two labels each scrape target carries (prometheus.yml beside the
rules, and the Kubernetes monitors alike): `job`, the kind of process (`api`, `consumer`,
`relay`, `gateway`), and `service` (`identity` … `notifications`, `gateway`). The gateway is
always selected by `service="gateway"`, never by its job. Panels show rates per second over
Grafana's `$__rate_interval`, and the business figures as totals over the dashboard's period
(`increase(…[$__range])`). tests/monitoring/test_dashboards.py checks that the JSON files are
what this script writes and that every metric named here is one the processes export.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "dashboards"
SCHEMA_VERSION = 39
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
RATE = "$__rate_interval"
PERIOD = "$__range"
PROBES = 'route!~"/healthz|/readyz|/metrics"'
Json = dict[str, Any]


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str = ""


@dataclass(frozen=True)
class Panel:
    """A time series (`kind="timeseries"`), a row of figures (`stat`), or bars (`bargauge`)."""

    title: str
    queries: tuple[Query, ...]
    unit: str = "short"
    kind: str = "timeseries"
    description: str = ""
    width: int = 8
    mappings: tuple[tuple[str, str, str], ...] = ()  # (value, text, colour) of a stat

    def json(self, panel_id: int, x: int, y: int) -> Json:
        instant = self.kind != "timeseries"
        panel: Json = {
            "id": panel_id,
            "type": self.kind,
            "title": self.title,
            "description": self.description,
            "datasource": DATASOURCE,
            "gridPos": {"h": 8, "w": self.width, "x": x, "y": y},
            "targets": [
                {
                    "refId": chr(ord("A") + i),
                    "datasource": DATASOURCE,
                    "expr": q.expr,
                    "legendFormat": q.legend,
                    "instant": instant,
                    "range": not instant,
                }
                for i, q in enumerate(self.queries)
            ],
            "fieldConfig": {"defaults": self._defaults(), "overrides": []},
            "options": self._options(),
        }
        return panel

    def _defaults(self) -> Json:
        defaults: Json = {"unit": self.unit}
        if self.mappings:
            defaults["mappings"] = [
                {"type": "value", "options": {value: {"text": text, "color": colour, "index": i}}}
                for i, (value, text, colour) in enumerate(self.mappings)
            ]
            defaults["color"] = {"mode": "fixed", "fixedColor": "text"}
        if self.kind == "timeseries":
            defaults["custom"] = {"fillOpacity": 10, "showPoints": "never"}
            defaults["min"] = 0
        return defaults

    def _options(self) -> Json:
        if self.kind == "timeseries":
            return {
                "legend": {"displayMode": "table", "placement": "right", "calcs": ["lastNotNull", "max"]},
                "tooltip": {"mode": "multi", "sort": "desc"},
            }
        reduce = {"calcs": ["lastNotNull"], "fields": "", "values": False}
        if self.kind == "bargauge":
            return {"displayMode": "basic", "orientation": "horizontal", "showUnfilled": True, "reduceOptions": reduce}
        return {"colorMode": "background", "graphMode": "none", "textMode": "value_and_name", "reduceOptions": reduce}


@dataclass(frozen=True)
class Row:
    title: str
    panels: tuple[Panel, ...]


@dataclass(frozen=True)
class Dashboard:
    uid: str
    title: str
    description: str
    rows: tuple[Row, ...]
    tags: tuple[str, ...] = ("lka",)

    def json(self) -> Json:
        panels: list[Json] = []
        y = 0
        for row in self.rows:
            panels.append(
                {
                    "id": len(panels) + 1,
                    "type": "row",
                    "title": row.title,
                    "collapsed": False,
                    "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
                    "panels": [],
                }
            )
            y += 1
            x = 0
            for panel in row.panels:
                if x + panel.width > 24:
                    x, y = 0, y + 8
                panels.append(panel.json(len(panels) + 1, x, y))
                x += panel.width
            y += 8
        return {
            "uid": self.uid,
            "title": self.title,
            "description": self.description,
            "tags": list(self.tags),
            "editable": False,
            "graphTooltip": 1,
            "refresh": "30s",
            "schemaVersion": SCHEMA_VERSION,
            "time": {"from": "now-6h", "to": "now"},
            "timezone": "browser",
            "links": [{"type": "dashboards", "tags": ["lka"], "asDropdown": True, "title": "ЛКА", "includeVars": True}],
            "templating": {
                "list": [
                    {
                        "name": "datasource",
                        "label": "Prometheus",
                        "type": "datasource",
                        "query": "prometheus",
                        "current": {},
                        "hide": 0,
                        "refresh": 1,
                        "regex": "",
                        "options": [],
                    }
                ]
            },
            "annotations": {"list": []},
            "panels": panels,
        }


# --- pieces every service's dashboard has -----------------------------------------------------

UP = (("1", "up", "green"), ("0", "down", "red"))
READY = (("1", "ready", "green"), ("0", "not ready", "red"))


def series(metric: str, selector: str) -> str:
    return f"{metric}{{{selector}}}" if selector else metric


def by(labels: str, metric: str, selector: str, window: str = RATE, fn: str = "rate") -> str:
    return f"sum by ({labels}) ({fn}({series(metric, selector)}[{window}]))"


def p95(labels: str, metric: str, selector: str) -> str:
    buckets = series(f"{metric}_bucket", selector)
    return f"histogram_quantile(0.95, sum by (le, {labels}) (rate({buckets}[{RATE}])))"


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


def figures(title: str, metric: str, labels: str, legend: str, selector: str = "", width: int = 8) -> Panel:
    """A business counter's total over the dashboard's period, one bar per label value."""
    return Panel(
        title, (Query(by(labels, metric, selector, PERIOD, "increase"), legend),), kind="bargauge", width=width
    )


def trend(title: str, metric: str, labels: str, legend: str, selector: str = "", width: int = 8) -> Panel:
    """The same counter per hour, over time."""
    return Panel(title, (Query(by(labels, metric, selector, "1h", "increase"), legend),), width=width)


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


# --- the dashboards ---------------------------------------------------------------------------


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


def overview() -> Dashboard:
    api = PROBES
    calls = by("service", "lka_http_requests_total", api)
    errors = by("service", "lka_http_requests_total", f'{api}, status=~"5.."')
    return Dashboard(
        "lka-overview",
        "ЛКА · Overview",
        "The whole portal: traffic and errors by service, messaging, readiness and the business figures.",
        (
            Row(
                "Traffic",
                (
                    Panel(
                        "Requests per second by service",
                        (Query(by("service", "lka_http_requests_total", api), "{{service}}"),),
                        "reqps",
                        description="The gateway counts every call once more on its way to a service.",
                    ),
                    Panel(
                        "Server errors (5xx) ratio by service",
                        (Query(f"{errors} / {calls}", "{{service}}"),),
                        "percentunit",
                    ),
                    Panel(
                        "Latency p95 by service",
                        (Query(p95("service", "lka_http_request_duration_seconds", api), "{{service}}"),),
                        "s",
                    ),
                ),
            ),
            Row(
                "Health",
                (
                    Panel(
                        "Scraped (up)",
                        (Query("min by (service, job) (up)", "{{service}} {{job}}"),),
                        kind="stat",
                        mappings=UP,
                        width=12,
                    ),
                    Panel(
                        "Ready",
                        (Query("min by (component) (lka_ready)", "{{component}}"),),
                        kind="stat",
                        mappings=READY,
                        width=12,
                    ),
                ),
            ),
            Row(
                "Messaging",
                (
                    Panel(
                        "Outbox lag by service",
                        (Query("max by (service) (lka_outbox_lag_seconds)", "{{service}}"),),
                        "s",
                    ),
                    Panel(
                        "Dead-letter queue depth",
                        (Query("max by (queue) (lka_dead_letter_queue_messages)", "{{queue}}"),),
                    ),
                    Panel(
                        "Messages handled per second by service and outcome",
                        (Query(by("service, outcome", "lka_messages_consumed_total", ""), "{{service}} {{outcome}}"),),
                        "ops",
                    ),
                ),
            ),
            Row(
                "Business, in the period",
                (
                    figures("Readings submitted by channel", "lka_readings_submitted_total", "channel", "{{channel}}"),
                    figures("Readings verdicts", "lka_readings_verdicts_total", "verdict", "{{verdict}}"),
                    figures("Payments created by method", "lka_payments_created_total", "method", "{{method}}"),
                    figures(
                        "Payments finished by method, brand and outcome",
                        "lka_payments_finished_total",
                        "method, brand, outcome",
                        "{{method}} {{brand}} {{outcome}}",
                    ),
                    figures("Letters by outcome", "lka_letters_total", "outcome", "{{outcome}}"),
                    figures("Link attempts by outcome", "lka_link_attempts_total", "outcome", "{{outcome}}"),
                    figures("Link requests by status", "lka_link_requests_total", "status", "{{status}}"),
                ),
            ),
        ),
    )


def gateway() -> Dashboard:
    own = 'service="gateway"'
    return Dashboard(
        "lka-gateway",
        "ЛКА · Gateway",
        "The gateway: calls by route, what it refused (rate limits, tokens) and the services it could not reach.",
        (
            api_row("gateway", "Calls (gateway)"),
            Row(
                "Refusals and failures",
                (
                    Panel(
                        "Upstream failures per second by service and status",
                        (
                            Query(
                                by("upstream, status", "lka_gateway_upstream_failures_total", own),
                                "{{upstream}} {{status}}",
                            ),
                        ),
                        "reqps",
                        description="503: the service unreachable; 504: it did not answer in time; 502: its answer was "
                        "not HTTP; aborted: the answer broke off.",
                    ),
                    Panel(
                        "Rate-limit refusals per second by group",
                        (Query(by("group", "lka_gateway_rate_limited_total", own), "{{group}}"),),
                        "reqps",
                    ),
                    Panel(
                        "Token refusals per second by reason",
                        (Query(by("reason", "lka_gateway_auth_refused_total", own), "{{reason}}"),),
                        "reqps",
                    ),
                ),
            ),
            health_row("gateway"),
        ),
        ("lka", "gateway"),
    )


def dashboards() -> dict[str, Json]:
    """File name -> dashboard, as written to dashboards/."""
    made = [
        overview(),
        service_dashboard("identity", "Identity", "Subscribers' and staff's accounts, sign-in, tokens.", identity_row),
        service_dashboard("accounts", "Accounts", "Billing accounts and their links to subscribers.", links_row),
        service_dashboard("readings", "Readings", "Meter readings: submitted, checked, sent to billing.", readings_row),
        service_dashboard("payments", "Payments", "Payments through the bank's acquiring.", payments_row),
        service_dashboard("notifications", "Notifications", "Letters to subscribers and the supplier.", letters_row),
        gateway(),
    ]
    return {f"{d.uid}.json": d.json() for d in made}


def render(dashboard: Json) -> str:
    return json.dumps(dashboard, ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with dashboards/, write nothing")
    args = parser.parse_args()
    stale = []
    for name, dashboard in dashboards().items():
        path = OUT / name
        text = render(dashboard)
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            OUT.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
    extra = sorted(p.name for p in OUT.glob("*.json") if p.name not in dashboards())
    for name in stale + extra:
        print(f"{OUT / name}: not what generate.py writes", file=sys.stderr)
    return 1 if stale or extra else 0


if __name__ == "__main__":
    sys.exit(main())
