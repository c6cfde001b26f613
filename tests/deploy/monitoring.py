"""The monitoring files in docs/monitoring/ as data: alert rules, dashboard queries, and the
metric names they use (for the test that checks each one is in a real scrape)."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from tests.deploy.helpers import ROOT

MONITORING = ROOT / "docs" / "monitoring"
ALERTS_FILE = MONITORING / "alerts.yml"
ALERT_TESTS_FILE = MONITORING / "alerts.test.yml"
DASHBOARD_FILE = MONITORING / "grafana-dashboard.json"

# Grafana's variables in dashboard queries, and what stands in for them when a query is parsed.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}

_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_METRIC_NAME = re.compile(r"(?<![A-Za-z0-9_:])(?:aetherflow|process)_[A-Za-z0-9_]+")
_HISTOGRAM_SUFFIX = re.compile(r"_(?:bucket|sum|count)$")


def metric_names_in(expr: str) -> set[str]:
    """The aetherflow_* and process_* metrics a PromQL expression reads.

    String literals (label values, regexes) are ignored. Names are as exposed, counters with
    their `_total`, except that a histogram's `_bucket`, `_sum` and `_count` series name the
    histogram itself (`aetherflow_http_request_duration_seconds`).
    """
    without_strings = _STRING_LITERAL.sub('""', expr)
    return {_HISTOGRAM_SUFFIX.sub("", name) for name in _METRIC_NAME.findall(without_strings)}


def load_alerts() -> dict[str, Any]:
    document: object = yaml.safe_load(ALERTS_FILE.read_text(encoding="utf-8"))
    assert isinstance(document, dict), "alerts.yml must hold a mapping"
    return document


def alert_rules() -> list[dict[str, Any]]:
    """Every rule of every group in alerts.yml (alerting and recording rules)."""
    return [rule for group in load_alerts()["groups"] for rule in group["rules"]]


def load_dashboard() -> dict[str, Any]:
    document: object = json.loads(DASHBOARD_FILE.read_text(encoding="utf-8"))
    assert isinstance(document, dict), "the dashboard must be a JSON object"
    return document


def dashboard_panels() -> list[dict[str, Any]]:
    """The dashboard's panels, those nested in collapsed rows included."""
    panels: list[dict[str, Any]] = []
    for panel in load_dashboard()["panels"]:
        panels.append(panel)
        panels.extend(panel.get("panels", []))
    return panels


def dashboard_exprs() -> list[str]:
    """Every query of the dashboard, as written (with Grafana's variables)."""
    return [
        target["expr"]
        for panel in dashboard_panels()
        for target in panel.get("targets", [])
        if "expr" in target
    ]


def as_promql(expr: str) -> str:
    """A dashboard query with Grafana's variables replaced, so that PromQL tools parse it."""
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def all_monitored_metric_names() -> set[str]:
    """The metrics named by the alert rules and the dashboard (see `metric_names_in`)."""
    exprs = [str(rule["expr"]) for rule in alert_rules()] + dashboard_exprs()
    return set().union(*(metric_names_in(expr) for expr in exprs))
