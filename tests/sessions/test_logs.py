"""Logs show a token's subject and session id, never the token."""

from __future__ import annotations

import io
import logging

from loguru import logger

from app.core.config import Settings
from app.core.logging import redact
from tests.asgi import serve
from tests.factories import Keys, bearer
from tests.logs import parsed
from tests.sessions.helpers import APP_ORIGIN, mint

REPORTS = "/v1/tenants/acme/reports"


async def test_access_lines_carry_subject_and_session_id_and_no_token(
    log_lines: io.StringIO, settings: Settings, tenant_keys: Keys
) -> None:
    async with serve(settings) as client:
        minted = await mint(client, tenant_keys, subject="user-42")
        token = minted["token"]
        await client.get(REPORTS, headers={**bearer(token), "Origin": APP_ORIGIN})
        await client.get(REPORTS, headers={**bearer(token), "Origin": "https://evil.example"})
        await client.post(
            "/v1/tenants/acme/graphql",
            json={"query": "{ latestReport { slug } }"},
            headers=bearer(token),
        )
        await client.get(REPORTS, headers=bearer(token[:-3] + "abc"))
    logger.info("a careless line: {}", token)
    logging.getLogger("some.library").warning("token=%s", token)

    text = log_lines.getvalue()
    signature = token.split(".")[2]
    payload = token.split(".")[1]
    assert signature not in text
    assert payload not in text
    access = [line for line in parsed(log_lines) if line["message"] == "request"]
    by_token = [line for line in access if line.get("route") != "/v1/tenants/{tenantId}/sessions"]
    statuses = [(line["status"], line.get("subject"), line.get("sessionId")) for line in by_token]
    assert statuses == [
        (200, "user-42", minted["id"]),
        (403, "user-42", minted["id"]),
        (200, "user-42", minted["id"]),
        (401, None, None),
    ]
    minting = [line for line in access if line.get("route") == "/v1/tenants/{tenantId}/sessions"]
    assert "subject" not in minting[0]


def test_a_token_anywhere_in_a_line_is_redacted() -> None:
    token = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    assert redact(f"got {token} from") == "got [redacted token] from"
    assert redact(f"Bearer {token}") == "Bearer [redacted]"
