"""REST routes for browser sessions (CONTRACT.md §15) and the published session keys."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Security
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import JSONResponse, Response

from app.api.body import json_body
from app.api.deps import RuntimeDep, api_key
from app.api.idempotency import Idempotency, respond
from app.api.operation_docs import documented
from app.core.errors import NotFound, ValidationFailed
from app.http.paths import TENANT_PREFIX
from app.idempotency.service import Outcome, StoredResponse, stored_json
from app.sessions import service as sessions
from app.sessions.schemas import (
    SESSIONS_SCOPE,
    PublicKeySet,
    SessionCreatedEnvelope,
    SessionIn,
    SessionOut,
)
from app.tenants.auth import Principal
from app.webhooks.secrets import SecretBox

router = APIRouter(prefix=TENANT_PREFIX, tags=["sessions"])
keys_router = APIRouter(tags=["sessions"])
SESSIONS = "/sessions"
JWKS_PATH = "/.well-known/jwks.json"
# Verifiers may keep the keys five minutes: a new key is published (listed, not yet signing)
# at least that long before it signs (docs/SESSIONS.md, "Rotating the signing keys").
JWKS_CACHE_CONTROL = "public, max-age=300"

SessionsWriter = Annotated[Principal, Security(api_key, scopes=[SESSIONS_SCOPE])]
NewSession = Annotated[SessionIn, Depends(json_body(SessionIn))]


@router.post(SESSIONS, status_code=201, response_model=SessionCreatedEnvelope)
@documented(raises=(ValidationFailed,))
async def create_session(
    who: SessionsWriter, idempotent: Idempotency, body: NewSession, runtime: RuntimeDep
) -> Response:
    """Mint a short-lived token a browser uses in place of an API key, for `subject`, with
    `scopes` (a subset of this key's, never `sessions:write`; 422 names each one the key
    lacks), usable from `origins` only. The token is shown in this response only."""
    sessions.check_grantable(body.scopes, who.scopes)
    box = SecretBox.from_keys(runtime.settings.data_encryption_key)

    async def effect(session: AsyncSession) -> StoredResponse:
        minted = await sessions.create_session(
            session,
            tenant_id=who.tenant_id,
            key_id=who.key_id,
            request=body,
            keys=runtime.settings.signing_keys,
            issuer=runtime.settings.session_issuer,
        )
        # The token goes in sealed (its Fernet token); _revealing_token opens it when sent.
        created = SessionOut(
            id=minted.record.id,
            token=box.encrypt(minted.token),
            expires_at=minted.record.expires_at,
            subject=minted.record.subject,
            scopes=minted.record.scopes,
            origins=minted.record.origins,
        )
        return stored_json(201, SessionCreatedEnvelope(data=created))

    outcome = await idempotent.run(effect)
    return respond(_revealing_token(outcome, box))


@router.delete(f"{SESSIONS}/{{session_id}}", status_code=204)
@documented(raises=(NotFound,))
async def delete_session(session_id: str, who: SessionsWriter, runtime: RuntimeDep) -> Response:
    """Revoke a session: its token is refused on every API process within a second. Deleting
    a session again is answered 204 too."""
    async with runtime.db.unit_of_work() as session:
        await sessions.revoke_session(session, tenant_id=who.tenant_id, session_id=session_id)
    return Response(status_code=204)


@keys_router.get(JWKS_PATH, response_model=PublicKeySet)
@documented(success_headers=("Cache-Control",))
async def session_signing_keys(runtime: RuntimeDep) -> JSONResponse:
    """The public keys that verify session tokens (a JSON Web Key Set; `kid` names the key in
    a token's header). No API key needed."""
    return JSONResponse(
        runtime.settings.signing_keys.public_jwks,
        headers={"Cache-Control": JWKS_CACHE_CONTROL},
    )


def _revealing_token(outcome: Outcome, box: SecretBox) -> Outcome:
    """The outcome with `data.token` decrypted: the response kept for idempotent replays holds
    the token as its Fernet token, so the token is never at rest."""
    document = json.loads(outcome.response.body)
    document["data"]["token"] = box.decrypt(document["data"]["token"])
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    return replace(outcome, response=replace(outcome.response, body=body))
