"""Each distinct document is parsed and validated once: clients send the same few documents
over and over, and graphql-core's validation costs more than executing them.

Both caches are keyed by the document's text (with the parse options and, for validation, the
schema and its rules), so a cache hit costs a dictionary lookup. Strawberry's ParserCache is not
used: it raises a syntax error from inside its hook, where the operation's extensions (the error
codes among them) no longer see the result. Here a document that does not parse is not cached;
Strawberry parses it again and reports the error as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    specified_rules,
)
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

# Bounded, so that no caller can grow the process: a parsed document keeps its tokens (about
# 140 bytes a character at worst), so at most 128 documents of up to 2,000 characters (some
# 36 MB at worst, a few kilobytes for what clients send). Longer documents are parsed and
# validated each time, as without the cache.
DOCUMENT_CACHE_SIZE = 128
CACHEABLE_DOCUMENT_CHARS = 2_000


@lru_cache(maxsize=DOCUMENT_CACHE_SIZE)
def parsed(query: str, **options: Any) -> DocumentNode | None:
    try:
        return parse(query, **options)
    except Exception:
        return None


@lru_cache(maxsize=DOCUMENT_CACHE_SIZE)
def validated(
    schema: GraphQLSchema,
    rules: tuple[type[ASTValidationRule], ...],
    query: str,
    **options: Any,
) -> list[GraphQLError]:
    document = parsed(query, **options)
    assert document is not None, "validated only once parsed"
    return validate_document(schema, document, rules)


@dataclass(frozen=True)
class ValidDocument:
    """A cached document that parsed and passed validation, and the one operation it holds."""

    document: DocumentNode
    operation: OperationDefinitionNode


@dataclass(frozen=True)
class DocumentLimits:
    """A schema's parse options and validation rules, as CachedDocuments applies them."""

    max_tokens: int
    rules: tuple[type[ASTValidationRule], ...]

    def valid_document(self, schema: GraphQLSchema, query: str) -> ValidDocument | None:
        """`query`'s document if the caches hold it as valid with a single operation; None
        for anything else (the usual path reports it)."""
        if len(query) > CACHEABLE_DOCUMENT_CHARS:
            return None
        document = parsed(query, max_tokens=self.max_tokens)
        # Strawberry's own rules first, then ours: the key CachedDocuments validates under.
        rules = (*specified_rules, *self.rules)
        if document is None or validated(schema, rules, query, max_tokens=self.max_tokens):
            return None
        operations = [
            node for node in document.definitions if isinstance(node, OperationDefinitionNode)
        ]
        return ValidDocument(document, operations[0]) if len(operations) == 1 else None


class CachedDocuments(SchemaExtension):
    """Also the abuse limits: the token limit on parsing and the validation rules (one hook
    per request instead of Strawberry's MaxTokensLimiter and AddValidationRules)."""

    def __init__(self, limits: DocumentLimits) -> None:
        self.limits = limits

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.limits.max_tokens
        context.validation_rules = context.validation_rules + self.limits.rules
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if query := self._cacheable_query():
            context.graphql_document = parsed(query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query = self._cacheable_query()
        if query and context.graphql_document is not None:
            context.pre_execution_errors = validated(
                context.schema._schema,
                context.validation_rules,
                query,
                **context.parse_options,
            )
        yield

    def _cacheable_query(self) -> str | None:
        query = self.execution_context.query
        return query if query and len(query) <= CACHEABLE_DOCUMENT_CHARS else None
