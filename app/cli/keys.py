"""`aetherflow keys create|list|revoke`: a tenant's API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.console import emit, table
from app.cli.groups import command_group
from app.cli.options import JsonOption, ScopeList, TenantOption, days_from_now, scope_list
from app.cli.runner import command_settings, in_transaction
from app.core.time import rfc3339
from app.tenants import service as tenants
from app.tenants.keys import SCOPES
from db.models.api_key import ApiKey

key_commands = command_group("Issue, list and revoke a tenant's API keys.")


def issued_key_json(issued: tenants.IssuedKey) -> dict[str, Any]:
    record = issued.record
    return {
        "id": str(record.id),
        "prefix": record.prefix,
        "key": issued.key,
        "scopes": list(record.scopes),
        "tenantId": str(record.tenant_id),
    }


def key_json(key: ApiKey) -> dict[str, Any]:
    def moment(value: datetime | None) -> str | None:
        return rfc3339(value) if value is not None else None

    return {
        "id": str(key.id),
        "prefix": key.prefix,
        "name": key.name,
        "scopes": list(key.scopes),
        "createdAt": moment(key.created_at),
        "lastUsedAt": moment(key.last_used_at),
        "expiresAt": moment(key.expires_at),
        "revokedAt": moment(key.revoked_at),
    }


@key_commands.command("create")
def create_key(
    tenant: TenantOption,
    name: Annotated[
        str, typer.Option(metavar="NAME", help="What the key is for, 1 to 200 characters.")
    ],
    scopes: Annotated[
        ScopeList,
        typer.Option(
            parser=scope_list, metavar="A,B", help=f"Comma-separated, among: {', '.join(SCOPES)}."
        ),
    ],
    expires_in_days: Annotated[
        int | None,
        typer.Option(
            parser=days_from_now, metavar="DAYS", help="Expire after DAYS (>= 1); default: never."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Issue an API key.

    The key is printed once; only its hash is stored.
    """
    settings = command_settings()

    async def issue(session: AsyncSession) -> tenants.IssuedKey:
        found = await tenants.resolve_tenant(session, tenant)
        return await tenants.issue_key(
            session,
            pepper=settings.pepper,
            tenant_id=found.id,
            name=name,
            scopes=scopes,
            expires_in_days=expires_in_days,
        )

    issued = in_transaction(settings, issue)
    emit(as_json, issued_key_json(issued), f"API key (shown once): {issued.key}")


@key_commands.command("list")
def list_keys(tenant: TenantOption, as_json: JsonOption = False) -> None:
    """List the tenant's keys, oldest first.

    Never a key or its hash: prefix, name, scopes, times.
    """
    settings = command_settings()

    async def keys(session: AsyncSession) -> list[ApiKey]:
        found = await tenants.resolve_tenant(session, tenant)
        return list(await tenants.list_keys(session, tenant_id=found.id))

    rows = [key_json(key) for key in in_transaction(settings, keys)]
    columns = [("PREFIX", 10), ("NAME", 20), ("LAST USED", 26), ("STATUS", 10), ("SCOPES", 0)]
    text = table(
        columns,
        [
            (
                row["prefix"],
                row["name"][:19],
                row["lastUsedAt"] or "-",
                "revoked" if row["revokedAt"] else "active",
                ",".join(row["scopes"]),
            )
            for row in rows
        ],
    )
    emit(as_json, {"data": rows}, text)


@key_commands.command("revoke")
def revoke_key(
    tenant: TenantOption,
    prefix: Annotated[
        str,
        typer.Option(
            metavar="PREFIX", help="The key's prefix (after `afk_`; `keys list` shows it)."
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Revoke a key.

    Every API process refuses it at once; revoking twice is harmless.
    """
    settings = command_settings()

    async def revoke(session: AsyncSession) -> ApiKey:
        found = await tenants.resolve_tenant(session, tenant)
        return await tenants.revoke_key(session, tenant_id=found.id, prefix=prefix)

    key = in_transaction(settings, revoke)
    emit(as_json, key_json(key), f"revoked key {key.prefix}")
