"""render.yaml: the Blueprint uses only what Render's Blueprint spec documents, runs real CLI
commands, and gives the API and the worker every setting production requires, with one value
for each secret in both processes.

Sections cited as "spec, '…'" are those of Render's Blueprint YAML Reference
(render.com/docs/blueprint-spec); its JSON schema is render.com/schema/render.yaml.json.
"""

from __future__ import annotations

import base64
import re
import secrets
import shlex
import tomllib
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.api.server import GRACEFUL_SHUTDOWN_SECONDS
from app.cli import parse
from app.core.config import Settings
from app.main import create_app
from db.migrate import MIGRATIONS_DIR
from jobs.worker import SHUTDOWN_DEADLINE_SECONDS
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
        "SESSION_SIGNING_KEYS",
    }
)
SECRETS = frozenset(
    {
        "API_KEY_PEPPER",
        "DATA_ENCRYPTION_KEY",
        "ACTIVEPIECES_WEBHOOK_SECRET",
        "METRICS_TOKEN",
        "SESSION_SIGNING_KEYS",
    }
)
# What the operator types in when the Blueprint is first applied (`sync: false`).
PROMPTED = frozenset(
    {
        "DATA_ENCRYPTION_KEY",
        "ACTIVEPIECES_WEBHOOK_SECRET",
        "ACTIVEPIECES_BASE_URL",
        "PUBLIC_BASE_URL",
        "METRICS_TOKEN",
        "CORS_ALLOWED_ORIGINS",
        "SESSION_SIGNING_KEYS",
    }
)
API_ONLY = frozenset({"CORS_ALLOWED_ORIGINS"})

# Spec, 'Root-level fields'.
ROOT_FIELDS = frozenset(
    {"services", "databases", "envVarGroups", "projects", "ungrouped", "previews"}
)
# Spec, 'Service fields' ('Essential fields', 'Docker', 'Scaling', 'Build', 'Disks',
# 'Environment variables'): the fields of a web service, private service or background worker.
# `schedule` is for cron jobs only; static-site fields are left out.
SERVICE_FIELDS = frozenset(
    {
        "name",
        "type",
        "runtime",
        "plan",
        "previews",
        "ipAllowList",
        "buildCommand",
        "startCommand",
        "preDeployCommand",
        "region",
        "repo",
        "branch",
        "autoDeployTrigger",
        "domains",
        "renderSubdomainPolicy",
        "healthCheckPath",
        "maxShutdownDelaySeconds",
        "maintenanceMode",
        "initialDeployHook",
        "dockerCommand",
        "dockerfilePath",
        "dockerContext",
        "registryCredential",
        "image",
        "numInstances",
        "scaling",
        "buildFilter",
        "rootDir",
        "disk",
        "envVars",
    }
)
# Spec, 'Essential fields': "Web services only" (healthCheckPath, maintenanceMode) or "Web
# services and static sites only" (ipAllowList, domains, renderSubdomainPolicy).
WEB_ONLY_FIELDS = frozenset(
    {"healthCheckPath", "maintenanceMode", "ipAllowList", "domains", "renderSubdomainPolicy"}
)
# Spec, 'Render Key Value': its example "defines all available fields"; `ipAllowList` is
# required ('Key-Value-specific fields', 'Inbound IP rules').
KEY_VALUE_FIELDS = frozenset(
    {
        "type",
        "name",
        "ipAllowList",
        "region",
        "plan",
        "previewPlan",
        "maxmemoryPolicy",
        "persistenceMode",
    }
)
# Spec, 'Database fields' ('Essential fields', 'PostgreSQL settings', 'Database replicas').
DATABASE_FIELDS = frozenset(
    {
        "name",
        "plan",
        "previewPlan",
        "diskSizeGB",
        "previewDiskSizeGB",
        "storageAutoscalingEnabled",
        "region",
        "ipAllowList",
        "connectionPool",
        "postgresMajorVersion",
        "databaseName",
        "user",
        "readReplicas",
        "highAvailability",
    }
)
# Spec, 'Environment groups': a name and a list of envVars.
GROUP_FIELDS = frozenset({"name", "envVars"})
# Spec, 'Setting environment variables': each entry is exactly one of these forms.
SERVICE_ENV_VAR_FORMS = (
    frozenset({"key", "value"}),
    frozenset({"key", "generateValue"}),
    frozenset({"key", "sync"}),
    frozenset({"key", "fromDatabase"}),
    frozenset({"key", "fromService"}),
    frozenset({"fromGroup"}),
)
# Spec, 'Environment groups': a group "can't reference values from your services, or from
# other environment groups", and "You can't define an environment variable with `sync: false`
# in an environment group" ('Prompting for secret values': "Render ignores the environment
# variable").
GROUP_ENV_VAR_FORMS = (frozenset({"key", "value"}), frozenset({"key", "generateValue"}))
# Spec, 'Referencing service properties': "All fields shown in each example are required", and
# an environment variable of another service is referenced with `envVarKey` "instead of
# property".
FROM_SERVICE_FORMS = (
    frozenset({"name", "type", "property"}),
    frozenset({"name", "type", "envVarKey"}),
)
FROM_DATABASE_FIELDS = frozenset({"name", "property"})

# Spec, 'region' (services and databases alike).
REGIONS = frozenset({"oregon", "ohio", "virginia", "frankfurt", "singapore"})
# Spec, 'runtime'.
RUNTIMES = frozenset(
    {"node", "python", "elixir", "go", "ruby", "rust", "docker", "image", "static"}
)
# Spec, 'plan' under 'Service fields', tab "Private Service / Background Worker" (the web
# service tab adds `free`). The schema still accepts older names such as `starter`; these are
# the plan IDs the spec lists.
SERVICE_PLANS = frozenset(
    {
        "0.5c-512mb",
        "1c-2g",
        "2c-4g",
        "2c-8g",
        "2c-16g",
        "4c-8g",
        "4c-16g",
        "4c-32g",
        "8c-16g",
        "8c-32g",
        "8c-64g",
        "12c-24g",
        "12c-48g",
        "12c-96g",
    }
)
# Spec, 'plan' under 'Service fields', tab "Key Value".
KEY_VALUE_PLANS = frozenset({"free", "256mb", "1g", "5g", "10g", "20g", "40g"})
# Spec, 'plan' under 'Database fields'.
DATABASE_PLANS = frozenset(
    {
        "free",
        "0.1c-256mb",
        "0.5c-1g",
        "1c-2g",
        "1c-4g",
        "2c-4g",
        "2c-8g",
        "2c-16g",
        "4c-16g",
        "4c-32g",
        "8c-32g",
        "8c-64g",
        "16c-64g",
        "16c-128g",
        "32c-128g",
        "32c-256g",
        "48c-192g",
        "48c-384g",
        "64c-256g",
        "64c-512g",
        "96c-384g",
        "96c-768g",
        "128c-512g",
        "128c-1024g",
    }
)
# Spec, 'maxmemoryPolicy'.
MAXMEMORY_POLICIES = frozenset(
    {
        "allkeys-lru",
        "volatile-lru",
        "allkeys-random",
        "volatile-random",
        "volatile-ttl",
        "noeviction",
    }
)
# Spec, 'autoDeployTrigger': it "replaces the deprecated `autoDeploy` field" (which is
# therefore not in SERVICE_FIELDS).
AUTO_DEPLOY_TRIGGERS = frozenset({"commit", "checksPass", "off"})

Entry = dict[str, Any]


def operator_input() -> dict[str, str]:
    """What an operator types in at one service's prompts, generated as the docs say."""
    typed = production_secrets()
    del typed["API_KEY_PEPPER"]  # Render generates it (`generateValue`).
    return typed | {
        "ACTIVEPIECES_BASE_URL": "https://cloud.activepieces.com",
        "PUBLIC_BASE_URL": "https://api.example.com",
        "METRICS_TOKEN": secrets.token_urlsafe(32),
        "CORS_ALLOWED_ORIGINS": "https://app.example.com",
    }


@dataclass
class Applied:
    """The Blueprint as Render applies it the first time.

    Spec, 'Prompting for secret values': Render prompts for each service's `sync: false`
    variables, so a value asked for on two services is typed twice (here: two different
    values). Spec, 'Generating random secrets': Render generates a value where it is declared,
    so a group's generated value is one value for every service linked to the group.
    """

    blueprint: dict[str, Any]
    typed: dict[str, dict[str, str]] = field(default_factory=dict)
    generated: dict[tuple[str, str], str] = field(default_factory=dict)

    def typed_at(self, service: Entry) -> dict[str, str]:
        return self.typed.setdefault(service["name"], operator_input())

    def generated_for(self, declared_in: str, key: str) -> str:
        # Spec: "a randomized, base64-encoded, 256-bit value".
        value = base64.b64encode(secrets.token_bytes(32)).decode()
        return self.generated.setdefault((declared_in, key), value)


@pytest.fixture(scope="module")
def blueprint() -> dict[str, Any]:
    return load_yaml("render.yaml")


def service_named(blueprint: dict[str, Any], name: str) -> Entry:
    matches: list[Entry] = [s for s in blueprint["services"] if s["name"] == name]
    assert len(matches) == 1, f"expected one service named {name}"
    return matches[0]


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
    applied: Applied, service: Entry, key: str, source: str, entry: Entry
) -> str | None:
    """The value a process gets, as Render fills it in; None where Render sets nothing."""
    blueprint = applied.blueprint
    if "value" in entry:
        return str(entry["value"])
    if entry.get("generateValue") is True:
        return applied.generated_for(service["name"] if source == "service" else source, key)
    if entry.get("sync") is False:
        return applied.typed_at(service)[key] if source == "service" else None
    if "fromDatabase" in entry:
        reference = entry["fromDatabase"]
        assert reference["property"] == "connectionString"
        (database,) = [db for db in blueprint["databases"] if db["name"] == reference["name"]]
        return f"postgresql://{database['user']}:pw@{database['name']}/{database['databaseName']}"
    if "fromService" in entry:
        reference = entry["fromService"]
        target = service_named(blueprint, reference["name"])
        assert target["type"] == reference["type"]
        if "envVarKey" in reference:
            # Spec, 'Referencing service properties': the referenced service's own value.
            return rendered_env(applied, target).get(reference["envVarKey"])
        # Spec, 'Supported properties': `connectionString` is for Postgres and Key Value only.
        assert reference["type"] == "keyvalue"
        assert reference["property"] == "connectionString"
        return f"redis://{target['name']}:6379"
    raise AssertionError(f"{key}: no value, generateValue, sync: false or reference")


def rendered_env(applied: Applied, service: Entry) -> dict[str, str]:
    """The environment a service's process starts with."""
    values = {
        key: value_at_runtime(applied, service, key, source, entry)
        for key, (source, entry) in environment(applied.blueprint, service).items()
    }
    return {key: value for key, value in values.items() if value is not None}


def test_web_service_builds_migrates_serves_and_checks_serving(blueprint: dict[str, Any]) -> None:
    web = service_of_type(blueprint, "web")
    assert web["runtime"] == "python"
    assert web["startCommand"] == "aetherflow api"
    # Spec, 'preDeployCommand': runs after the build command and before the start command.
    assert web["preDeployCommand"] == "aetherflow migrate"
    # `/serving`, not the contract's strict `/ready`: a Redis blip or a newer release's
    # migration must not take instances out of rotation (docs/RENDER_DEPLOY.md).
    assert web["healthCheckPath"] == "/serving"
    paths = create_app(Settings(_env_file=None)).openapi()["paths"]
    assert "get" in paths["/ready"]
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


@pytest.mark.parametrize("field_name", ["startCommand", "preDeployCommand"])
def test_commands_are_real_cli_commands(blueprint: dict[str, Any], field_name: str) -> None:
    for service in blueprint["services"]:
        if field_name not in service:
            continue
        program, *arguments = shlex.split(service[field_name])
        assert program == "aetherflow"
        assert parse(arguments).command == arguments[0]


def test_build_installs_exactly_the_locked_dependencies_then_the_checkout(
    blueprint: dict[str, Any],
) -> None:
    steps = [
        shlex.split(step) for step in service_of_type(blueprint, "web")["buildCommand"].split("&&")
    ]
    assert steps == [
        ["pip", "install", "--require-hashes", "--no-deps", "-r", "requirements.lock"],
        ["pip", "install", "--no-deps", "--no-build-isolation", "-e", "."],
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
    # Without build isolation the project is built by what the first step installed: the build
    # backend must be in the lock, at the version the project asks for.
    pinned = {line.split()[0] for line in requirements}
    assert any(pin.startswith("setuptools==") for pin in pinned)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(pyproject["build-system"]["requires"]) <= pinned


def test_python_version_is_pinned_to_3_11(blueprint: dict[str, Any]) -> None:
    for service in (service_of_type(blueprint, "web"), service_of_type(blueprint, "worker")):
        _, entry = environment(blueprint, service)["PYTHON_VERSION"]
        assert re.fullmatch(r"3\.11\.\d+", entry["value"])


@pytest.mark.parametrize("kind", ["web", "worker"])
def test_each_process_gets_every_setting_production_requires(
    blueprint: dict[str, Any], kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = rendered_env(Applied(blueprint), service_of_type(blueprint, kind))
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


def test_prompted_values_are_typed_once_on_the_api_and_the_worker_reads_them(
    blueprint: dict[str, Any],
) -> None:
    for group in blueprint.get("envVarGroups", []):
        assert not [e["key"] for e in group["envVars"] if e.get("sync") is False], group["name"]
    web = service_of_type(blueprint, "web")
    worker = service_of_type(blueprint, "worker")
    prompts = [
        (service["name"], entry["key"])
        for service in blueprint["services"]
        for entry in service.get("envVars", [])
        if entry.get("sync") is False
    ]
    assert sorted(key for _, key in prompts) == sorted(PROMPTED), "each value asked for once"
    assert {name for name, _ in prompts} == {web["name"]}
    # Spec, 'Referencing service properties': `envVarKey` references "an environment variable
    # of another service" (it names no kind of variable it excludes), and the reference takes
    # that variable's current value at each Blueprint sync.
    worker_entries = environment(blueprint, worker)
    for key in PROMPTED - API_ONLY:
        _, entry = worker_entries[key]
        assert entry == {
            "key": key,
            "fromService": {"type": "web", "name": web["name"], "envVarKey": key},
        }
    applied = Applied(blueprint)
    web_env = rendered_env(applied, web)
    worker_env = rendered_env(applied, worker)
    for key in (PROMPTED - API_ONLY) | SECRETS | REQUIRED_IN_PRODUCTION:
        assert worker_env[key] == web_env[key], f"{key} differs between the API and the worker"
    assert not API_ONLY & set(worker_env)


def test_secrets_are_never_written_down(blueprint: dict[str, Any]) -> None:
    for holder in [*blueprint["services"], *blueprint.get("envVarGroups", [])]:
        for entry in holder.get("envVars", []):
            if entry.get("key") in SECRETS:
                assert "value" not in entry, f"{entry['key']} must not be committed"


def test_every_variable_is_a_setting(blueprint: dict[str, Any]) -> None:
    declared = [
        entry["key"]
        for holder in [*blueprint["services"], *blueprint.get("envVarGroups", [])]
        for entry in holder.get("envVars", [])
        if "key" in entry
    ]
    assert declared
    assert set(declared) <= SETTING_NAMES | PLATFORM_VARIABLES
    # `aetherflow api` binds 0.0.0.0 and Render's PORT in production by itself. A background
    # worker accepts no connections: its metrics reach the scraper through the API's /metrics.
    assert not {"HOST", "PORT", "WORKER_METRICS_PORT"} & set(declared)
    asked = {
        entry["key"]
        for holder in [*blueprint["services"], *blueprint.get("envVarGroups", [])]
        for entry in holder.get("envVars", [])
        if entry.get("sync") is False
    }
    assert asked <= set(operator_input()), "every sync: false variable needs a test value"


def test_every_field_is_one_the_blueprint_spec_documents(blueprint: dict[str, Any]) -> None:
    assert set(blueprint) <= ROOT_FIELDS
    for service in blueprint["services"]:
        kind = service["type"]
        if kind == "keyvalue":
            assert set(service) <= KEY_VALUE_FIELDS, service["name"]
            assert service["plan"] in KEY_VALUE_PLANS
            assert service["maxmemoryPolicy"] in MAXMEMORY_POLICIES
            assert isinstance(service["ipAllowList"], list)
        else:
            assert kind in {"web", "worker"}
            allowed = SERVICE_FIELDS if kind == "web" else SERVICE_FIELDS - WEB_ONLY_FIELDS
            assert set(service) <= allowed, service["name"]
            assert service["runtime"] in RUNTIMES
            assert service["plan"] in SERVICE_PLANS
            assert service.get("autoDeployTrigger", "commit") in AUTO_DEPLOY_TRIGGERS
        assert service["region"] in REGIONS
        # Spec, 'healthCheckPath': "This value always starts with a `/` character".
        assert service.get("healthCheckPath", "/").startswith("/")
    for database in blueprint.get("databases", []):
        assert set(database) <= DATABASE_FIELDS, database["name"]
        assert database["plan"] in DATABASE_PLANS
        assert database["region"] in REGIONS
        # Spec, 'PostgreSQL settings': "The major version number of PostgreSQL to use, as a
        # string".
        assert re.fullmatch(r"\d+", database["postgresMajorVersion"])
    for group in blueprint.get("envVarGroups", []):
        assert set(group) <= GROUP_FIELDS, group["name"]
        for entry in group["envVars"]:
            assert frozenset(entry) in GROUP_ENV_VAR_FORMS, entry
            assert entry.get("generateValue", True) is True
    for service in blueprint["services"]:
        for entry in service.get("envVars", []):
            assert frozenset(entry) in SERVICE_ENV_VAR_FORMS, entry
            assert entry.get("sync", False) is False  # the spec documents `sync: false` only
            assert entry.get("generateValue", True) is True
            if "fromService" in entry:
                assert frozenset(entry["fromService"]) in FROM_SERVICE_FORMS, entry
            if "fromDatabase" in entry:
                assert set(entry["fromDatabase"]) == FROM_DATABASE_FIELDS, entry


@pytest.mark.parametrize("kind", ["web", "worker"])
def test_deploys_only_commits_whose_checks_pass(blueprint: dict[str, Any], kind: str) -> None:
    service = service_of_type(blueprint, kind)
    # Spec, 'autoDeployTrigger': `checksPass` deploys "only if the linked branch's CI checks
    # pass"; if omitted, a new service uses `commit`.
    assert service["autoDeployTrigger"] == "checksPass"


@pytest.mark.parametrize(
    ("kind", "shutdown_seconds"),
    [("web", GRACEFUL_SHUTDOWN_SECONDS), ("worker", SHUTDOWN_DEADLINE_SECONDS)],
)
def test_render_waits_until_each_process_has_shut_down(
    blueprint: dict[str, Any], kind: str, shutdown_seconds: int
) -> None:
    # Spec, 'maxShutdownDelaySeconds': how long Render waits after SIGTERM before SIGKILL; an
    # integer from 1 to 300 for web services and background workers.
    delay = service_of_type(blueprint, kind)["maxShutdownDelaySeconds"]
    assert isinstance(delay, int)
    assert 1 <= delay <= 300
    assert shutdown_seconds < delay


def test_datastores_are_private_and_in_the_services_region(blueprint: dict[str, Any]) -> None:
    # Spec, 'Inbound IP rules': an empty `ipAllowList` blocks every external connection.
    keyvalue = service_of_type(blueprint, "keyvalue")
    assert keyvalue["ipAllowList"] == []
    # The queue and the replay guard must not lose keys silently when memory is full.
    assert keyvalue["maxmemoryPolicy"] == "noeviction"
    (database,) = blueprint["databases"]
    assert database["ipAllowList"] == []
    # Spec, glossary, 'region': "Services in the same region can communicate over their
    # private network".
    regions = {resource.get("region") for resource in [*blueprint["services"], database]}
    assert len(regions) == 1
