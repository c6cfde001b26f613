"""docs/GRAPHQL.md, the front end's guide, says what the code does: its error table names every
code a GraphQL client can meet, its manifest example hashes its document, the settings it names
exist, and its worked cost examples are what the gateway computes."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from graphql import build_schema, get_operation_ast, parse

from app.core import errors
from app.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "GRAPHQL.md").read_text()
SDL = (ROOT / "docs" / "schema.graphql").read_text()
# Codes only the ActivePieces callback answers: no GraphQL request meets them.
CALLBACK_ONLY = {"invalid_signature", "webhook_replayed", "run_already_completed"}
SETTING_PREFIXES = (
    "GRAPHQL_",
    "RATE_LIMIT_",
    "SESSION_",
    "OIDC_",
    "CORS_",
    "MAX_BODY_",
    "API_",
    "DATABASE_",
    "IDEMPOTENCY_",
    "PUBLIC_BASE_URL",
)


def section(title: str) -> str:
    start = GUIDE.index(f"\n## {title}\n")
    end = GUIDE.find("\n## ", start + 1)
    return GUIDE[start : end if end != -1 else None]


def table_rows(text: str) -> list[list[str]]:
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[1:]]


def error_codes_of_the_code() -> set[str]:
    found: set[str] = set()
    pending: list[type[errors.AppError]] = [errors.AppError]
    while pending:
        error = pending.pop()
        found.add(error.code)
        pending.extend(error.__subclasses__())
    return found


def test_the_error_table_names_every_code_a_graphql_client_can_meet() -> None:
    documented = {
        code
        for row in table_rows(section("Errors"))
        for code in re.findall(r"`([A-Za-z_]+)`", row[0])
    }
    known = error_codes_of_the_code()
    assert documented - known == set(), "codes the code does not have"
    assert known - CALLBACK_ONLY - documented == set(), "codes missing from the table"


def test_the_manifest_example_is_keyed_by_the_sha256_of_each_document() -> None:
    blocks = re.findall(r"```json\n(.*?)```", section("Codegen from the committed schema"), re.S)
    manifests = [json.loads(block) for block in blocks]
    entries = [(key, value) for manifest in manifests for key, value in manifest.items()]
    assert entries
    for digest, document in entries:
        assert digest == hashlib.sha256(document.encode()).hexdigest()
        parse(document)


def test_the_settings_it_names_exist() -> None:
    named = set(re.findall(r"`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=[^`]*)?`", GUIDE))
    settings = {name for name in named if name.startswith(SETTING_PREFIXES)}
    assert "GRAPHQL_TRUSTED_ONLY" in settings
    assert {name for name in settings if name.lower() not in Settings.model_fields} == set()


def test_the_worked_cost_examples_are_what_the_gateway_computes() -> None:
    cost = pytest.importorskip("schema.cost")
    schema = build_schema(SDL)
    examples: list[tuple[str, dict[str, int], str]] = []
    for cells in table_rows(section("Cost and the points quota")):
        text, *given = re.findall(r"`([^`]+)`", cells[0])
        examples.append((text, json.loads(given[0]) if given else {}, cells[1]))
    walk_through = section("Try it with curl")
    refused = walk_through[walk_through.index("A query refused for its cost") :]
    query = re.search(r"^Q='(.*)'$", refused, re.M)
    price = re.search(r"`extensions.cost.requested` (\d+)", refused)
    assert query is not None
    assert price is not None
    examples.append((query.group(1), {}, price.group(1)))
    assert len(examples) >= 6
    computed = 0
    for text, variables, stated in examples:
        document = parse(text)
        operation = get_operation_ast(document)
        assert operation is not None
        computed = cost.shape_of(schema, document, operation, remember=False).cost(variables)
        assert stated.split(":")[0] == str(computed), text
    assert computed > Settings.model_fields["graphql_max_cost"].default
