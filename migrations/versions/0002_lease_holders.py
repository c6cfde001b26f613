"""lease holders: which worker is attempting a delivery or dispatching a run

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {
    "webhook_deliveries": "ix_webhook_deliveries_leased",
    "automation_runs": "ix_automation_runs_leased",
}


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("lease_holder", sa.Integer(), nullable=True))
    # Built without blocking writes to tables that may be large (runs are inserted by the API).
    with op.get_context().autocommit_block():
        for table, index in TABLES.items():
            op.create_index(
                index,
                table,
                ["lease_holder"],
                unique=False,
                postgresql_where=sa.text("lease_holder IS NOT NULL"),
                postgresql_concurrently=True,
            )


def downgrade() -> None:
    for table, index in TABLES.items():
        op.drop_index(index, table_name=table)
        op.drop_column(table, "lease_holder")
