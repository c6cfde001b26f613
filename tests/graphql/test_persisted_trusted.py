"""Trusted documents (GRAPHQL_TRUSTED_DOCUMENTS, GRAPHQL_TRUSTED_ONLY; CONTRACT.md §15)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from redis.asyncio import Redis

from app.core.config import SettingsError
from app.main import create_app
from db.session import Database
from schema.persisted import KEY_PREFIX
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import Keys
from tests.graphql.helpers import GRAPHQL, without_cost
from tests.graphql.sockets import connect, receive
from tests.graphql.test_subscription import SUBSCRIBE
from tests.live import free_port, live_server
from tests.rate_limit.helpers import rate_limit_field

LATEST = "query Latest { latestReport { slug } }"
ENDPOINTS = "query Endpoints { webhookEndpoints { id } }"
OTHER = "{ latestReport { title } }"


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def manifest(tmp_path: Path, documents: dict[str, str]) -> str:
    path = tmp_path / "trusted-documents.json"
    path.write_text(json.dumps(documents), encoding="utf-8")
    return str(path)


def hashed(document: str) -> dict[str, Any]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha(document)}}}


async def post(client: httpx.AsyncClient, keys: Keys, body: dict[str, Any]) -> httpx.Response:
    return await client.post(GRAPHQL.format("acme"), json=body, headers=keys.headers)


def required(response: httpx.Response) -> bool:
    body = response.json()
    [error] = body["errors"]
    return (
        response.status_code == 200
        and body["data"] is None
        and error["extensions"]["code"] == "persisted_query_required"
        and error["message"] == "Only trusted documents are accepted; send a persisted query hash."
    )


async def test_trusted_only_accepts_the_manifest_and_refuses_anything_else(
    database_url: str, redis_url: str, tenant_keys: Keys, redis: Redis, tmp_path: Path
) -> None:
    path = manifest(tmp_path, {sha(LATEST): LATEST, sha(ENDPOINTS): ENDPOINTS})
    settings = make_settings(
        database_url,
        redis_url,
        graphql_trusted_documents=path,
        graphql_trusted_only=True,
        rate_limit_graphql_points_per_minute=100,
    )
    async with serve(settings) as client:
        by_hash = await post(client, tenant_keys, hashed(LATEST))
        by_text = await post(client, tenant_keys, {"query": ENDPOINTS})
        both = await post(client, tenant_keys, {"query": LATEST, **hashed(LATEST)})
        other_text = await post(client, tenant_keys, {"query": OTHER})
        other_hash = await post(client, tenant_keys, hashed(OTHER))
        other_both = await post(client, tenant_keys, {"query": OTHER, **hashed(OTHER)})
        over_get = await client.get(
            GRAPHQL.format("acme"),
            params={"query": OTHER},
            headers={**tenant_keys.headers, "accept": "application/json"},
        )
    assert without_cost(by_hash.json()) == {"data": {"latestReport": None}}
    assert without_cost(by_text.json()) == {"data": {"webhookEndpoints": []}}
    assert without_cost(both.json()) == {"data": {"latestReport": None}}
    assert all(required(r) for r in (other_text, other_hash, other_both, over_get))
    # A refusal spends one point; nothing was stored as a persisted query.
    assert rate_limit_field(other_hash).remaining == rate_limit_field(other_text).remaining - 1
    assert await redis.keys(KEY_PREFIX + "*") == []


async def test_trusted_documents_are_accepted_by_hash_beside_other_documents(
    database_url: str, redis_url: str, tenant_keys: Keys, redis: Redis, tmp_path: Path
) -> None:
    settings = make_settings(
        database_url, redis_url, graphql_trusted_documents=manifest(tmp_path, {sha(LATEST): LATEST})
    )
    async with serve(settings) as client:
        trusted = await post(client, tenant_keys, hashed(LATEST))
        other = await post(client, tenant_keys, {"query": OTHER})
    assert without_cost(trusted.json()) == {"data": {"latestReport": None}}
    assert without_cost(other.json()) == {"data": {"latestReport": None}}
    # Answered from the manifest, without Redis.
    assert await redis.keys(KEY_PREFIX + "*") == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (json.dumps({sha(LATEST): ENDPOINTS}), "is not the sha256 of its document"),
        (json.dumps({sha("{ nope }"): "{ nope }"}), "is not valid: Cannot query field 'nope'"),
        (json.dumps({sha("{ latestReport"): "{ latestReport"}), "does not parse"),
        ("[1, 2]", "must be a JSON object of sha256 hashes to documents"),
        (json.dumps({sha(LATEST): 1}), "must be a JSON object of sha256 hashes to documents"),
        ("{", "cannot read the manifest"),
    ],
)
def test_a_bad_manifest_stops_start_up(
    database_url: str, redis_url: str, tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "trusted-documents.json"
    path.write_text(content, encoding="utf-8")
    settings = make_settings(database_url, redis_url, graphql_trusted_documents=str(path))
    with pytest.raises(SettingsError) as refused:
        create_app(settings)
    [line] = refused.value.problems
    assert line.startswith("GRAPHQL_TRUSTED_DOCUMENTS: ")
    assert problem in line


def test_a_missing_manifest_and_one_over_the_abuse_limits_stop_start_up(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    missing = make_settings(
        database_url, redis_url, graphql_trusted_documents=str(tmp_path / "absent.json")
    )
    with pytest.raises(SettingsError, match="cannot read the manifest"):
        create_app(missing)
    deep = "{ reports { edges { node { slug } } } }"
    shallow = make_settings(
        database_url,
        redis_url,
        graphql_trusted_documents=manifest(tmp_path, {sha(deep): deep}),
        graphql_max_depth=2,
    )
    with pytest.raises(SettingsError, match="is not valid"):
        create_app(shallow)


async def test_trusted_only_holds_for_subscriptions_too(
    database_url: str, redis_url: str, tenant_keys: Keys, db: Database, tmp_path: Path
) -> None:
    """graphql-transport-ws carries no `extensions`: a subscription is trusted by its text."""
    path = manifest(tmp_path, {sha(SUBSCRIBE): SUBSCRIBE})
    port = free_port()
    settings = make_settings(
        database_url,
        redis_url,
        public_base_url=f"http://127.0.0.1:{port}",
        graphql_trusted_documents=path,
        graphql_trusted_only=True,
    )
    other = "subscription($id: ID!) { automationRunUpdated(id: $id) { id } }"
    answers = []
    async with live_server(settings, port=port) as base_url:
        for document in (other, SUBSCRIBE):
            socket = await connect(base_url, "acme", f"Bearer {tenant_keys.key}")
            try:
                assert (await receive(socket))["type"] == "connection_ack"
                await socket.send(
                    json.dumps(
                        {
                            "id": "1",
                            "type": "subscribe",
                            "payload": {"query": document, "variables": {"id": str(uuid4())}},
                        }
                    )
                )
                answers.append(await receive(socket))
            finally:
                await socket.close()
    assert [message["type"] for message in answers] == ["error", "error"]
    codes = [[e["extensions"]["code"] for e in message["payload"]] for message in answers]
    # The untrusted document is refused; the trusted one runs (and finds no such run).
    assert codes == [["persisted_query_required"], ["not_found"]]
