"""`aetherflow console-link`: a one-time link that opens the web console signed in."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.console import emit
from app.cli.options import JsonOption, ScopeList, TenantOption, positive_int, scope_list_of
from app.cli.runner import command_settings, in_transaction
from app.core.time import rfc3339
from app.sessions import service as sessions
from app.sessions.schemas import (
    GRANTABLE_SCOPES,
    MAX_TTL_SECONDS,
    MIN_TTL_SECONDS,
    SessionIn,
)
from app.tenants import service as tenants

CONSOLE_LINK_TTL_SECONDS = 3600


def ttl_seconds(text: str) -> int:
    value = positive_int(text)
    if not MIN_TTL_SECONDS <= value <= MAX_TTL_SECONDS:
        raise typer.BadParameter(f"must be {MIN_TTL_SECONDS} to {MAX_TTL_SECONDS} seconds")
    return value


def console_link(
    tenant: TenantOption,
    scopes: Annotated[
        ScopeList | None,
        typer.Option(
            parser=scope_list_of(GRANTABLE_SCOPES),
            metavar="A,B",
            help=f"Comma-separated, among: {', '.join(GRANTABLE_SCOPES)}; default: all of them.",
        ),
    ] = None,
    ttl: Annotated[
        int | None,
        typer.Option(
            "--ttl-seconds",
            parser=ttl_seconds,
            metavar="SECONDS",
            help=(
                f"How long the link works, {MIN_TTL_SECONDS} to {MAX_TTL_SECONDS} seconds; "
                f"default: {CONSOLE_LINK_TTL_SECONDS}."
            ),
        ),
    ] = None,
    subject: Annotated[
        str, typer.Option(metavar="NAME", help="Who the link is for (1 to 200 characters).")
    ] = "console-link",
    as_json: JsonOption = False,
) -> None:
    """Print a one-time link that opens the web console signed in.

    The URL's fragment (never sent to a server) carries a session token usable from the
    console's origin only (CONSOLE_URL); anyone holding the link acts with its scopes until it
    expires or `DELETE /v1/tenants/{t}/sessions/{id}` revokes it.
    """
    settings = command_settings()
    if not 1 <= len(subject) <= 200:
        raise typer.BadParameter("must be 1 to 200 characters", param_hint="'--subject'")
    request = SessionIn.model_validate(
        {
            "subject": subject,
            "scopes": list(scopes or GRANTABLE_SCOPES),
            "origins": [settings.console_origin],
            "ttlSeconds": ttl or CONSOLE_LINK_TTL_SECONDS,
        }
    )

    async def mint(session: AsyncSession) -> tuple[str, sessions.MintedSession]:
        found = await tenants.resolve_tenant(session, tenant)
        minted = await sessions.create_session(
            session,
            tenant_id=found.id,
            key_id=None,
            request=request,
            keys=settings.signing_keys,
            issuer=settings.session_issuer,
        )
        return found.slug, minted

    slug, minted = in_transaction(settings, mint)
    url = f"{settings.console_address}#{urlencode({'tenant': slug, 'token': minted.token})}"
    document: dict[str, Any] = {
        "url": url,
        "sessionId": str(minted.record.id),
        "tenant": slug,
        "scopes": list(minted.record.scopes),
        "expiresAt": rfc3339(minted.record.expires_at),
    }
    emit(as_json, document, f"{url}\n(works until {document['expiresAt']}; shown once)")
