"""The Grafana dashboards of the portal, written as data: this script and the modules beside it are their one source.

    .venv/bin/python deploy/monitoring/grafana/generate.py           # rewrites dashboards/*.json
    .venv/bin/python deploy/monitoring/grafana/generate.py --check   # exit 1 if they differ

Every query selects by the two labels each scrape target carries (prometheus.yml beside the
rules, and the Kubernetes monitors alike): `job`, the kind of process (`api`, `consumer`,
`relay`, `gateway`), and `service` (`identity` … `notifications`, `gateway`). The gateway is
always selected by `service="gateway"`, never by its job. Panels show rates per second over
Grafana's `$__rate_interval`, and the business figures as totals over the dashboard's period
(`increase(…[$__range])`). tests/monitoring/test_dashboards.py checks that the JSON files are
what this script writes and that every metric named here is one the processes export.

Here: the overview and the gateway's dashboards, which dashboards there are, and writing them.
Beside it: dashboard_model.py (Query, Panel, Row, Dashboard and the PromQL helpers),
service_rows.py (the rows every service's dashboard shares, and that dashboard), business_rows.py
(each service's business row).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "dashboards"

# The modules beside this script are imported by their plain names: run as a script, its folder
# is sys.path[0] already; loaded by path (tests/monitoring), nothing adds it, so this does.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from business_rows import identity_row, letters_row, links_row, payments_row, readings_row  # noqa: E402
from dashboard_model import PROBES, READY, UP, Dashboard, Json, Panel, Query, Row, by, figures, p95  # noqa: E402
from service_rows import api_row, health_row, service_dashboard  # noqa: E402


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
