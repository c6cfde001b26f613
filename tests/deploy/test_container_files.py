"""Dockerfile, .dockerignore and docker-compose.yml, checked without a container engine: they
install what the Makefile and render.yaml install, from base images pinned by digest, into a
context that holds what is copied and no secret; they run real CLI commands as a non-root user
with health checks that exist, restart and stop long-running services sensibly, and configure
only real settings, which load in development and in production. hadolint lints the Dockerfile
in tests/deploy/test_dockerfile_lint.py."""

from __future__ import annotations

import importlib.util
import json
import posixpath
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.api.probe import PROBE_TIMEOUT_SECONDS
from app.api.server import GRACEFUL_SHUTDOWN_SECONDS
from app.cli import parse
from jobs.worker import SHUTDOWN_DEADLINE_SECONDS
from tests.deploy.helpers import ROOT, SETTING_NAMES, load_yaml, production_secrets, settings_from

# Flags that change output, not what gets installed.
QUIET_FLAGS = frozenset({"--quiet", "-q", "--disable-pip-version-check"})
# `name:tag@sha256:<64 hex>`: the tag for the reader, the digest for the engine.
PINNED_IMAGE = re.compile(r"(?P<name>[a-z0-9._/-]+):(?P<tag>[\w.-]+)@sha256:[0-9a-f]{64}")
API_PROBE = ["python", "-m", "app.api.probe"]
WORKER_PROBE = ["python", "-m", "jobs.heartbeat"]
# Long-running services; `migrate` is a one-off.
SERVICES = ("postgres", "redis", "api", "worker")
# Environment variables of the image that are not settings.
RUNTIME_VARIABLES = frozenset({"PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"})


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


def base_image(stage: list[tuple[str, str]]) -> str:
    """The image a stage starts from (FROM [--platform=...] image [AS name])."""
    return next(word for word in stage[0][1].split() if not word.startswith("--"))


def image_environment(stage: list[tuple[str, str]]) -> dict[str, str]:
    """The variables a stage's ENV instructions set (`ENV KEY=value ...` form)."""
    environment: dict[str, str] = {}
    for arguments in arguments_of(stage, "ENV"):
        for pair in shlex.split(arguments):
            key, separator, value = pair.partition("=")
            assert separator, f"ENV {arguments!r}: use the KEY=value form"
            environment[key] = value
    return environment


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
    assert parse(argv[1:]).command == expected


def assert_runnable_module(argv: list[str]) -> None:
    """`python -m <module>` names a module of this checkout that has a main()."""
    assert argv[:2] == ["python", "-m"]
    spec = importlib.util.find_spec(argv[2])
    assert spec is not None, f"{argv[2]} is not importable"
    assert spec.origin is not None
    assert Path(spec.origin).resolve().is_relative_to(ROOT)
    assert callable(getattr(importlib.import_module(argv[2]), "main", None))


def seconds(duration: str) -> float:
    """A Docker duration (`30s`, `1m30s`, `500ms`) in seconds."""
    units = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
    parts = re.findall(r"(\d+(?:\.\d+)?)(us|ms|s|m|h)", duration)
    assert parts, f"not a duration: {duration!r}"
    assert "".join(number + unit for number, unit in parts) == duration
    return sum(float(number) * units[unit] for number, unit in parts)


def healthcheck_instruction() -> tuple[dict[str, str], list[str]]:
    """The final stage's HEALTHCHECK: its --options and its exec-form command."""
    _, final = dockerfile_stages()
    (arguments,) = arguments_of(final, "HEALTHCHECK")
    options, separator, command = arguments.partition(" CMD ")
    assert separator, "HEALTHCHECK needs a CMD"
    flags = dict(option.removeprefix("--").split("=", 1) for option in options.split())
    return flags, json.loads(command)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_yaml("docker-compose.yml")


def app_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: spec for name, spec in compose["services"].items() if "build" in spec}


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's `${NAME:-default}`: the variable when set and not empty, else the default."""
    return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m[1]) or m[2], value)


def container_environment(spec: dict[str, Any], shell: dict[str, str]) -> dict[str, str]:
    """The settings a compose service's container sees: the image's ENV, then the service's
    environment interpolated from the shell (compose's values win)."""
    _, final = dockerfile_stages()
    image = {key: value for key, value in image_environment(final).items() if key in SETTING_NAMES}
    return image | {
        key: interpolate(str(value), shell) for key, value in spec["environment"].items()
    }


# Base images.


def test_both_stages_use_the_same_pinned_python_3_11_slim() -> None:
    stages = dockerfile_stages()
    assert len(stages) == 2
    images = {base_image(stage) for stage in stages}
    assert len(images) == 1, "both stages must start from the same image"
    (image,) = images
    pinned = PINNED_IMAGE.fullmatch(image)
    assert pinned, f"{image} is not name:tag@sha256:<digest>"
    assert (pinned["name"], pinned["tag"]) == ("python", "3.11-slim")
    assert ">=3.11" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_every_image_is_pinned_by_digest(compose: dict[str, Any]) -> None:
    images = [base_image(stage) for stage in dockerfile_stages()]
    images += [spec["image"] for spec in compose["services"].values() if "image" in spec]
    assert len(images) == 4
    for image in images:
        assert PINNED_IMAGE.fullmatch(image), f"{image} is not name:tag@sha256:<digest>"


def test_compose_runs_the_postgresql_major_version_render_runs(compose: dict[str, Any]) -> None:
    (database,) = load_yaml("render.yaml")["databases"]
    postgres = PINNED_IMAGE.fullmatch(compose["services"]["postgres"]["image"])
    assert postgres
    assert (postgres["name"], postgres["tag"]) == ("postgres", database["postgresMajorVersion"])
    redis = PINNED_IMAGE.fullmatch(compose["services"]["redis"]["image"])
    assert redis
    assert (redis["name"], redis["tag"]) == ("redis", "7")


# What the image installs.


def test_image_installs_what_render_and_the_makefile_install() -> None:
    build, _ = dockerfile_stages()
    installs = pip_installs(arguments_of(build, "RUN"))
    assert installs == [
        ["pip", "install", "--require-hashes", "--no-deps", "-r", "requirements.lock"],
        ["pip", "install", "--no-deps", "--no-build-isolation", "-e", "."],
    ]
    # Every Python service on Render (the console static site builds with npm instead).
    python_services = [
        service
        for service in load_yaml("render.yaml")["services"]
        if service.get("runtime") == "python"
    ]
    assert python_services
    for service in python_services:
        assert pip_installs([service["buildCommand"]]) == installs
    # The Makefile installs the dev lock the same way, then the project the same way.
    lock_install, project_install = makefile_installs()
    assert lock_install == [*installs[0][:-1], "requirements-dev.lock"]
    assert project_install == installs[1]


def test_the_build_backend_is_the_hash_checked_one_from_the_lock() -> None:
    # With --no-build-isolation pip builds the project with what the venv holds: the lock must
    # hold exactly what [build-system] requires, hash-checked like everything else.
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requires = pyproject["build-system"]["requires"]
    assert requires
    for requirement in requires:
        name, _, version = requirement.partition("==")
        assert version, f"{requirement}: the build backend must be pinned exactly"
        pinned = rf"^{re.escape(name)}=={re.escape(version)} \\\n\s+--hash=sha256:[0-9a-f]{{64}}"
        assert re.search(pinned, lock, re.MULTILINE), f"requirements.lock lacks {requirement}"


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


def test_final_stage_runs_the_api_as_a_non_root_user_on_every_interface() -> None:
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
    environment = image_environment(final)
    assert environment["PATH"] == "/opt/venv/bin:$PATH"
    # Outside a container the API binds loopback in development; inside one it must listen on
    # the container's interface in both modes, or a published port reaches nothing.
    assert environment["HOST"] == "0.0.0.0"
    assert environment["APP_ENV"] == "production"
    assert set(environment) - RUNTIME_VARIABLES <= SETTING_NAMES


@pytest.mark.parametrize("mode", ["development", "production"])
def test_image_listens_on_every_interface_in_both_modes(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, final = dockerfile_stages()
    env = {k: v for k, v in image_environment(final).items() if k in SETTING_NAMES}
    env |= {"APP_ENV": mode, "PUBLIC_BASE_URL": "https://api.example.com"}
    if mode == "production":
        env |= production_secrets() | {
            "DATABASE_URL": "postgresql://db/x",
            "REDIS_URL": "redis://r",
        }
    settings = settings_from(env, monkeypatch)
    assert settings.host == "0.0.0.0"
    assert settings.production_problems() == []


# Health checks.


def test_image_health_check_probes_the_api() -> None:
    options, command = healthcheck_instruction()
    assert command == API_PROBE
    assert_runnable_module(command)
    # Docker stops waiting after --timeout; the probe gives up on the API before that.
    assert seconds(options["timeout"]) > PROBE_TIMEOUT_SECONDS
    assert int(options["retries"]) >= 1
    assert {"interval", "start-period"} <= set(options)


def test_compose_checks_the_health_of_every_long_running_service(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert services["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    # The API keeps the image's check; the worker runs the same image, so it replaces it.
    assert "healthcheck" not in services["api"]
    worker = services["worker"]["healthcheck"]
    assert worker["test"] == ["CMD", *WORKER_PROBE]
    assert_runnable_module(WORKER_PROBE)
    for option in ("interval", "timeout", "start_period"):
        assert seconds(worker[option]) > 0
    # The one-off migration runs no API for the image's check to probe.
    assert services["migrate"]["healthcheck"] == {"disable": True}
    # Whatever another service waits on to be healthy has a health check of its own or the
    # image's.
    for spec in services.values():
        for name, condition in spec.get("depends_on", {}).items():
            if condition == {"condition": "service_healthy"}:
                own = services[name].get("healthcheck", {})
                assert "test" in own or ("build" in services[name] and not own)


# Compose.


def test_compose_runs_postgres_redis_migrate_api_and_worker(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "api", "worker"}
    commands = {name: spec["command"] for name, spec in app_services(compose).items()}
    assert set(commands) == {"migrate", "api", "worker"}
    for name, argv in commands.items():
        assert_real_cli_command(argv, name)
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("api", "worker"):
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }
    assert services["api"]["ports"] == ["127.0.0.1:8000:8000"]


def test_compose_restarts_services_but_not_the_migration(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in SERVICES:
        assert services[name]["restart"] == "unless-stopped", name
    # Quoted in the file: YAML would read a bare `no` as false.
    assert services["migrate"]["restart"] == "no"


@pytest.mark.parametrize(
    ("service", "shutdown_seconds"),
    [("api", GRACEFUL_SHUTDOWN_SECONDS), ("worker", SHUTDOWN_DEADLINE_SECONDS)],
)
def test_compose_waits_until_each_process_has_shut_down(
    compose: dict[str, Any], service: str, shutdown_seconds: int
) -> None:
    # SIGTERM, then SIGKILL after stop_grace_period (10 s when unset).
    grace = compose["services"][service]["stop_grace_period"]
    assert seconds(grace) >= shutdown_seconds + 5


def test_compose_environment_names_real_settings_and_real_hosts(compose: dict[str, Any]) -> None:
    for spec in app_services(compose).values():
        environment = spec["environment"]
        assert set(environment) <= SETTING_NAMES
        for key, service in (("DATABASE_URL", "postgres"), ("REDIS_URL", "redis")):
            assert urlsplit(environment[key]).hostname == service
            assert service in compose["services"]


@pytest.mark.parametrize(
    ("mode", "shell"),
    [
        # `docker compose up` with nothing exported: development, built-in secrets.
        ("development", {}),
        ("development", {"APP_ENV": "development"}),
        # APP_ENV=production and the secrets, nothing else: every default compose supplies
        # passes the production checks.
        ("production", {"APP_ENV": "production"}),
        ("production", {"APP_ENV": "production", "PUBLIC_BASE_URL": "https://api.example.com"}),
    ],
)
def test_compose_environment_loads(
    compose: dict[str, Any], mode: str, shell: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if mode == "production":
        shell = shell | production_secrets()
    for spec in app_services(compose).values():
        settings = settings_from(container_environment(spec, shell), monkeypatch)
        assert settings.app_env == mode
        assert settings.production_problems() == []
        assert settings.host == "0.0.0.0"
        if "PUBLIC_BASE_URL" in shell:
            assert str(settings.public_base_url).rstrip("/") == shell["PUBLIC_BASE_URL"]


def test_compose_production_defaults_are_https(compose: dict[str, Any]) -> None:
    # Production refuses a plain-http PUBLIC_BASE_URL; the default must not be one.
    for spec in app_services(compose).values():
        default = interpolate(spec["environment"]["PUBLIC_BASE_URL"], {})
        assert urlsplit(default).scheme == "https"


# The build context.


def dockerignore_rules() -> list[tuple[re.Pattern[str], bool]]:
    """.dockerignore as (pattern, re-includes) in file order."""
    rules = []
    for raw in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        include = line.startswith("!")
        pattern = posixpath.normpath(line.removeprefix("!").strip()).lstrip("/")
        rules.append((glob_regex(pattern), include))
    return rules


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Docker's context patterns (Go's filepath.Match plus `**`) as a regular expression."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out.append(pattern[i : end + 1])
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def in_build_context(path: str) -> bool:
    """Whether Docker sends `path` (relative to the checkout) to the build: the last rule that
    matches the path or one of its parent directories decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    sent = True
    for regex, include in dockerignore_rules():
        if any(regex.match(candidate) for candidate in candidates):
            sent = include
    return sent


def never_in_an_image(path: Path) -> bool:
    return (
        "__pycache__" in path.parts
        or path.suffix in {".pyc", ".pyo", ".pyd"}
        or path.name == ".env"
        or path.name.startswith(".env.")
    )


def test_the_build_context_holds_everything_the_image_copies() -> None:
    build, _ = dockerfile_stages()
    sources = [
        source
        for arguments in arguments_of(build, "COPY")
        if not arguments.startswith("--from")
        for source in arguments.split()[:-1]
    ]
    assert len(sources) == 8
    for source in sources:
        assert in_build_context(source), f"{source} is copied but left out of the context"
        tree = ROOT / source
        files = [tree] if tree.is_file() else [p for p in tree.rglob("*") if p.is_file()]
        assert files, f"{source} is copied but holds nothing"
        for file in files:
            relative = file.relative_to(ROOT).as_posix()
            if not never_in_an_image(file.relative_to(ROOT)):
                assert in_build_context(relative), f"{relative} is left out of the context"


@pytest.mark.parametrize(
    "path",
    [
        ".git",
        ".git/config",
        ".env",
        ".env.production",
        "app/.env",
        ".venv/bin/python",
        ".mypy_cache/3.11/cache.db",
        ".ruff_cache/CACHEDIR.TAG",
        ".pytest_cache/README.md",
        ".hypothesis/examples/x",
        ".schemathesis/report",
        "app/__pycache__/main.cpython-311.pyc",
        "migrations/versions/__pycache__/x.cpython-311.pyc",
        "db/session.pyc",
        "tests/conftest.py",
        "docs/CONTAINERS.md",
        "web/node_modules/react/index.js",
        "Dockerfile",
        "docker-compose.yml",
    ],
)
def test_the_build_context_leaves_out_secrets_caches_and_the_rest(path: str) -> None:
    assert not in_build_context(path)


def test_the_context_rules_read_as_docker_reads_them() -> None:
    # The reading above, checked on rules whose meaning Docker's documentation gives.
    assert glob_regex("**/__pycache__").match("__pycache__")
    assert glob_regex("**/__pycache__").match("a/b/__pycache__")
    assert not glob_regex("*").match("a/b")
    assert glob_regex("*.py[cod]").match("x.pyc")
    assert not glob_regex("*.py[cod]").match("x.py")
    assert glob_regex("temp?").match("temp1")
