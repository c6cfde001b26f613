"""docs/monitoring/: the alert rules pass `promtool check rules` and their unit tests, each names a
real section of docs/RUNBOOK.md and every symptom section is named by one; the Grafana
dashboard is importable, has the panels the runbook refers to, and every query parses."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.core.config import Settings
from app.main import create_app
from tests.deploy.helpers import ROOT
from tests.deploy.monitoring import (
    ALERT_TESTS_FILE,
    ALERTS_FILE,
    alert_rules,
    all_monitored_metric_names,
    as_promql,
    dashboard_exprs,
    dashboard_panels,
    load_dashboard,
    metric_names_in,
)

RUNBOOK = ROOT / "docs" / "RUNBOOK.md"
RUNBOOK_LINK = "docs/RUNBOOK.md#"
SEVERITIES = frozenset({"page", "ticket"})
# `##` sections of the runbook that are not symptoms an alert can see: the reference section,
# a tenant's complaint, a security procedure and the after-incident procedure.
NOT_SYMPTOMS = frozenset(
    {
        "Signals",
        "Rate-limit complaints",
        "A leaked API key",
        "A leaked session token or signing key",
        "Restoring after an incident",
    }
)
# The block every symptom section opens with.
SUMMARY_ITEMS = ("Metric", "Alert", "Log line", "Action")
# Alerts whose behaviour alerts.test.yml must pin down.
UNIT_TESTED_ALERTS = frozenset(
    {
        "AetherflowNoWorker",
        "AetherflowWorkerNotSweeping",
        "AetherflowOutboxStuck",
        "AetherflowDeliveriesDying",
        "AetherflowHigh5xxRate",
    }
)
REQUIRED_PANELS = frozenset(
    {
        "Request rate by route group",
        "Errors (5xx ratio) by route group",
        "Latency p99 by route group",
        "429s by rate-limit group",
        "Fail-open, overload and enqueue failures",
        "Outbox backlog",
        "Outbox oldest age",
        "Webhook deliveries by outcome",
        "Dead letters",
        "Automation runs by state",
        "Worker liveness: seconds since last sweep",
        "Processes by role",
    }
)
ROUTE_GROUP_PANELS = (
    "Request rate by route group",
    "Errors (5xx ratio) by route group",
    "Latency p99 by route group",
)
ROUTE_GROUPS = frozenset(
    {
        "reports",
        "automation-runs",
        "webhook-endpoints",
        "deliveries",
        "graphql",
        "callbacks",
        "health",
        "sessions",
    }
)
GRID_COLUMNS = 24
_ROUTE_MATCHER = re.compile(r'route\s*(=~|!~|=|!=)\s*"((?:[^"\\]|\\.)*)"')


# --- helpers -------------------------------------------------------------------------------


def promtool() -> str:
    """promtool beside the interpreter (`make promtool` puts it in .venv/bin), else on PATH."""
    beside = Path(sys.executable).parent / "promtool"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("promtool")
    if found is None:
        pytest.fail(
            "promtool not found beside the Python interpreter or on PATH: `make promtool` puts "
            "it in .venv/bin (from Debian's prometheus package)"
        )
    return found


def run_promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *args], capture_output=True, text=True, timeout=120, check=False
    )


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def headings(markdown: str) -> Iterator[tuple[int, str]]:
    """(level, text) of every ATX heading outside fenced code blocks."""
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced and (match := re.match(r"(#{1,6}) +(.+?) *#* *$", line)):
            yield len(match.group(1)), match.group(2)


def anchors(markdown: str) -> set[str]:
    """Every heading anchor, with GitHub's -1, -2 ... for repeated headings."""
    seen: dict[str, int] = {}
    found = set()
    for _, text in headings(markdown):
        anchor = github_anchor(text)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        found.add(anchor if count == 0 else f"{anchor}-{count}")
    return found


def runbook_sections() -> dict[str, str]:
    """Each `##` section of the runbook: heading text → its body, down to the next `##`."""
    sections: dict[str, str] = {}
    current: str | None = None
    fenced = False
    for line in RUNBOOK.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            current = line[3:].strip()
            sections[current] = ""
            continue
        if current is not None:
            sections[current] += line + "\n"
    return sections


def summary_items(body: str) -> dict[str, str]:
    """The `- **Name:** text` items of a section (text across its continuation lines)."""
    items: dict[str, str] = {}
    name: str | None = None
    for line in body.splitlines():
        if match := re.match(r"- \*\*([^*]+):\*\* ?(.*)", line):
            name = match.group(1)
            items[name] = match.group(2)
        elif name is not None and line.startswith("  ") and line.strip():
            items[name] += " " + line.strip()
        else:
            name = None
    return items


def rule_names_in(text: str) -> set[str]:
    return set(re.findall(r"`(Aetherflow[A-Za-z0-9]+)`", text))


def alerting_rules() -> list[dict[str, Any]]:
    return [rule for rule in alert_rules() if "alert" in rule]


def rules_by_section() -> dict[str, set[str]]:
    """Runbook anchor → the alerts whose runbook annotation points to it."""
    named: dict[str, set[str]] = {}
    for rule in alerting_rules():
        anchor = str(rule["annotations"]["runbook"]).removeprefix(RUNBOOK_LINK)
        named.setdefault(anchor, set()).add(rule["alert"])
    return named


def symptom_sections() -> dict[str, str]:
    return {
        heading: body for heading, body in runbook_sections().items() if heading not in NOT_SYMPTOMS
    }


def api_route_templates() -> set[str]:
    """Every route template the API labels requests with, and the label of unmatched ones."""
    paths = create_app(Settings(_env_file=None)).openapi()["paths"]
    return set(paths) | {"unmatched"}


def panel(title: str) -> dict[str, Any]:
    matches = [item for item in dashboard_panels() if item.get("title") == title]
    assert len(matches) == 1, f"expected one panel titled {title!r}"
    return matches[0]


# --- alert rules ---------------------------------------------------------------------------


def test_promtool_checks_the_alert_rules() -> None:
    result = run_promtool("check", "rules", str(ALERTS_FILE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alert_rules_pass_their_unit_tests() -> None:
    # promtool reads the rule files relative to the test file.
    result = run_promtool("test", "rules", str(ALERT_TESTS_FILE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_important_alerts_are_unit_tested() -> None:
    document = yaml.safe_load(ALERT_TESTS_FILE.read_text(encoding="utf-8"))
    fired = {
        case["alertname"]
        for test in document["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert fired >= UNIT_TESTED_ALERTS, UNIT_TESTED_ALERTS - fired
    assert {rule["alert"] for rule in alerting_rules()} >= UNIT_TESTED_ALERTS


def test_every_rule_has_a_severity_a_summary_and_a_runbook_link() -> None:
    rules = alerting_rules()
    assert rules
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)), "alert names must be unique"
    for rule in rules:
        name = rule["alert"]
        assert re.fullmatch(r"Aetherflow[A-Z][A-Za-z0-9]+", name), name
        assert rule["labels"]["severity"] in SEVERITIES, name
        annotations = rule["annotations"]
        assert str(annotations["summary"]).strip(), name
        assert str(annotations["runbook"]).startswith(RUNBOOK_LINK), name


def test_every_runbook_link_names_a_heading_of_the_runbook() -> None:
    existing = anchors(RUNBOOK.read_text(encoding="utf-8"))
    for rule in alerting_rules():
        anchor = str(rule["annotations"]["runbook"]).removeprefix(RUNBOOK_LINK)
        assert anchor in existing, f"{rule['alert']}: no heading of RUNBOOK.md has #{anchor}"


def test_every_symptom_section_is_named_by_a_rule() -> None:
    named = rules_by_section()
    sections = symptom_sections()
    assert len(sections) >= 10
    missing = [heading for heading in sections if github_anchor(heading) not in named]
    assert not missing, f"runbook sections no alert rule points to: {missing}"


def test_the_sections_left_without_a_rule_exist() -> None:
    assert set(runbook_sections()) >= NOT_SYMPTOMS


def test_every_symptom_section_opens_with_metric_alert_log_line_and_action() -> None:
    named = rules_by_section()
    known = {rule["alert"] for rule in alerting_rules()}
    for heading, body in symptom_sections().items():
        items = summary_items(body)
        assert tuple(name for name in items if name in SUMMARY_ITEMS) == SUMMARY_ITEMS, heading
        # Markdown code spans, not PromQL raw strings.
        metrics = metric_names_in(items["Metric"].replace("`", " "))
        assert metrics, f"{heading}: the Metric line names no metric"
        listed = rule_names_in(items["Alert"])
        assert listed <= known, f"{heading}: unknown rules {listed - known}"
        pointing = named.get(github_anchor(heading), set())
        assert pointing <= listed, f"{heading}: the Alert line misses {pointing - listed}"
        assert "`" in items["Log line"], f"{heading}: the Log line quotes no log message"
        assert items["Action"].strip(), heading


def test_the_anchors_follow_github() -> None:
    assert github_anchor("Runs stuck `running` (or `queued`)") == "runs-stuck-running-or-queued"
    assert github_anchor("Overloaded (503 `overloaded`)") == "overloaded-503-overloaded"
    assert github_anchor("5xx or latency spike") == "5xx-or-latency-spike"
    assert anchors("## A\n```sh\n# not a heading\n```\n## A\n") == {"a", "a-1"}


# --- the dashboard -------------------------------------------------------------------------


def test_the_dashboard_is_an_importable_grafana_dashboard() -> None:
    dashboard = load_dashboard()
    assert isinstance(dashboard["title"], str)
    assert dashboard["title"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,40}", dashboard["uid"])
    assert isinstance(dashboard["schemaVersion"], int)
    assert dashboard.get("id") is None, "an exported dashboard carries no database id"
    # Import asks for the Prometheus data source; the variable lets users switch it later.
    inputs = [item for item in dashboard["__inputs"] if item["type"] == "datasource"]
    assert [item["pluginId"] for item in inputs] == ["prometheus"]
    variables = [item for item in dashboard["templating"]["list"] if item["type"] == "datasource"]
    assert len(variables) == 1
    assert variables[0]["query"] == "prometheus"
    assert variables[0]["current"]["value"] == "${" + inputs[0]["name"] + "}"
    chosen = {"type": "prometheus", "uid": "${" + variables[0]["name"] + "}"}

    panels = dashboard_panels()
    assert panels
    ids = [item["id"] for item in panels]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    cells: set[tuple[int, int]] = set()
    for item in panels:
        title = item["title"]
        assert isinstance(item["type"], str)
        assert isinstance(title, str)
        assert title
        grid = item["gridPos"]
        assert all(isinstance(grid[key], int) for key in ("h", "w", "x", "y")), title
        assert grid["x"] >= 0, title
        assert grid["w"] > 0, title
        assert grid["x"] + grid["w"] <= GRID_COLUMNS, title
        area = {
            (row, column)
            for row in range(grid["y"], grid["y"] + grid["h"])
            for column in range(grid["x"], grid["x"] + grid["w"])
        }
        assert not area & cells, f"{title} overlaps another panel"
        cells |= area
        assert item["datasource"] == chosen, title
        targets = item["targets"]
        assert targets, f"{title} has no query"
        assert len({target["refId"] for target in targets}) == len(targets), title
        for target in targets:
            assert isinstance(target["expr"], str), title
            assert target["expr"].strip(), title
            assert target["datasource"] == chosen, title


def test_the_dashboard_has_the_panels_the_runbook_refers_to() -> None:
    titles = {item["title"] for item in dashboard_panels()}
    assert titles >= REQUIRED_PANELS, REQUIRED_PANELS - titles
    for title in ROUTE_GROUP_PANELS:
        legends = {target.get("legendFormat") for target in panel(title)["targets"]}
        assert legends >= ROUTE_GROUPS, (title, ROUTE_GROUPS - legends)
    for quoted in re.findall(r'Grafana: "([^"]+)"', RUNBOOK.read_text(encoding="utf-8")):
        assert quoted in titles, f"RUNBOOK.md names a panel that does not exist: {quoted}"


def test_every_dashboard_query_parses(tmp_path: Path) -> None:
    # promtool parses PromQL when it checks rules: each query becomes a recording rule.
    rules = [
        {"record": f"dashboard:query_{index}", "expr": as_promql(expr)}
        for index, expr in enumerate(dashboard_exprs())
    ]
    assert rules
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = run_promtool("check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_route_falls_in_one_route_group() -> None:
    routes = api_route_templates()
    groups: dict[str, list[tuple[str, str]]] = {}
    for target in panel("Request rate by route group")["targets"]:
        groups[target["legendFormat"]] = _ROUTE_MATCHER.findall(target["expr"])
    for route in routes - {"unmatched"}:
        hits = [
            name
            for name, matchers in groups.items()
            if all(_route_matches(operator, regex, route) for operator, regex in matchers)
        ]
        assert len(hits) == 1, (route, hits)
        assert hits != ["other"], route


def test_every_route_matcher_matches_a_real_route() -> None:
    routes = api_route_templates()
    exprs = [str(rule["expr"]) for rule in alert_rules()] + dashboard_exprs()
    for expr in exprs:
        for operator, value in _ROUTE_MATCHER.findall(expr):
            if operator in ("=~", "!~"):
                alternatives = _top_level_alternatives(value)
                for alternative in alternatives:
                    assert any(re.fullmatch(alternative, route) for route in routes), (
                        f"route matcher {value!r}: {alternative!r} matches no route"
                    )
            else:
                assert value in routes, f"no route {value!r}"


def _route_matches(operator: str, regex: str, route: str) -> bool:
    matched = re.fullmatch(regex, route) is not None
    return matched if operator == "=~" else not matched


def _top_level_alternatives(regex: str) -> list[str]:
    """`a|b(c|d)` → [`a`, `b(c|d)`]."""
    parts, depth, current = [], 0, ""
    for char in regex:
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    return [*parts, current]


# --- the metric names the other tests use --------------------------------------------------


def test_metric_names_are_read_from_the_queries() -> None:
    histogram = (
        "histogram_quantile(0.99, sum by (le) "
        '(rate(aetherflow_http_request_duration_seconds_bucket{route=~"/process_x"}[5m])))'
    )
    assert metric_names_in(histogram) == {"aetherflow_http_request_duration_seconds"}
    assert metric_names_in(
        "time() - max by (instance) (aetherflow_worker_last_sweep_timestamp_seconds) > 120 "
        'or absent(process_resident_memory_bytes{role="worker"})'
    ) == {"aetherflow_worker_last_sweep_timestamp_seconds", "process_resident_memory_bytes"}
    assert metric_names_in("sum(rate(aetherflow_redis_fail_open_total[$__rate_interval]))") == {
        "aetherflow_redis_fail_open_total"
    }


def test_the_monitored_metrics_are_listed_in_the_runbook_signals() -> None:
    names = all_monitored_metric_names()
    assert {
        "aetherflow_http_requests_total",
        "aetherflow_http_request_duration_seconds",
        "aetherflow_outbox_oldest_age_seconds",
        "aetherflow_webhook_deliveries_total",
        "aetherflow_processes",
        "aetherflow_worker_last_sweep_timestamp_seconds",
        "process_resident_memory_bytes",
    } <= names
    signals = runbook_sections()["Signals"]
    undocumented = {name for name in names if f"`{name}" not in signals}
    assert not undocumented, f"metrics missing from RUNBOOK.md, Signals: {undocumented}"
