"""Scenario `schemathesis`: Schemathesis, every check, over docs/openapi.yaml against a live API.

A private stack with one API process (`python -m app.cli api`), the seeded tenant and its
full-scope key. The Schemathesis CLI runs `--checks all` with MAX_EXAMPLES cases per operation
in every phase (examples, coverage, fuzzing, stateful), `{tenantId}` set to the tenant and the
key sent as `Authorization` (the checks that test authentication remove or replace it). The
seed is fixed, so a run can be repeated case for case (`st replay <id>` needs the same API).

Failures are read from the CLI's JSON report and grouped by failure code, each code belonging
to one check. Bounds: no 5xx (ST101, ST102) and no conformance violation of the responses:
status code, content type, headers, body schema (ST103 to ST111), and the run itself completed
without engine errors. The other checks' failures are reported with their reproductions but are
not bounds (docs/TESTING.md says which cannot apply to this API and why).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.chaos.report import Summary
from tests.chaos.stack import Stack, running_stack

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
MAX_EXAMPLES = 100
SEED = 1
TIMEOUT_SECONDS = 480.0
REPRODUCTION_CHARS = 600

# Failure code -> the check that raises it.
CHECKS = {
    "ST101": "not_a_server_error",
    "ST102": "not_a_server_error",
    "ST103": "status_code_conformance",
    "ST104": "content_type_conformance",
    "ST105": "content_type_conformance",
    "ST106": "content_type_conformance",
    "ST107": "response_headers_conformance",
    "ST108": "response_schema_conformance",
    "ST109": "response_schema_conformance",
    "ST110": "response_schema_conformance",
    "ST111": "response_schema_conformance",
    "ST112": "max_response_time",
    "ST201": "negative_data_rejection",
    "ST202": "positive_data_acceptance",
    "ST203": "missing_required_header",
    "ST204": "unsupported_method",
    "ST205": "allow_header_conformance",
    "ST301": "use_after_free",
    "ST302": "ensure_resource_availability",
    "ST401": "ignored_auth",
    "ST402": "object_level_authorization",
}
SERVER_ERRORS = {"ST101", "ST102"}
CONFORMANCE = {"ST103", "ST104", "ST105", "ST106", "ST107", "ST108", "ST109", "ST110", "ST111"}
# Checks whose premise this API does not meet (docs/TESTING.md, "Schemathesis"): reported only.
INAPPLICABLE = {"ST202", "ST402"}


async def run(summary: Summary) -> None:
    async with running_stack("schemathesis") as stack:
        try:
            await scenario(summary, stack)
        except Exception:
            summary.line("process output at the failure:\n" + stack.logs_of_failure())
            raise
        if summary.failed:
            summary.line("process warnings and errors:\n" + stack.logs_of_failure())


async def scenario(summary: Summary, stack: Stack) -> None:
    assert stack.tenant is not None
    api, base_url = await stack.start_api()
    run_id = await create_run(stack, base_url)
    config = stack.root / "schemathesis.toml"
    config.write_text(
        "[parameters]\n"
        f'"path.tenantId" = "{stack.tenant.id}"\n\n'
        # A run to read: GET .../automation-runs/{run_id} otherwise only ever answers 404.
        # Nothing deletes runs, so a fixed id stays valid for the whole run.
        "[[operations]]\n"
        'include-name = "GET /v1/tenants/{tenantId}/automation-runs/{run_id}"\n'
        f'parameters = {{ "path.run_id" = "{run_id}" }}\n'
    )
    report_path = stack.root / "schemathesis-report.json"
    output_path = stack.root / "schemathesis-output.txt"
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        str(SPEC),
        "--url",
        base_url,
        "--checks",
        "all",
        "--header",
        f"Authorization: Bearer {stack.tenant.key}",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        # One worker: with several, Hypothesis's lambda descriptions hit CPython 3.11's
        # thread-unsafe AST construction now and then ("AST constructor recursion depth
        # mismatch"), an error of the tool that cuts an operation's phase short.
        "--workers",
        "1",
        "--continue-on-failure",
        "--generation-database",
        "none",
        "--report",
        "json",
        "--report-json-path",
        str(report_path),
        "--no-color",
    ]
    summary.line(
        f"schemathesis over {SPEC.relative_to(SPEC.parents[1])}: --checks all "
        f"--max-examples {MAX_EXAMPLES} --seed {SEED}, tenant {stack.tenant.id}"
    )
    with output_path.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *command, stdout=output, stderr=asyncio.subprocess.STDOUT
        )
        try:
            exit_code = await asyncio.wait_for(process.wait(), TIMEOUT_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()
            summary.fail("schemathesis completed", f"still running after {TIMEOUT_SECONDS:g} s")
            return
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    text = output_path.read_text(errors="replace")
    if not report_path.exists():
        summary.line(text[-3000:])
        summary.fail("schemathesis completed", f"no report; exit status {exit_code}")
        return
    report_run(summary, json.loads(report_path.read_text()), text, exit_code)
    summary.check("api process still running", api.running(), f"pid {api.pid}")


async def create_run(stack: Stack, base_url: str) -> str:
    assert stack.tenant is not None
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        response = await client.post(
            f"/v1/tenants/{stack.tenant.id}/automation-runs",
            json={"flowId": "chaos", "provider": "sandbox", "input": {}},
            headers=stack.tenant.headers,
        )
    if response.status_code != 202:
        raise RuntimeError(f"creating a run answered {response.status_code}: {response.text}")
    run_id: str = response.json()["data"]["id"]
    return run_id


def report_run(summary: Summary, report: dict[str, Any], text: str, exit_code: int) -> None:
    operations = report.get("operations") or {}
    cases = report["test_cases"]
    failures: dict[str, int] = {}
    titles: dict[str, str] = {}
    for group in report["failures"]:
        failures[group["code"]] = failures.get(group["code"], 0) + int(group["count"])
        titles[group["code"]] = group["title"]
    errors = sum(int(error["count"]) for error in report["errors"])
    server_errors = sum(n for code, n in failures.items() if code in SERVER_ERRORS)
    conformance = sum(n for code, n in failures.items() if code in CONFORMANCE)
    other = {code: n for code, n in failures.items() if code not in SERVER_ERRORS | CONFORMANCE}
    summary.line(
        f"operations: {operations.get('tested', 0)} tested of {operations.get('total', 0)}  "
        f"cases generated: {cases['generated']}  cases with failures: {cases['with_failures']}  "
        f"unique failures: {cases['unique_failures']}  engine errors: {errors}  "
        f"exit status: {exit_code}  running time (s): {float(report['running_time']):.1f}"
    )
    phases = report.get("phases") or {}
    summary.line(
        "phases: " + "  ".join(f"{name}={value['status']}" for name, value in phases.items())
    )
    summary.line(f"5xx (ST101/ST102): {server_errors}  conformance violations: {conformance}")
    summary.line("failures by check:" + (" none" if not failures else ""))
    for code in sorted(failures):
        kind = (
            "BOUND"
            if code in SERVER_ERRORS | CONFORMANCE
            else "inapplicable, reported"
            if code in INAPPLICABLE
            else "reported"
        )
        summary.line(
            f"  {code} {CHECKS.get(code, '?')} ({titles[code]}): {failures[code]}  [{kind}]"
        )
    for line in reproductions(text):
        summary.line(f"  {line}")
    if other:
        summary.line(
            "not bounds: "
            + ", ".join(f"{CHECKS.get(code, code)}={n}" for code, n in sorted(other.items()))
        )
    summary.check(
        "schemathesis completed",
        bool(report["complete"]) and errors == 0 and operations.get("errored", 0) == 0,
        f"complete={report['complete']}, engine errors {errors}, "
        f"operations errored {operations.get('errored', 0)}",
    )
    summary.check("schemathesis 5xx == 0", server_errors == 0, str(server_errors))
    summary.check(
        "schemathesis status code / content type / header / schema violations == 0",
        conformance == 0,
        ", ".join(f"{code}={failures[code]}" for code in sorted(failures) if code in CONFORMANCE)
        or "0",
    )


def describe_body(body: str) -> str:
    """` code (path: message)` from an error envelope or GraphQL errors, as far as shown."""
    text = ""
    if match := _CODE.search(body):
        text += f" {match.group(1)}"
    if match := _DETAIL.search(body):
        text += f" ({match.group(1)}: {match.group(2)})"
    elif match := _GRAPHQL_MESSAGE.search(body):
        text += f" ({match.group(1)})"
    return text


_OPERATION = re.compile(r"^_+ (.+?) _+$")
_FAILURE = re.compile(r"^- (ST\d+ .+)$")
_STATUS = re.compile(r"^\[(\d{3})\] ")
_CODE = re.compile(r'"code":\s*"([A-Za-z_]+)"')
_DETAIL = re.compile(r'"path":\s*"([^"]*)",\s*"message":\s*"([^"]*)"')
_GRAPHQL_MESSAGE = re.compile(r'"errors":\s*\[\{"message":\s*"((?:[^"\\]|\\.){0,120})')


def reproductions(text: str) -> list[str]:
    """From the CLI's FAILURES section: each failure's operation, code, status and the curl
    command(s) that reproduce it (the key shows as `[Filtered]`: put yours back)."""
    if "= FAILURES =" not in text:
        return []
    section = text.split("= FAILURES =", 1)[1].split("= WARNINGS =", 1)[0]
    section = section.split("= SUMMARY =", 1)[0]
    lines: list[str] = []
    operation = ""
    for raw in section.splitlines():
        line = raw.strip()
        if match := _OPERATION.match(line):
            operation = match.group(1)
        elif match := _FAILURE.match(line):
            lines.append(f"- {operation}: {match.group(1)}")
        elif match := _STATUS.match(line):
            lines.append(f"    answered {match.group(1)}")
        elif line.startswith("`{") and lines and lines[-1].startswith("    answered "):
            lines[-1] += describe_body(line)
        elif line.startswith("curl "):
            shown = line if len(line) <= REPRODUCTION_CHARS else line[:REPRODUCTION_CHARS] + "..."
            lines.append(f"    {shown}")
    return lines
