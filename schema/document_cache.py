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
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

# Distinct documents kept; bounded, so that no caller can grow the process.
DOCUMENT_CACHE_SIZE = 256


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


class CachedDocuments(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            context.graphql_document = parsed(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.query and context.graphql_document is not None:
            context.pre_execution_errors = validated(
                context.schema._schema,
                context.validation_rules,
                context.query,
                **context.parse_options,
            )
        yield
