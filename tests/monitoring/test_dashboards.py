"""The Grafana dashboards and the Prometheus that feeds them, as an operator would check them:
each dashboard opens (parses, its own uid and title, a query in every panel), shows only metrics
the processes really export, and Prometheus scrapes every process of the compose stack under
the labels the dashboards select by."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

from lka_common.testing.stack import SERVICES, Stack

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
DASHBOARDS = MONITORING / "grafana" / "dashboards"
PROVISIONING = MONITORING / "grafana" / "provisioning"
PROMETHEUS = MONITORING / "prometheus" / "prometheus.yml"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))

EXPECTED = {f"lka-{name}.json" for name in ("overview", *SERVICES, "gateway")}
# A metric in PromQL: ours, the client library's process metrics, and Prometheus's own `up`.
METRIC = re.compile(r"\b(?:lka_\w+|process_\w+|up)\b")
HISTOGRAM_SERIES = re.compile(r"_(?:bucket|sum|count)$")
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
RATED = re.compile(r"\b(?:rate|increase)\(\s*(\w+)")
TYPE_LINE = re.compile(r"^# TYPE (\S+) (\S+)$", re.MULTILINE)
ENTRYPOINT = re.compile(r"^lka_(\w+)\.entrypoints\.(api|consumer|relay)$")
PROBE_PORT = re.compile(r"http://127\.0\.0\.1:(\d+)/")


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lka_grafana_generate", MONITORING / "grafana" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def dashboards() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(DASHBOARDS.glob("*.json"))}


def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """The panels that show something (rows only group them), collapsed rows' included."""
    found: list[dict[str, Any]] = []
    for panel in dashboard["panels"]:
        found += panel.get("panels", []) if panel["type"] == "row" else [panel]
    return found


def exprs(dashboard: dict[str, Any]) -> list[str]:
    return [target["expr"] for panel in panels(dashboard) for target in panel["targets"]]


def metric_names(expr: str) -> set[str]:
    """The metrics a query reads, as their exporter names them: a histogram's `_bucket`,
    `_sum` and `_count` series are the histogram's. Label values are not looked at."""
    bare = QUOTED.sub('""', expr)
    return {HISTOGRAM_SERIES.sub("", name) for name in METRIC.findall(bare)}


def dashboard_metrics() -> dict[str, set[str]]:
    """Metric -> the dashboards that show it."""
    shown: dict[str, set[str]] = {}
    for name, dashboard in dashboards().items():
        for expr in exprs(dashboard):
            for metric in metric_names(expr):
                shown.setdefault(metric, set()).add(name)
    return shown


# --- the dashboards -----------------------------------------------------------------------------


def test_the_json_files_are_what_the_generator_writes() -> None:
    """generate.py is the one source: an edit of a JSON file by hand (or a forgotten
    regeneration) shows here. Fix: `.venv/bin/python deploy/monitoring/grafana/generate.py`."""
    source = generator()
    made = source.dashboards()
    assert set(made) == {path.name for path in DASHBOARDS.glob("*.json")} == EXPECTED
    for name, dashboard in made.items():
        assert (DASHBOARDS / name).read_text(encoding="utf-8") == source.render(dashboard), name


def test_every_dashboard_opens_with_a_uid_and_title_of_its_own() -> None:
    found = dashboards()
    assert set(found) == EXPECTED
    uids = Counter(d["uid"] for d in found.values())
    titles = Counter(d["title"] for d in found.values())
    assert max(uids.values()) == 1 and max(titles.values()) == 1, (uids, titles)
    for name, dashboard in found.items():
        assert f"{dashboard['uid']}.json" == name
        assert isinstance(dashboard["schemaVersion"], int) and dashboard["schemaVersion"] >= 36
        (variable,) = dashboard["templating"]["list"]
        assert (variable["name"], variable["type"], variable["query"]) == ("datasource", "datasource", "prometheus")
        ids = [p["id"] for p in dashboard["panels"]] + [
            p["id"] for r in dashboard["panels"] for p in r.get("panels", [])
        ]
        assert len(ids) == len(set(ids)), name


def test_every_panel_has_a_query_on_the_chosen_prometheus() -> None:
    for name, dashboard in dashboards().items():
        for panel in panels(dashboard):
            where = f"{name}: {panel['title']}"
            assert panel["targets"], where
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, where
            for target in panel["targets"]:
                assert target["expr"].strip(), where
                assert metric_names(target["expr"]), f"{where}: {target['expr']}"
                assert target["expr"].count("(") == target["expr"].count(")"), f"{where}: {target['expr']}"
                assert target["expr"].count("{") == target["expr"].count("}"), f"{where}: {target['expr']}"


def test_rates_are_taken_of_counters_only() -> None:
    """rate() of a gauge (the outbox lag, a queue's depth) draws nonsense without an error."""
    for name, dashboard in dashboards().items():
        for expr in exprs(dashboard):
            for metric in RATED.findall(expr):
                assert metric.endswith(("_total", "_bucket")), f"{name}: {expr}"


def test_a_services_dashboard_shows_that_service_only() -> None:
    for svc in (*SERVICES, "gateway"):
        for expr in exprs(dashboards()[f"lka-{svc}.json"]):
            assert re.findall(r'\bservice="([^"]*)"', expr) == [svc], expr


def test_the_overview_shows_the_portal_at_a_glance() -> None:
    shown = {metric for expr in exprs(dashboards()["lka-overview.json"]) for metric in metric_names(expr)}
    assert {
        "lka_http_requests_total",
        "lka_http_request_duration_seconds",
        "lka_outbox_lag_seconds",
        "lka_dead_letter_queue_messages",
        "lka_ready",
        "up",
        "lka_readings_submitted_total",
        "lka_readings_verdicts_total",
        "lka_payments_created_total",
        "lka_payments_finished_total",
        "lka_letters_total",
        "lka_link_attempts_total",
        "lka_link_requests_total",
    } <= shown


# Where the processes' own metrics are defined: any module of the portal that constructs one.
SOURCES = (ROOT / "libs" / "common" / "src", *sorted((ROOT / "services").glob("*/src")), ROOT / "gateway" / "src")
DEFINES_METRIC = re.compile(r"\b(?:Counter|Gauge|Histogram|Summary)\(\s*\"lka_")
# The labels Prometheus adds: the target's.
TARGET_LABELS = {"job", "service", "instance", "le"}
GROUPED = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
LEGEND_LABEL = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def own_labels() -> dict[str, set[str]]:
    """Metric, as scraped -> the labels its definition declares."""
    modules = [
        ".".join(path.relative_to(source).with_suffix("").parts)
        for source in SOURCES
        for path in sorted(source.rglob("*.py"))
        if DEFINES_METRIC.search(path.read_text(encoding="utf-8"))
    ]
    assert len(modules) >= 5, modules
    found: dict[str, set[str]] = {}
    for module in modules:
        for value in vars(importlib.import_module(module)).values():
            if isinstance(value, MetricWrapperBase):
                name = value._name + ("_total" if value._type == "counter" else "")
                found[name] = {f"exported_{label}" if label in TARGET_LABELS else label for label in value._labelnames}
    return found


def test_panels_group_and_name_series_by_labels_their_metrics_have() -> None:
    """`sum by (brand)` of a metric without `brand` draws one nameless line, silently."""
    labels = own_labels()
    for name, dashboard in dashboards().items():
        for panel in panels(dashboard):
            for target in panel["targets"]:
                expr = target["expr"]
                have = TARGET_LABELS.union(*(labels.get(metric, set()) for metric in metric_names(expr)))
                used = {label.strip() for group in GROUPED.findall(expr) for label in group.split(",")}
                used |= set(LEGEND_LABEL.findall(target["legendFormat"]))
                assert used <= have, f"{name}: {panel['title']}: {sorted(used - have)} in {expr}"


def test_metric_names_are_read_as_prometheus_reads_them() -> None:
    p95 = 'histogram_quantile(0.95, sum by (le) (rate(lka_http_request_duration_seconds_bucket{route!~"/up"}[5m])))'
    assert metric_names(p95) == {"lka_http_request_duration_seconds"}
    assert metric_names("min by (service, job) (up)") == {"up"}
    assert metric_names('sum(rate(process_cpu_seconds_total{service="lka_x"}[1m]))') == {"process_cpu_seconds_total"}


# --- Prometheus and Grafana in compose ----------------------------------------------------------


def scrape_targets() -> dict[str, dict[str, str]]:
    """`host:port` -> the labels Prometheus gives that target (job and the static ones)."""
    config = yaml.safe_load(PROMETHEUS.read_text(encoding="utf-8"))
    targets: dict[str, dict[str, str]] = {}
    for job in config["scrape_configs"]:
        assert job.get("metrics_path", "/metrics") == "/metrics", job["job_name"]
        for group in job["static_configs"]:
            for target in group["targets"]:
                assert target not in targets, target
                targets[target] = {"job": job["job_name"], **group.get("labels", {})}
    return targets


def compose_processes() -> dict[str, dict[str, str]]:
    """Every process of docker-compose.yml that serves /metrics, as Prometheus should find it."""
    expected: dict[str, dict[str, str]] = {}
    for name, service in COMPOSE["services"].items():
        command = service.get("command") or []
        module = command[2] if command[:2] == ["python", "-m"] else ""
        if match := ENTRYPOINT.match(module):
            (port,) = PROBE_PORT.findall(" ".join(service["healthcheck"]["test"]))
            expected[f"{name}:{port}"] = {"job": match[2], "service": match[1]}
    gateway_port = COMPOSE["services"]["gateway"]["labels"]["prometheus.io/port"]
    expected[f"gateway:{gateway_port}"] = {"job": "gateway", "service": "gateway"}
    return expected


def test_prometheus_scrapes_every_process_under_its_job_and_service() -> None:
    expected = compose_processes()
    assert len(expected) == 3 * len(SERVICES) + 1
    assert scrape_targets() == expected


def test_compose_prometheus_loads_this_config_and_the_alert_rules() -> None:
    prometheus = COMPOSE["services"]["prometheus"]
    mounts = dict(m.removesuffix(":ro").split(":") for m in prometheus["volumes"] if m.startswith("./"))
    assert mounts["./deploy/monitoring/prometheus/prometheus.yml"] == "/etc/prometheus/prometheus.yml"
    rules_dir = mounts["./deploy/monitoring/prometheus/rules"]
    (pattern,) = yaml.safe_load(PROMETHEUS.read_text(encoding="utf-8"))["rule_files"]
    directory, _, glob = pattern.rpartition("/")
    assert directory == rules_dir
    assert list((MONITORING / "prometheus" / "rules").glob(glob)), f"no rule file matches {glob}"


def test_compose_grafana_is_provisioned_with_prometheus_and_the_dashboards() -> None:
    grafana = COMPOSE["services"]["grafana"]
    mounts = dict(m.removesuffix(":ro").split(":") for m in grafana["volumes"] if m.startswith("./"))
    assert mounts["./deploy/monitoring/grafana/provisioning"] == "/etc/grafana/provisioning"
    (source,) = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text(encoding="utf-8"))[
        "datasources"
    ]
    assert source["type"] == "prometheus" and source["isDefault"] is True
    assert source["url"] == "http://prometheus:9090" and "prometheus" in COMPOSE["services"]
    (provider,) = yaml.safe_load((PROVISIONING / "dashboards" / "lka.yml").read_text(encoding="utf-8"))["providers"]
    assert provider["options"]["path"] == mounts["./deploy/monitoring/grafana/dashboards"]
    assert provider["allowUiUpdates"] is False
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{provider['options']['path']}/lka-overview.json"


# --- what a running stack exports ---------------------------------------------------------------


@pytest.mark.slow
async def test_every_metric_on_a_dashboard_is_exported_by_a_process(stack: Stack) -> None:
    """Every process Prometheus scrapes (its port in prometheus.yml, moved by the stack's offset)
    answers /metrics; prometheus_client lists a metric's TYPE as soon as it is defined, samples
    or not, so a name on a dashboard that no process lists is a panel that stays empty."""
    exported: dict[str, str] = {}
    async with httpx.AsyncClient(timeout=10) as client:
        for target in scrape_targets():
            port = int(target.rpartition(":")[2])
            response = await client.get(f"{stack.url(port)}/metrics")
            assert response.status_code == 200, target
            exported.update(TYPE_LINE.findall(response.text))
    exported["up"] = "gauge"  # Prometheus's own, per target
    shown = dashboard_metrics()
    missing = {metric: sorted(where) for metric, where in shown.items() if metric not in exported}
    assert not missing, f"shown but exported by no process: {missing}"
    histograms = {
        metric
        for dashboard in dashboards().values()
        for expr in exprs(dashboard)
        for metric in re.findall(r"\b(\w+)_bucket\b", QUOTED.sub('""', expr))
    }
    assert {metric: exported[metric] for metric in histograms} == dict.fromkeys(histograms, "histogram")


@pytest.mark.slow
async def test_routes_named_on_a_dashboard_are_routes_of_its_service(stack: Stack) -> None:
    """A panel of one route (identity's sign-ins) reads `route`, the template the service
    counts under: it must be a path of that service's OpenAPI, or the panel stays empty."""
    apis = {labels["service"]: target for target, labels in scrape_targets().items() if labels["job"] == "api"}
    async with httpx.AsyncClient(timeout=10) as client:
        for svc in SERVICES:
            named = {
                r for expr in exprs(dashboards()[f"lka-{svc}.json"]) for r in re.findall(r'\broute="([^"]+)"', expr)
            }
            if not named:
                continue
            port = int(apis[svc].rpartition(":")[2])
            paths = (await client.get(f"{stack.url(port)}/openapi.json")).json()["paths"]
            assert named <= set(paths), (svc, named - set(paths))
