"""render.yaml: the Blueprint uses only what Render's Blueprint spec documents, runs real CLI
commands, and gives the API and the worker every setting production requires, with one value
for each secret in both processes; the web console is a static site that builds with exactly
`npm ci && npm run build`, answers every path with its index.html under a strict CSP, and calls
the API, which points console links at it and accepts its persisted documents.

Sections cited as "spec, '…'" are those of Render's Blueprint YAML Reference
(render.com/docs/blueprint-spec); its JSON schema is render.com/schema/render.yaml.json.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import shlex
import tomllib
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.api.hardening import CONSOLE_CONTENT_SECURITY_POLICY
from app.api.server import GRACEFUL_SHUTDOWN_SECONDS
from app.cli import parse
from app.core.config import Settings
from app.main import create_app
from db.migrate import MIGRATIONS_DIR
from jobs.worker import SHUTDOWN_DEADLINE_SECONDS
from schema.app import Schema, build_schema
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
        "CONSOLE_URL",
        "SESSION_SIGNING_KEYS",
    }
)
# Read by the API alone: the worker serves no browser, mints no console link and runs no
# GraphQL.
API_ONLY = frozenset({"CORS_ALLOWED_ORIGINS", "CONSOLE_URL", "GRAPHQL_TRUSTED_DOCUMENTS"})
# The console static site's build-time variables (web/vite.config.ts, web/src/api/config.ts):
# read by Vite, not by the application's settings. The API's URL is asked for.
CONSOLE_BUILD_VARIABLES = {
    "VITE_API_BASE_URL": {"sync": False},
    "CONSOLE_BASE_PATH": {"value": "/"},
}
CONSOLE_MANIFEST = "web/src/gql/persisted-documents.json"

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
# A static site is `type: web` with `runtime: static` (spec, 'type' and 'runtime'). Its fields:
# 'Essential fields' (name, type, runtime, previews; ipAllowList, domains and
# renderSubdomainPolicy, "web services and static sites only"; no plan or region: the site is
# served from Render's CDN), 'Build' (buildCommand, rootDir, buildFilter, repo, branch,
# autoDeployTrigger), 'Static sites' (staticPublishPath, headers, routes; and the older
# pullRequestPreviewsEnabled, superseded by previews.generation), 'Environment variables'
# (envVars: read at build time).
STATIC_SITE_FIELDS = frozenset(
    {
        "name",
        "type",
        "runtime",
        "previews",
        "pullRequestPreviewsEnabled",
        "ipAllowList",
        "domains",
        "renderSubdomainPolicy",
        "repo",
        "branch",
        "rootDir",
        "buildCommand",
        "buildFilter",
        "autoDeployTrigger",
        "staticPublishPath",
        "headers",
        "routes",
        "envVars",
    }
)
# Spec, 'Static sites', 'headers': each entry is a path (wildcards allowed), a header name and
# its value; 'routes': a redirect or rewrite rule from a source path to a destination.
STATIC_HEADER_FIELDS = frozenset({"path", "name", "value"})
STATIC_ROUTE_FIELDS = frozenset({"type", "source", "destination"})
STATIC_ROUTE_TYPES = frozenset({"redirect", "rewrite"})
# Spec, 'Setting environment variables': a static site holds plain or prompted values only (no
# database or private-network references: it has no process to give them to).
STATIC_ENV_VAR_FORMS = (frozenset({"key", "value"}), frozenset({"key", "sync"}))
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
        # As docs/RENDER_DEPLOY.md says: the console static site's origin, and its URL.
        "CORS_ALLOWED_ORIGINS": "https://console.example.com",
        "CONSOLE_URL": "https://console.example.com/",
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


def is_static_site(service: Entry) -> bool:
    return service["type"] == "web" and service.get("runtime") == "static"


def service_of_type(blueprint: dict[str, Any], kind: str) -> Entry:
    """The one service of this type that runs a process (static sites are left out)."""
    matches: list[Entry] = [
        s for s in blueprint["services"] if s["type"] == kind and not is_static_site(s)
    ]
    assert len(matches) == 1, f"expected one service of type {kind}"
    return matches[0]


def static_site(blueprint: dict[str, Any]) -> Entry:
    matches: list[Entry] = [s for s in blueprint["services"] if is_static_site(s)]
    assert len(matches) == 1, "expected one static site"
    return matches[0]


def processes(blueprint: dict[str, Any]) -> list[Entry]:
    """Every service but the static sites."""
    return [s for s in blueprint["services"] if not is_static_site(s)]


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
        for service in processes(blueprint)
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
    # The static site's variables are the console build's (test_console_builds_...).
    holders = [*processes(blueprint), *blueprint.get("envVarGroups", [])]
    declared = [
        entry["key"] for holder in holders for entry in holder.get("envVars", []) if "key" in entry
    ]
    assert declared
    assert set(declared) <= SETTING_NAMES | PLATFORM_VARIABLES
    # `aetherflow api` binds 0.0.0.0 and Render's PORT in production by itself. A background
    # worker accepts no connections: its metrics reach the scraper through the API's /metrics.
    assert not {"HOST", "PORT", "WORKER_METRICS_PORT"} & set(declared)
    asked = {
        entry["key"]
        for holder in holders
        for entry in holder.get("envVars", [])
        if entry.get("sync") is False
    }
    assert asked <= set(operator_input()), "every sync: false variable needs a test value"


def test_every_field_is_one_the_blueprint_spec_documents(blueprint: dict[str, Any]) -> None:
    assert set(blueprint) <= ROOT_FIELDS
    for service in blueprint["services"]:
        kind = service["type"]
        if is_static_site(service):
            assert set(service) <= STATIC_SITE_FIELDS, service["name"]
            assert service.get("autoDeployTrigger", "commit") in AUTO_DEPLOY_TRIGGERS
            for header in service.get("headers", []):
                assert set(header) == STATIC_HEADER_FIELDS, header
                assert header["path"].startswith("/")
            for route in service.get("routes", []):
                assert set(route) == STATIC_ROUTE_FIELDS, route
                assert route["type"] in STATIC_ROUTE_TYPES
                # Render: a rule's source "must be a path (not a full URL)".
                assert route["source"].startswith("/")
            for entry in service.get("envVars", []):
                assert frozenset(entry) in STATIC_ENV_VAR_FORMS, entry
                assert entry.get("sync", False) is False
            continue
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
    regions = {resource.get("region") for resource in [*processes(blueprint), database]}
    assert len(regions) == 1


def csp_directives(policy: str) -> dict[str, str]:
    """A Content-Security-Policy as {directive: its sources}."""
    directives: dict[str, str] = {}
    for part in policy.split(";"):
        name, _, sources = part.strip().partition(" ")
        assert name not in directives, f"{name} twice"
        directives[name] = sources.strip()
    return directives


def headers_at(site: Entry, path: str) -> dict[str, str]:
    """The headers the static site declares for exactly this path pattern."""
    found: dict[str, str] = {}
    for header in site.get("headers", []):
        if header["path"] == path:
            assert header["name"] not in found, f"{header['name']} twice for {path}"
            found[header["name"]] = header["value"]
    return found


def test_console_static_site_builds_with_exactly_npm_ci_and_npm_run_build(
    blueprint: dict[str, Any],
) -> None:
    site = static_site(blueprint)
    assert site["type"] == "web"
    assert site["runtime"] == "static"
    # Spec, 'rootDir': the build runs in web/, where package.json and its lock are.
    assert site["rootDir"] == "web"
    assert site["buildCommand"] == "npm ci && npm run build"
    web = ROOT / site["rootDir"]
    assert (web / "package-lock.json").is_file()
    package = json.loads((web / "package.json").read_text(encoding="utf-8"))
    # The build uses only what is in web/: the generated GraphQL code and the manifest are
    # committed (codegen reads ../docs/schema.graphql, which a rootDir build need not see).
    assert "codegen" not in package["scripts"]["build"]
    # Spec, 'staticPublishPath': relative to rootDir; Vite writes the build to web/dist.
    assert site["staticPublishPath"] == "dist"
    vite_config = (web / "vite.config.ts").read_text(encoding="utf-8")
    assert 'outDir: "dist"' in vite_config
    # Static sites run on Render's CDN: no compute plan, no region.
    assert "plan" not in site
    assert "region" not in site


def test_console_build_variables_are_exactly_the_consoles(blueprint: dict[str, Any]) -> None:
    site = static_site(blueprint)
    declared = {
        entry["key"]: {k: v for k, v in entry.items() if k != "key"} for entry in site["envVars"]
    }
    assert len(declared) == len(site["envVars"])
    # The API's URL is typed at the prompt; the console is served at the site's root.
    assert declared == CONSOLE_BUILD_VARIABLES
    web = ROOT / site["rootDir"]
    assert "process.env.CONSOLE_BASE_PATH" in (web / "vite.config.ts").read_text(encoding="utf-8")
    config = (web / "src" / "api" / "config.ts").read_text(encoding="utf-8")
    assert "import.meta.env.VITE_API_BASE_URL" in config


def test_console_is_a_single_page_app(blueprint: dict[str, Any]) -> None:
    # Render serves an existing file before applying any rule ('Static Site Redirects and
    # Rewrites', "Rule matching and ordering"), so assets are untouched and every other path
    # gets index.html, where the client-side router takes over.
    assert static_site(blueprint)["routes"] == [
        {"type": "rewrite", "source": "/*", "destination": "/index.html"}
    ]


def test_console_static_site_sends_the_consoles_security_headers(
    blueprint: dict[str, Any],
) -> None:
    site = static_site(blueprint)
    everywhere = headers_at(site, "/*")
    assert everywhere["X-Frame-Options"] == "DENY"
    assert everywhere["X-Content-Type-Options"] == "nosniff"
    assert everywhere["Referrer-Policy"] == "no-referrer"
    served = csp_directives(everywhere["Content-Security-Policy"])
    api = csp_directives(CONSOLE_CONTENT_SECURITY_POLICY)
    # The same policy as the console the API serves, except where the console may connect.
    assert {k: v for k, v in served.items() if k != "connect-src"} == {
        k: v for k, v in api.items() if k != "connect-src"
    }
    # Exactly one API origin, over https and (subscriptions) wss; no wildcard, no scheme-only
    # source. docs/RENDER_DEPLOY.md says when to edit it.
    https_origin, wss_origin = served["connect-src"].split()
    assert re.fullmatch(r"https://[a-z0-9.-]+", https_origin)
    assert wss_origin == "wss://" + https_origin.removeprefix("https://")
    # It is the address the docs give for PUBLIC_BASE_URL by default: the API service's name.
    assert https_origin == f"https://{service_of_type(blueprint, 'web')['name']}.onrender.com"
    # Vite names every asset under assets/ by its content hash: cached for good.
    assert "assetsDir" not in (ROOT / "web" / "vite.config.ts").read_text(encoding="utf-8")
    assets = headers_at(site, "/assets/*")
    assert set(assets) == {"Cache-Control"}
    assert "immutable" in assets["Cache-Control"].split(", ")
    assert "max-age=31536000" in assets["Cache-Control"].split(", ")
    assert {header["path"] for header in site["headers"]} == {"/*", "/assets/*"}


def test_console_deploys_only_commits_whose_checks_pass(blueprint: dict[str, Any]) -> None:
    # Spec, 'autoDeployTrigger', as for the API and the worker.
    assert static_site(blueprint)["autoDeployTrigger"] == "checksPass"


def test_api_points_console_links_at_the_static_site_and_trusts_its_documents(
    blueprint: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    web = service_of_type(blueprint, "web")
    entries = {entry["key"]: entry for entry in web["envVars"] if "key" in entry}
    assert entries["CONSOLE_URL"] == {"key": "CONSOLE_URL", "sync": False}
    assert entries["GRAPHQL_TRUSTED_DOCUMENTS"] == {
        "key": "GRAPHQL_TRUSTED_DOCUMENTS",
        "value": CONSOLE_MANIFEST,
    }
    # Unset, so false: other GraphQL clients keep sending their own documents.
    assert "GRAPHQL_TRUSTED_ONLY" not in environment(blueprint, web)
    # The API runs from the checkout: the relative path is the committed manifest.
    manifest_path = ROOT / CONSOLE_MANIFEST
    assert manifest_path.is_file()
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest
    settings = settings_from(rendered_env(Applied(blueprint), web), monkeypatch)
    assert not settings.graphql_trusted_only
    # Typed as the docs say, the console's origin may call the API, and console links (and the
    # origin their tokens are bound to) are the static site's.
    assert settings.console_address == "https://console.example.com/"
    assert settings.console_origin in settings.cors_allowed_origins
    # The manifest loads as the API loads it at start-up (load_trusted_documents, with the
    # production validation rules), from the checkout's root.
    monkeypatch.chdir(ROOT)
    schema = build_schema(settings)
    assert isinstance(schema, Schema)
    assert schema.gate is not None
    assert schema.gate.persisted.trusted.documents == manifest
