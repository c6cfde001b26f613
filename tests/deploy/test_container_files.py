"""Dockerfile and docker-compose.yml, checked without a container engine: they install what the
Makefile and render.yaml install, run real CLI commands as a non-root user, and configure only
real settings."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.cli import build_parser
from tests.deploy.helpers import ROOT, SETTING_NAMES, load_yaml, production_secrets, settings_from

# Flags that change output, not what gets installed.
QUIET_FLAGS = frozenset({"--quiet", "-q", "--disable-pip-version-check"})


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile as stages of (INSTRUCTION, arguments), continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    stages: list[list[tuple[str, str]]] = []
    for line in joined.splitlines():
        if not line.strip():
            continue
        instruction, _, arguments = line.strip().partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        assert stages, "the Dockerfile must start with FROM"
        stages[-1].append((instruction.upper(), arguments.strip()))
    return stages


def arguments_of(stage: list[tuple[str, str]], instruction: str) -> list[str]:
    return [arguments for name, arguments in stage if name == instruction]


def pip_installs(commands: list[str]) -> list[list[str]]:
    """Each `pip install` in some shell commands, without output-only flags."""
    installs = []
    for command in commands:
        for step in command.split("&&"):
            words = shlex.split(step)
            if words[:2] in (["pip", "install"], ["python", "-m"]) and "install" in words:
                start = words.index("install")
                installs.append(["pip", *[w for w in words[start:] if w not in QUIET_FLAGS]])
    return installs


def makefile_installs() -> list[list[str]]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    commands = [
        line.strip().removeprefix("$(BIN)/python -m ")
        for line in text.splitlines()
        if "pip install" in line
    ]
    return [
        ["pip", *[w for w in shlex.split(command)[1:] if w not in QUIET_FLAGS]]
        for command in commands
    ]


def assert_real_cli_command(argv: list[str], expected: str) -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert argv[0] in scripts
    assert build_parser().parse_args(argv[1:]).command == expected


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_yaml("docker-compose.yml")


def app_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: spec for name, spec in compose["services"].items() if "build" in spec}


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's `${NAME:-default}`: the variable when set and not empty, else the default."""
    return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m[1]) or m[2], value)


def test_both_stages_use_python_3_11_slim() -> None:
    stages = dockerfile_stages()
    assert len(stages) == 2
    images = [stage[0][1].split()[0] for stage in stages]
    assert images == ["python:3.11-slim", "python:3.11-slim"]
    assert ">=3.11" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_image_installs_what_render_and_the_makefile_install() -> None:
    build, _ = dockerfile_stages()
    installs = pip_installs(arguments_of(build, "RUN"))
    assert installs == [
        ["pip", "install", "--require-hashes", "--no-deps", "-r", "requirements.lock"],
        ["pip", "install", "--no-deps", "-e", "."],
    ]
    for service in load_yaml("render.yaml")["services"]:
        if "buildCommand" in service:
            assert pip_installs([service["buildCommand"]]) == installs
    # The Makefile installs the dev lock the same way; --no-build-isolation works there only
    # because the dev lock pins setuptools, which the runtime lock does not.
    lock_install, project_install = makefile_installs()
    assert lock_install == [*installs[0][:-1], "requirements-dev.lock"]
    assert [w for w in project_install if w != "--no-build-isolation"] == installs[1]


def test_image_copies_every_package_and_the_migrations_before_installing() -> None:
    build, _ = dockerfile_stages()
    copied = {name for arguments in arguments_of(build, "COPY") for name in arguments.split()[:-1]}
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    assert packages | {"migrations", "pyproject.toml", "README.md", "requirements.lock"} <= copied
    copy_lock = next(
        i for i, (n, a) in enumerate(build) if n == "COPY" and "requirements.lock" in a
    )
    install_lock = next(
        i for i, (n, a) in enumerate(build) if n == "RUN" and "-r requirements.lock" in a
    )
    project_install = next(i for i, (n, a) in enumerate(build) if n == "RUN" and "-e ." in a)
    last_copy = max(i for i, (n, _) in enumerate(build) if n == "COPY")
    assert copy_lock < install_lock < last_copy < project_install


def test_final_stage_runs_the_api_as_a_non_root_user() -> None:
    _, final = dockerfile_stages()
    users = arguments_of(final, "USER")
    assert users, "the final stage must set USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert any(f"--uid {user}" in run for run in arguments_of(final, "RUN"))
    command = json.loads(arguments_of(final, "CMD")[-1])  # exec form
    assert_real_cli_command(command, "api")
    assert arguments_of(final, "EXPOSE") == ["8000"]
    copies = arguments_of(final, "COPY")
    assert "--from=build /opt/venv /opt/venv" in copies
    assert "--from=build /app /app" in copies
    assert any("PATH=/opt/venv/bin:$PATH" in env for env in arguments_of(final, "ENV"))


def test_compose_runs_postgres_redis_migrate_api_and_worker(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "api", "worker"}
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    commands = {name: spec["command"] for name, spec in app_services(compose).items()}
    assert set(commands) == {"migrate", "api", "worker"}
    for name, argv in commands.items():
        assert_real_cli_command(argv, name)
    for name in ("api", "worker"):
        after = services[name]["depends_on"]
        assert after["migrate"] == {"condition": "service_completed_successfully"}
        assert after["redis"] == {"condition": "service_healthy"}
    assert services["api"]["ports"] == ["127.0.0.1:8000:8000"]


def test_compose_environment_names_real_settings_and_real_hosts(compose: dict[str, Any]) -> None:
    for spec in app_services(compose).values():
        environment = spec["environment"]
        assert set(environment) <= SETTING_NAMES
        for key, service in (("DATABASE_URL", "postgres"), ("REDIS_URL", "redis")):
            assert urlsplit(environment[key]).hostname == service
            assert service in compose["services"]


@pytest.mark.parametrize("mode", ["development", "production"])
def test_compose_environment_loads(
    compose: dict[str, Any], mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shell = {"APP_ENV": mode}
    if mode == "production":
        shell |= production_secrets() | {"PUBLIC_BASE_URL": "https://api.example.com"}
    for spec in app_services(compose).values():
        env = {key: interpolate(str(value), shell) for key, value in spec["environment"].items()}
        settings = settings_from(env, monkeypatch)
        assert settings.app_env == mode
        assert settings.production_problems() == []
