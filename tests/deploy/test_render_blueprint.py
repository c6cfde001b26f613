"""render.yaml: the Blueprint runs real CLI commands, gives the API and the worker every setting
production requires (sharing its secrets), and names nothing that is not a setting."""

from __future__ import annotations

import base64
import re
import secrets
import shlex
from typing import Any

import pytest

from app.cli import build_parser
from app.core.config import Settings
from app.main import create_app
from db.migrate import MIGRATIONS_DIR
from tests.deploy.helpers import ROOT, SETTING_NAMES, load_yaml, production_secrets, settings_from

# Read by Render itself, not by the application.
PLATFORM_VARIABLES = frozenset({"PYTHON_VERSION"})
# Without each of these, Settings.production_problems() stops a production process (checked
# below in both directions, so this list cannot drift from app/core/config.py).
REQUIRED_IN_PRODUCTION = frozenset(
    {
        "DATABASE_URL",
        "REDIS_URL",
        "API_KEY_PEPPER",
        "DATA_ENCRYPTION_KEY",
        "ACTIVEPIECES_WEBHOOK_SECRET",
        "PUBLIC_BASE_URL",
    }
)
SECRETS = frozenset(
    {"API_KEY_PEPPER", "DATA_ENCRYPTION_KEY", "ACTIVEPIECES_WEBHOOK_SECRET", "METRICS_TOKEN"}
)

Entry = dict[str, Any]


def operator_input() -> dict[str, str]:
    """What an operator types in for the `sync: false` variables, generated as the docs say."""
    typed = production_secrets()
    del typed["API_KEY_PEPPER"]  # Render generates it (`generateValue`).
    return typed | {
        "ACTIVEPIECES_BASE_URL": "https://activepieces.example.com",
        "PUBLIC_BASE_URL": "https://api.example.com",
        "METRICS_TOKEN": secrets.token_urlsafe(32),
        "CORS_ALLOWED_ORIGINS": "https://app.example.com",
    }


@pytest.fixture(scope="module")
def blueprint() -> dict[str, Any]:
    return load_yaml("render.yaml")


def service_of_type(blueprint: dict[str, Any], kind: str) -> Entry:
    matches: list[Entry] = [s for s in blueprint["services"] if s["type"] == kind]
    assert len(matches) == 1, f"expected one service of type {kind}"
    return matches[0]


def environment(blueprint: dict[str, Any], service: Entry) -> dict[str, tuple[str, Entry]]:
    """Each variable a service gets: where it is declared (a group name or "service"), and how."""
    groups = {group["name"]: group["envVars"] for group in blueprint.get("envVarGroups", [])}
    resolved: dict[str, tuple[str, Entry]] = {}
    for entry in service.get("envVars", []):
        if "fromGroup" in entry:
            items = [(entry["fromGroup"], item) for item in groups[entry["fromGroup"]]]
        else:
            items = [("service", entry)]
        for source, item in items:
            assert item["key"] not in resolved, f"{item['key']} is declared twice"
            resolved[item["key"]] = (source, item)
    return resolved


def value_at_runtime(
    blueprint: dict[str, Any], key: str, entry: Entry, typed: dict[str, str]
) -> str:
    """The value a process gets: placeholders where Render or an operator fills it in."""
    if "value" in entry:
        return str(entry["value"])
    if entry.get("generateValue") is True:
        return base64.b64encode(secrets.token_bytes(32)).decode()  # Render: 256 random bits
    if entry.get("sync") is False:
        return typed[key]
    if "fromDatabase" in entry:
        reference = entry["fromDatabase"]
        assert reference["property"] == "connectionString"
        (database,) = [db for db in blueprint["databases"] if db["name"] == reference["name"]]
        return f"postgresql://{database['user']}:pw@{database['name']}/{database['databaseName']}"
    if "fromService" in entry:
        reference = entry["fromService"]
        assert reference["type"] == "keyvalue"
        assert reference["property"] == "connectionString"
        target = service_of_type(blueprint, "keyvalue")
        assert target["name"] == reference["name"]
        return f"redis://{target['name']}:6379"
    raise AssertionError(f"{key}: no value, generateValue, sync: false or reference")


def rendered_env(blueprint: dict[str, Any], service: Entry) -> dict[str, str]:
    typed = operator_input()
    return {
        key: value_at_runtime(blueprint, key, entry, typed)
        for key, (_, entry) in environment(blueprint, service).items()
    }


def test_web_service_builds_migrates_serves_and_checks_readiness(blueprint: dict[str, Any]) -> None:
    web = service_of_type(blueprint, "web")
    assert web["runtime"] == "python"
    assert web["startCommand"] == "aetherflow api"
    assert web["preDeployCommand"] == "aetherflow migrate"
    assert web["healthCheckPath"] == "/ready"
    paths = create_app(Settings(_env_file=None)).openapi()["paths"]
    assert "get" in paths[web["healthCheckPath"]]


def test_worker_runs_the_worker_and_leaves_migrations_to_the_web_deploy(
    blueprint: dict[str, Any],
) -> None:
    worker = service_of_type(blueprint, "worker")
    assert worker["runtime"] == "python"
    assert worker["startCommand"] == "aetherflow worker"
    # Two services migrating at once would race; the web service's pre-deploy command does it.
    assert "preDeployCommand" not in worker
    assert worker["buildCommand"] == service_of_type(blueprint, "web")["buildCommand"]


@pytest.mark.parametrize("field", ["startCommand", "preDeployCommand"])
def test_commands_are_real_cli_commands(blueprint: dict[str, Any], field: str) -> None:
    for service in blueprint["services"]:
        if field not in service:
            continue
        program, *arguments = shlex.split(service[field])
        assert program == "aetherflow"
        args = build_parser().parse_args(arguments)
        assert args.command == arguments[0]


def test_build_installs_exactly_the_locked_dependencies_then_the_checkout(
    blueprint: dict[str, Any],
) -> None:
    steps = [
        shlex.split(step) for step in service_of_type(blueprint, "web")["buildCommand"].split("&&")
    ]
    assert steps == [
        ["pip", "install", "--require-hashes", "--no-deps", "-r", "requirements.lock"],
        ["pip", "install", "--no-deps", "-e", "."],
    ]
    # Editable, because migrations/ is found next to the db package, i.e. in this checkout.
    assert MIGRATIONS_DIR == ROOT / "migrations"
    assert (MIGRATIONS_DIR / "env.py").is_file()
    requirements = [
        line
        for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith((" ", "#"))
    ]
    assert requirements
    assert all("==" in line and line.endswith("\\") for line in requirements), (
        "unpinned or unhashed"
    )


def test_python_version_is_pinned_to_3_11(blueprint: dict[str, Any]) -> None:
    for service in (service_of_type(blueprint, "web"), service_of_type(blueprint, "worker")):
        _, entry = environment(blueprint, service)["PYTHON_VERSION"]
        assert re.fullmatch(r"3\.11\.\d+", entry["value"])


@pytest.mark.parametrize("kind", ["web", "worker"])
def test_each_process_gets_every_setting_production_requires(
    blueprint: dict[str, Any], kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = rendered_env(blueprint, service_of_type(blueprint, kind))
    assert env["APP_ENV"] == "production"
    assert set(env) >= REQUIRED_IN_PRODUCTION
    settings = settings_from(env, monkeypatch)
    assert settings.is_production
    assert settings.production_problems() == []


def test_required_set_is_what_settings_require(monkeypatch: pytest.MonkeyPatch) -> None:
    complete = {
        "APP_ENV": "production",
        "DATABASE_URL": "postgresql://aetherflow:pw@db/aetherflow",
        "REDIS_URL": "redis://kv:6379",
        "PUBLIC_BASE_URL": "https://api.example.com",
        **production_secrets(),
    }
    assert set(complete) == REQUIRED_IN_PRODUCTION | {"APP_ENV"}
    assert settings_from(complete, monkeypatch).production_problems() == []
    for missing in REQUIRED_IN_PRODUCTION:
        env = {key: value for key, value in complete.items() if key != missing}
        problems = settings_from(env, monkeypatch).production_problems()
        assert any(problem.startswith(f"{missing} ") for problem in problems), missing


def test_secrets_are_shared_from_one_group_and_never_written_down(
    blueprint: dict[str, Any],
) -> None:
    web = environment(blueprint, service_of_type(blueprint, "web"))
    worker = environment(blueprint, service_of_type(blueprint, "worker"))
    for key in SECRETS | REQUIRED_IN_PRODUCTION:
        web_source, web_entry = web[key]
        worker_source, worker_entry = worker[key]
        assert "value" not in web_entry, f"{key} must not be committed"
        if web_entry.get("generateValue") or web_entry.get("sync") is False:
            # Declared per service, each would get its own generated or typed-in value.
            assert web_source == worker_source != "service", key
        else:
            assert web_entry == worker_entry, key


def test_every_variable_is_a_setting(blueprint: dict[str, Any]) -> None:
    declared = [
        entry["key"]
        for holder in [*blueprint["services"], *blueprint.get("envVarGroups", [])]
        for entry in holder.get("envVars", [])
        if "key" in entry
    ]
    assert declared
    assert set(declared) <= SETTING_NAMES | PLATFORM_VARIABLES
    asked = {
        entry["key"]
        for holder in [*blueprint["services"], *blueprint.get("envVarGroups", [])]
        for entry in holder.get("envVars", [])
        if entry.get("sync") is False
    }
    assert asked <= set(operator_input()), "every sync: false variable needs a test value"


def test_datastores_are_private_and_in_the_services_region(blueprint: dict[str, Any]) -> None:
    keyvalue = service_of_type(blueprint, "keyvalue")
    assert keyvalue["ipAllowList"] == []
    # The queue and the replay guard must not lose keys silently when memory is full.
    assert keyvalue["maxmemoryPolicy"] == "noeviction"
    (database,) = blueprint["databases"]
    assert database["ipAllowList"] == []
    regions = {resource.get("region") for resource in [*blueprint["services"], database]}
    assert len(regions) == 1
