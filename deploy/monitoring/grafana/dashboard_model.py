"""The dashboards as data (Query, Panel, Row, Dashboard, each to Grafana's JSON) and the PromQL helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


# Value mappings of a stat panel: (value, text, colour).
UP = (("1", "up", "green"), ("0", "down", "red"))
READY = (("1", "ready", "green"), ("0", "not ready", "red"))


def series(metric: str, selector: str) -> str:
    return f"{metric}{{{selector}}}" if selector else metric


def by(labels: str, metric: str, selector: str, window: str = RATE, fn: str = "rate") -> str:
    return f"sum by ({labels}) ({fn}({series(metric, selector)}[{window}]))"


def p95(labels: str, metric: str, selector: str) -> str:
    buckets = series(f"{metric}_bucket", selector)
    return f"histogram_quantile(0.95, sum by (le, {labels}) (rate({buckets}[{RATE}])))"


def figures(title: str, metric: str, labels: str, legend: str, selector: str = "", width: int = 8) -> Panel:
    """A business counter's total over the dashboard's period, one bar per label value."""
    return Panel(
        title, (Query(by(labels, metric, selector, PERIOD, "increase"), legend),), kind="bargauge", width=width
    )


def trend(title: str, metric: str, labels: str, legend: str, selector: str = "", width: int = 8) -> Panel:
    """The same counter per hour, over time."""
    return Panel(title, (Query(by(labels, metric, selector, "1h", "increase"), legend),), width=width)
