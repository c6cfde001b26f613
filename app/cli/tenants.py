"""`aetherflow tenants create|list` and `aetherflow seed`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from app.cli.console import emit, table
from app.cli.groups import command_group
from app.cli.keys import issued_key_json
from app.cli.options import JsonOption
from app.cli.runner import command_settings, in_transaction
from app.core.config import Settings
from app.core.time import rfc3339
from app.tenants import service as tenants
from db.models.tenant import Tenant

tenant_commands = command_group("Create and list tenants.")


def tenant_json(tenant: Tenant) -> dict[str, Any]:
    return {"id": str(tenant.id), "slug": tenant.slug, "name": tenant.name}


@tenant_commands.command("create")
def create_tenant(
    slug: Annotated[
        str,
        typer.Option(
            metavar="SLUG",
            help="2 to 63 lowercase letters, digits and hyphens, not a UUID; names the tenant "
            "in --tenant and in API paths.",
        ),
    ],
    name: Annotated[str, typer.Option(metavar="NAME", help="Display name, 1 to 200 characters.")],
    as_json: JsonOption = False,
) -> None:
    """Create a tenant."""
    settings = command_settings()
    tenant = in_transaction(
        settings, lambda session: tenants.create_tenant(session, slug=slug, name=name)
    )
    emit(as_json, tenant_json(tenant), f"created tenant {tenant.slug} ({tenant.id})")


@tenant_commands.command("list")
def list_tenants(as_json: JsonOption = False) -> None:
    """List every tenant, by slug."""
    settings = command_settings()
    found = in_transaction(settings, tenants.list_tenants)
    rows = [tenant_json(tenant) | {"createdAt": rfc3339(tenant.created_at)} for tenant in found]
    columns = [("SLUG", 24), ("NAME", 32), ("ID", 38), ("CREATED", 0)]
    text = table(columns, [(r["slug"], r["name"][:31], r["id"], r["createdAt"]) for r in rows])
    emit(as_json, {"data": rows}, text)


def seed(as_json: JsonOption = False) -> None:
    """Create the demo tenant and its first key.

    Idempotent: the run that creates tenant `demo` also issues a full-scope key, printed once;
    later runs print no key.
    """
    print_seed(command_settings(), as_json=as_json)


def print_seed(settings: Settings, *, as_json: bool) -> None:
    """The demo tenant and the key issued with it (`"key": null` once the tenant exists)."""
    tenant, issued = in_transaction(
        settings, lambda session: tenants.seed_demo(session, pepper=settings.pepper)
    )
    document = {"tenant": tenant_json(tenant), "key": issued_key_json(issued) if issued else None}
    text = f"tenant {tenant.slug} ({tenant.id})\n" + (
        f"API key (shown once): {issued.key}" if issued else "API key: already issued"
    )
    emit(as_json, document, text)
