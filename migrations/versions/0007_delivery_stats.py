"""webhook delivery statistics (CONTRACT.md §14): a per-endpoint, per-minute rollup of recorded
attempts, and an index of each endpoint's pending deliveries

The worker adds each recorded batch of outcomes to the rollup (attempts, delivered, failed, a
latency histogram, the last success and failure) in the statement that records them; the stats
read a window of minutes from it, never the deliveries' history. The backlog and the age of its
oldest delivery come from the new partial index.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATS = "webhook_delivery_stats"
DELIVERIES = "webhook_deliveries"
PENDING_INDEX = "ix_webhook_deliveries_pending"


def upgrade() -> None:
    op.create_table(
        STATS,
        sa.Column("endpoint_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("minute", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("latency_buckets", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column("last_success_at", postgresql.TIMESTAMP(timezone=True)),
        sa.Column("last_failure_at", postgresql.TIMESTAMP(timezone=True)),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoints.id"],
            name=op.f("fk_webhook_delivery_stats_endpoint_id_webhook_endpoints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("endpoint_id", "minute", name=op.f("pk_webhook_delivery_stats")),
    )
    op.create_index("ix_webhook_delivery_stats_minute", STATS, ["minute"])
    op.create_index(
        PENDING_INDEX,
        DELIVERIES,
        ["endpoint_id", "created_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index(PENDING_INDEX, table_name=DELIVERIES)
    op.drop_index("ix_webhook_delivery_stats_minute", table_name=STATS)
    op.drop_table(STATS)
