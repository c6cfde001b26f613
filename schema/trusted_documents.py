"""The trusted-documents manifest (GRAPHQL_TRUSTED_DOCUMENTS): `{"<sha256>": "<document>", ...}`,
read and checked once at start-up; a bad manifest stops the process with a settings error."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from graphql import GraphQLSchema, OperationDefinitionNode, parse, specified_rules
from graphql.validation import ASTValidationRule
from strawberry.schema.schema import validate_document

from app.core.config import SettingsError

SETTING = "GRAPHQL_TRUSTED_DOCUMENTS"


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


@dataclass(frozen=True)
class TrustedDocuments:
    """Documents accepted by hash alone; their operation names label the operation metrics."""

    documents: dict[str, str]
    operation_names: frozenset[str]

    @classmethod
    def none(cls) -> TrustedDocuments:
        return cls({}, frozenset())


def load_trusted_documents(
    path: str | None,
    schema: GraphQLSchema,
    *,
    max_tokens: int,
    rules: tuple[type[ASTValidationRule], ...],
) -> TrustedDocuments:
    """The manifest at `path` (none without one). Every hash must be the sha256 (lowercase hex)
    of its document's UTF-8 text, and every document must parse and pass the same validation
    as a request's (the abuse limits included); otherwise SettingsError, one line a problem."""
    if not path:
        return TrustedDocuments.none()
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SettingsError([f"{SETTING}: cannot read the manifest ({error})."]) from None
    if not isinstance(manifest, dict) or not all(
        isinstance(value, str) for value in manifest.values()
    ):
        raise SettingsError(
            [f"{SETTING}: the manifest must be a JSON object of sha256 hashes to documents."]
        )
    problems: list[str] = []
    names: set[str] = set()
    for digest, document in manifest.items():
        if digest != sha256_hex(document):
            problems.append(f"{SETTING}: {digest[:80]!r} is not the sha256 of its document.")
            continue
        try:
            parsed = parse(document, max_tokens=max_tokens)
        except Exception as error:
            problems.append(f"{SETTING}: document {digest} does not parse: {error}")
            continue
        errors = validate_document(schema, parsed, (*specified_rules, *rules))
        if errors:
            problems.append(f"{SETTING}: document {digest} is not valid: {errors[0].message}")
            continue
        names.update(
            node.name.value
            for node in parsed.definitions
            if isinstance(node, OperationDefinitionNode) and node.name is not None
        )
    if problems:
        raise SettingsError(problems)
    return TrustedDocuments(dict(manifest), frozenset(names))
