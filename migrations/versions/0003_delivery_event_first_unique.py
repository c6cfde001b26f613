"""webhook deliveries: unique (event_id, endpoint_id), which also serves lookups by event

The unique constraint led with endpoint_id, so deletes cascading from an event needed an index
of their own on event_id. Leading with event_id, the constraint serves both (ON CONFLICT
(endpoint_id, event_id) infers it whatever the order), and every claim and record of a delivery
writes one index entry fewer.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "webhook_deliveries"
EVENT_INDEX = "ix_webhook_deliveries_event_id"


def upgrade() -> None:
    _swap_unique(
        old="uq_webhook_deliveries_endpoint_id_event_id",
        new="uq_webhook_deliveries_event_id_endpoint_id",
        columns=["event_id", "endpoint_id"],
    )
    op.drop_index(EVENT_INDEX, table_name=TABLE, if_exists=True)


def downgrade() -> None:
    op.create_index(EVENT_INDEX, TABLE, ["event_id"], unique=False, if_not_exists=True)
    _swap_unique(
        old="uq_webhook_deliveries_event_id_endpoint_id",
        new="uq_webhook_deliveries_endpoint_id_event_id",
        columns=["endpoint_id", "event_id"],
    )


def _swap_unique(*, old: str, new: str, columns: list[str]) -> None:
    """Build `new`'s index without blocking writes, then make it the constraint in place of
    `old` in one statement (no moment without one). Safe to run again after a failure."""
    with op.get_context().autocommit_block():
        op.create_index(
            new, TABLE, columns, unique=True, postgresql_concurrently=True, if_not_exists=True
        )
    op.execute("SET LOCAL lock_timeout = '5s'")
    exists = sa.text("SELECT EXISTS (SELECT FROM pg_constraint WHERE conname = :name)")
    if not op.get_bind().scalar(exists, {"name": new}):
        op.execute(
            f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {old}, "
            f"ADD CONSTRAINT {new} UNIQUE USING INDEX {new}"
        )
