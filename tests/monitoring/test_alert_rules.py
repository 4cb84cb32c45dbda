"""The alerts as code (deploy/monitoring/prometheus/rules/lka.rules.yml): promtool finds them
valid and their unit tests pass; every alert has a case where it fires and one where it stays
silent, a severity, a summary, a description and a runbook section in docs/operations.md; every
metric they read is one the processes export and the docs list; and Kubernetes gets the same
groups as a PrometheusRule.

promtool is Debian's `prometheus` package (`make prometheus`). After changing the rules,
regenerate the PrometheusRule and review its diff:

    .venv/bin/python tests/monitoring/test_alert_rules.py
"""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "monitoring" / "prometheus"
RULES = PROMETHEUS / "rules" / "lka.rules.yml"
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.yml"))
PROMETHEUS_RULE = ROOT / "deploy" / "k8s" / "optional" / "monitoring" / "prometheus-rule.yaml"
OPERATIONS = ROOT / "docs" / "operations.md"
RUNBOOK_BASE = "https://git.example.invalid/lka/lka/-/blob/main/docs/operations.md#"
SEVERITIES = {"critical", "warning"}
# The modules that define the processes' own metrics (docs/operations.md, "Metrics").
METRIC_MODULES = (
    "lka_common.metrics",
    "lka_accounts.adapters.metrics",
    "lka_readings.adapters.metrics",
    "lka_payments.adapters.metrics",
    "lka_notifications.adapters.metrics",
    "lka_gateway.authentication",
    "lka_gateway.failures",
    "lka_gateway.limits",
)
METRIC = re.compile(r"\blka_\w+")
HISTOGRAM_SERIES = re.compile(r"_(?:bucket|sum|count)$")
HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool is not installed: `make prometheus` (Debian's prometheus package)")
    return found


def run_promtool(*args: str) -> None:
    done = subprocess.run([promtool(), *args], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, f"promtool {' '.join(args)}:\n{done.stdout}\n{done.stderr}"


def rule_groups() -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return groups


def alerts() -> list[dict[str, Any]]:
    return [rule for group in rule_groups() for rule in group["rules"] if "alert" in rule]


def anchor(heading: str) -> str:
    """The anchor GitHub and GitLab give a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_promtool_finds_the_rules_valid() -> None:
    run_promtool("check", "rules", str(RULES))


def test_the_rules_unit_tests_pass() -> None:
    assert RULE_TESTS, "no promtool tests in deploy/monitoring/prometheus/tests"
    run_promtool("test", "rules", *map(str, RULE_TESTS))


def test_every_alert_has_a_firing_and_a_silent_case() -> None:
    firing: set[str] = set()
    silent: set[str] = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check.get("exp_alerts") else silent).add(check["alertname"])
    names = {rule["alert"] for rule in alerts()}
    assert names - firing == set(), "alerts never seen firing in a promtool test"
    assert names - silent == set(), "alerts never seen silent in a promtool test"
    assert (firing | silent) - names == set(), "promtool tests of alerts that do not exist"


def test_every_alert_says_how_bad_what_and_where_its_runbook_is() -> None:
    names = [rule["alert"] for rule in alerts()]
    assert len(names) == len(set(names)), "an alert name used twice"
    anchors = {anchor(heading) for heading in HEADING.findall(OPERATIONS.read_text(encoding="utf-8"))}
    for rule in alerts():
        name, annotations = rule["alert"], rule.get("annotations", {})
        assert rule.get("labels", {}).get("severity") in SEVERITIES, name
        assert annotations.get("summary") and annotations.get("description"), name
        url = annotations.get("runbook_url", "")
        assert url == RUNBOOK_BASE + anchor(name), f"{name}: runbook_url {url!r}"
        assert anchor(name) in anchors, f"{name}: no section `### {name}` in docs/operations.md"


def exported_metrics() -> set[str]:
    """Every `lka_*` metric the processes define, by the name it is scraped under."""
    for module in METRIC_MODULES:
        importlib.import_module(module)
    names = set()
    for family in REGISTRY.collect():
        if family.name.startswith("lka_"):
            names.add(family.name + "_total" if family.type == "counter" else family.name)
    return names


def test_alerts_read_only_exported_metrics_and_the_docs_list_every_metric() -> None:
    exported = exported_metrics()
    for rule in alerts():
        for name in METRIC.findall(rule["expr"]):
            assert name in exported or HISTOGRAM_SERIES.sub("", name) in exported, f"{rule['alert']}: {name}"
    documented = OPERATIONS.read_text(encoding="utf-8").split("\n## Metrics\n", 1)[1]
    missing = sorted(name for name in exported if f"`{name}`" not in documented)
    assert not missing, f"metrics missing from docs/operations.md, section Metrics: {missing}"


def prometheus_rule() -> dict[str, Any]:
    """The PrometheusRule Kubernetes gets: this file's groups, nothing else."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "lka", "labels": {"app.kubernetes.io/part-of": "lka"}},
        "spec": {"groups": rule_groups()},
    }


GENERATED_HEADER = (
    "# GENERATED from deploy/monitoring/prometheus/rules/lka.rules.yml, never edited by hand: after a change\n"
    "# there, run `.venv/bin/python tests/monitoring/test_alert_rules.py` (kustomize cannot embed a file\n"
    "# in an object's spec; tests/monitoring/test_alert_rules.py keeps the two equal).\n"
)


class _Literal(yaml.SafeDumper):
    """Multi-line expressions as `|` blocks, as in the rules file."""


_Literal.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None),
)


def rendered_prometheus_rule() -> str:
    body = yaml.dump(prometheus_rule(), Dumper=_Literal, sort_keys=False, allow_unicode=True, width=200)
    return GENERATED_HEADER + body


def test_kubernetes_gets_the_same_rules() -> None:
    assert yaml.safe_load(PROMETHEUS_RULE.read_text(encoding="utf-8")) == prometheus_rule()
    assert PROMETHEUS_RULE.read_text(encoding="utf-8") == rendered_prometheus_rule(), (
        "regenerate it: .venv/bin/python tests/monitoring/test_alert_rules.py"
    )


if __name__ == "__main__":
    PROMETHEUS_RULE.write_text(rendered_prometheus_rule(), encoding="utf-8")
    print(f"wrote {PROMETHEUS_RULE.relative_to(ROOT)}")
