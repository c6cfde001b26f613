"""`aetherflow dlq list|retry`: dead webhook deliveries and dispatch-exhausted automation runs,
seen and sent again by an operator."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.console import emit, progress_bar, table
from app.cli.groups import command_group
from app.cli.options import JsonOption, TenantOption, positive_int, uuid_value
from app.cli.runner import command_settings, in_transaction
from app.core.time import rfc3339
from app.dlq import service as dlq
from app.tenants import service as tenants

dlq_commands = command_group(
    "Dead deliveries and exhausted runs: list, retry.\n\nThe dead-letter queue: dead webhook "
    "deliveries and automation runs whose dispatch ran out of attempts."
)


def dead_letter_json(letter: dlq.DeadLetter) -> dict[str, Any]:
    return {
        "kind": letter.kind,
        "id": str(letter.id),
        "tenantId": str(letter.tenant_id),
        "lastError": letter.last_error,
        "lastStatusCode": letter.last_status_code,
        "attempts": letter.attempts,
        "deadSince": rfc3339(letter.dead_since),
        **letter.detail,
    }


def dead_letter_table(letters: list[dlq.DeadLetter]) -> str:
    columns = [("KIND", 16), ("ID", 38), ("ATTEMPTS", 10), ("LAST ERROR", 0)]
    return table(
        columns,
        [
            (letter.kind, str(letter.id), str(letter.attempts), letter.last_error or "-")
            for letter in letters
        ],
    )


@dlq_commands.command("list")
def list_dead(
    tenant: Annotated[
        str | None, typer.Option(metavar="TENANT", help="Only this tenant's (UUID or slug).")
    ] = None,
    endpoint: Annotated[
        uuid.UUID | None,
        typer.Option(
            parser=uuid_value,
            metavar="ID",
            help="Only the dead deliveries to this webhook endpoint (no automation runs).",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            parser=positive_int,
            metavar="N",
            help="At most N rows in all, dead deliveries first. Default: at most 1000 of "
            "each kind.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List dead letters with their last error.

    Dead deliveries, then dispatch-exhausted runs, each newest first.
    """
    settings = command_settings()

    async def dead(session: AsyncSession) -> list[dlq.DeadLetter]:
        tenant_id = (await tenants.resolve_tenant(session, tenant)).id if tenant else None
        return await dlq.list_dead(session, tenant_id=tenant_id, endpoint_id=endpoint, limit=limit)

    letters = in_transaction(settings, dead)
    emit(
        as_json,
        {"data": [dead_letter_json(letter) for letter in letters]},
        dead_letter_table(letters),
    )


@dlq_commands.command("retry")
def retry(
    context: typer.Context,
    *,
    tenant: TenantOption,
    item_id: Annotated[
        uuid.UUID | None,
        typer.Option(
            "--id",
            parser=uuid_value,
            metavar="ID",
            help="The dead delivery or dispatch-exhausted run to send again.",
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="Send every dead delivery and dispatch-exhausted run of the tenant."
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="With --all: print what would be sent again; change nothing."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Send dead letters back to pending.

    Each starts its schedule again; a worker attempts them now. With --all,
    a progress bar runs on stderr when it is a terminal.
    """
    if item_id is None and not every:
        context.fail("one of the arguments --id --all is required")
    if item_id is not None and every:
        context.fail("argument --all: not allowed with argument --id")
    if dry_run and not every:
        context.fail("argument --dry-run: allowed only with --all")
    settings = command_settings()
    if dry_run:
        letters = in_transaction(settings, lambda session: _retryable(session, tenant))
        text = f"dry run: {len(letters)} would be sent back to pending; nothing changed"
        document = {"data": [str(letter.id) for letter in letters]}
        emit(as_json, document, f"{dead_letter_table(letters)}\n{text}")
        return
    if item_id is not None:
        ids = [in_transaction(settings, lambda session: _retry_one(session, tenant, item_id))]
    else:
        letters = in_transaction(settings, lambda session: _retry_all(session, tenant))
        ids = [letter.id for letter in letters]
    text = f"{len(ids)} sent back to pending; a worker attempts them now"
    emit(as_json, {"data": [str(item) for item in ids]}, text)


async def _retry_one(session: AsyncSession, tenant: str, item_id: uuid.UUID) -> uuid.UUID:
    tenant_id = (await tenants.resolve_tenant(session, tenant)).id
    return await dlq.retry_one(session, tenant_id=tenant_id, item_id=item_id)


async def _retryable(session: AsyncSession, tenant: str) -> list[dlq.DeadLetter]:
    tenant_id = (await tenants.resolve_tenant(session, tenant)).id
    return await dlq.list_retryable(session, tenant_id=tenant_id)


async def _retry_all(session: AsyncSession, tenant: str) -> list[dlq.DeadLetter]:
    """Every dead letter of the tenant sent again, a progress bar on stderr meanwhile."""
    tenant_id = (await tenants.resolve_tenant(session, tenant)).id
    letters = await dlq.list_retryable(session, tenant_id=tenant_id)
    with progress_bar(len(letters), "retrying") as advance:
        return await dlq.retry(session, tenant_id=tenant_id, letters=letters, on_batch=advance)
