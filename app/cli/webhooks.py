"""`aetherflow webhooks recover|prune`: send an endpoint's dead and skipped deliveries of a time
window again, and delete deliveries past their retention, through the API's and the worker's
services."""

from __future__ import annotations

import asyncio
import sys
import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

import typer
from pydantic import TypeAdapter, ValidationError

from app.cli.console import emit
from app.cli.groups import command_group
from app.cli.options import JsonOption, TenantOption, positive_int, uuid_value
from app.cli.runner import CliError, command_settings, with_database
from app.tenants import service as tenants
from app.webhooks import recovery as recoveries
from app.webhooks import retention
from app.webhooks.recovery_schemas import Moment, RecoveryOut, RecoveryPreviewOut
from db.models.webhook_recovery import RecoveryStatus, WebhookRecovery
from db.session import Database

EXIT_RECOVERY_FAILED = 1
POLL_SECONDS = 0.5

webhook_commands = command_group("Recover webhook deliveries; prune old ones.")
_moment = TypeAdapter(Moment)


def moment(text: str) -> datetime:
    try:
        return _moment.validate_python(text)
    except ValidationError:
        raise typer.BadParameter(
            "must be an RFC 3339 time with an offset, e.g. 2026-12-01T00:00:00Z"
        ) from None


@webhook_commands.command("recover")
def recover(
    context: typer.Context,
    *,
    tenant: TenantOption,
    endpoint: Annotated[
        uuid.UUID,
        typer.Option(parser=uuid_value, metavar="ID", help="The webhook endpoint."),
    ],
    since: Annotated[
        datetime,
        typer.Option(parser=moment, metavar="TS", help="Deliveries created at or after this time."),
    ],
    until: Annotated[
        datetime | None,
        typer.Option(
            parser=moment,
            metavar="TS",
            help="Only those created before this time (default: now).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count them and show a sample; change nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Send an endpoint's dead and skipped deliveries back to pending.

    Each starts its schedule again. A worker does it in batches; this command
    follows it to the end with a progress bar on stderr.
    """
    if until is not None and until < since:
        context.fail("argument --until: must not be before --since")
    settings = command_settings()
    window = recoveries.window(endpoint, since=since, until=until)
    if dry_run:
        preview = with_database(settings, lambda db: _preview(db, tenant, window))
        out = RecoveryPreviewOut(count=preview.count, sample=preview.sample)
        text = f"dry run: {preview.count} would be sent back to pending; nothing changed"
        emit(as_json, {"data": out.model_dump(mode="json")}, text)
        return
    recovery = with_database(settings, lambda db: _recover(db, tenant, window))
    document: dict[str, Any] = {
        "data": RecoveryOut.model_validate(recovery).model_dump(mode="json")
    }
    text = (
        f"recovery {recovery.id} {recovery.status}: {recovery.done} of {recovery.total} "
        f"sent back to pending, {recovery.failed} not recovered"
    )
    emit(as_json, document, text)
    if recovery.status == RecoveryStatus.FAILED:
        raise typer.Exit(EXIT_RECOVERY_FAILED)


async def _preview(
    db: Database, tenant: str, window: recoveries.RecoveryWindow
) -> recoveries.RecoveryPreview:
    async with db.unit_of_work() as session:
        tenant_id = (await tenants.resolve_tenant(session, tenant)).id
        return await recoveries.preview_recovery(session, tenant_id=tenant_id, window=window)


async def _recover(db: Database, tenant: str, window: recoveries.RecoveryWindow) -> WebhookRecovery:
    """Start the recovery, then follow it until it ends, drawing its progress on stderr."""
    async with db.unit_of_work() as session:
        tenant_id = (await tenants.resolve_tenant(session, tenant)).id
        recovery = await recoveries.start_recovery(session, tenant_id=tenant_id, window=window)
    progress = Progress(recovery.total)
    progress.show(recovery.done)
    while recovery.status == RecoveryStatus.RUNNING:
        await asyncio.sleep(POLL_SECONDS)
        async with db.unit_of_work() as session:
            recovery = await recoveries.get_recovery(
                session, tenant_id=tenant_id, recovery_id=recovery.id
            )
        progress.show(recovery.done)
    progress.close()
    return recovery


class Progress:
    """A bar redrawn in place on a terminal; otherwise (a pipe, a log) one line
    `recovering: DONE/TOTAL` whenever the count moves. Always on stderr: stdout keeps the
    result."""

    WIDTH = 30

    def __init__(self, total: int) -> None:
        self.total = total
        self.shown: int | None = None
        self.terminal = sys.stderr.isatty()

    def show(self, done: int) -> None:
        if done == self.shown:
            return
        self.shown = done
        if not self.terminal:
            typer.echo(f"recovering: {done}/{self.total}", err=True)
            return
        filled = self.WIDTH * done // self.total if self.total else self.WIDTH
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        sys.stderr.write(f"\rrecovering [{bar}] {done}/{self.total}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.terminal:
            sys.stderr.write("\n")
            sys.stderr.flush()


@webhook_commands.command("prune")
def prune(
    older_than: Annotated[
        int,
        typer.Option(
            "--older-than",
            parser=positive_int,
            metavar="DAYS",
            help="Delete delivered, dead and skipped deliveries finished more than DAYS days "
            "ago, and relayed events of that age left without deliveries.",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be deleted; change nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Delete webhook deliveries and events past an age.

    In batches of 1000 rows, each its own short transaction. The worker does
    the same every sweep with WEBHOOK_RETENTION_DAYS.
    """
    settings = command_settings()
    try:
        age = timedelta(days=older_than)
    except OverflowError:
        raise CliError("prune: Invalid value for '--older-than': is too large", 2) from None
    pruned = with_database(settings, lambda db: _prune(db, age, dry_run=dry_run))
    verb = "would be deleted; nothing changed" if dry_run else "deleted"
    text = f"{pruned.deliveries} deliveries and {pruned.events} events {verb}"
    if dry_run:
        text = f"dry run: {text}"
    document = {
        "data": {"deliveries": pruned.deliveries, "events": pruned.events, "dryRun": dry_run}
    }
    emit(as_json, document, text)


async def _prune(db: Database, age: timedelta, *, dry_run: bool) -> retention.Pruned:
    if dry_run:
        async with db.unit_of_work() as session:
            return await retention.count_prunable(session, older_than=age)

    return await retention.prune(retention.transactions(db), older_than=age)
