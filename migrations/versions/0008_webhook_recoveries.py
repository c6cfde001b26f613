"""webhooks, wave 2 (CONTRACT.md §14): recoveries of dead and skipped deliveries, and the
indexes retention prunes by

`webhook_recoveries` holds each recovery's window, progress and cursor (the worker resumes
from it after a crash). Finished deliveries and relayed events gain partial indexes on their
age, so a prune reads only the rows it deletes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECOVERIES = "webhook_recoveries"
TIMESTAMP = postgresql.TIMESTAMP(timezone=True)


def upgrade() -> None:
    op.create_table(
        RECOVERIES,
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("tenant_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("endpoint_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("since", TIMESTAMP, nullable=False),
        sa.Column("until", TIMESTAMP, nullable=False),
        sa.Column("statuses", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), server_default="running", nullable=False),
        sa.Column("total", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("done", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("failed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("cursor_created_at", TIMESTAMP),
        sa.Column("cursor_id", postgresql.UUID(as_uuid=True)),
        sa.Column("completed_at", TIMESTAMP),
        sa.Column("created_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'completed', 'failed')",
            name=op.f("ck_webhook_recoveries_status"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_webhook_recoveries_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoints.id"],
            name=op.f("fk_webhook_recoveries_endpoint_id_webhook_endpoints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_recoveries")),
    )
    op.create_index(
        "ix_webhook_recoveries_running",
        RECOVERIES,
        ["updated_at"],
        postgresql_where=sa.text("status = 'running'"),
    )
    op.create_index("ix_webhook_recoveries_endpoint", RECOVERIES, ["endpoint_id"])
    op.create_index(
        "ix_webhook_deliveries_finished",
        "webhook_deliveries",
        ["updated_at"],
        postgresql_where=sa.text("status IN ('delivered', 'dead', 'skipped')"),
    )
    op.create_index(
        "ix_outbox_events_relayed",
        "outbox_events",
        ["relayed_at"],
        postgresql_where=sa.text("relayed_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_events_relayed", table_name="outbox_events")
    op.drop_index("ix_webhook_deliveries_finished", table_name="webhook_deliveries")
    op.drop_table(RECOVERIES)
