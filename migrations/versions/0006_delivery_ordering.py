"""per-resource delivery ordering (CONTRACT.md §14 "Ordering"): event positions

Each outbox event gets a position from a sequence, drawn when its row is inserted: for one
resource that happens while the writer holds the resource's lock, so positions follow the
commit order. The relay copies it to the deliveries of endpoints with per-resource ordering,
and the claim holds a delivery while an earlier one of its endpoint and resource is pending
(docs/WEBHOOKS.md, "Per-resource ordering").

The position is a plain column whose default draws from a sequence owned by it, not an identity
column: adding an identity column fills every existing row and rewrites the table under an
exclusive lock, while this adds a nullable column (events recorded before it have none, and
their deliveries are never held). The sequence must keep CACHE 1: a session caching values
would hand out positions out of the order they are drawn in.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS = "outbox_events"
DELIVERIES = "webhook_deliveries"
POSITIONS = "outbox_events_position_seq"


def upgrade() -> None:
    op.execute(f"CREATE SEQUENCE {POSITIONS} AS bigint CACHE 1")
    op.add_column(EVENTS, sa.Column("position", sa.BigInteger()))
    op.alter_column(EVENTS, "position", server_default=sa.text(f"nextval('{POSITIONS}')"))
    op.execute(f"ALTER SEQUENCE {POSITIONS} OWNED BY {EVENTS}.position")
    op.create_index(
        "ix_outbox_events_unrelayed_position",
        EVENTS,
        ["position"],
        postgresql_where=sa.text("relayed_at IS NULL"),
    )

    op.add_column(DELIVERIES, sa.Column("event_position", sa.BigInteger()))
    op.create_index(
        "ix_webhook_deliveries_ordered_pending",
        DELIVERIES,
        ["endpoint_id", "resource_id", "event_position"],
        postgresql_where=sa.text("status = 'pending' AND event_position IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_ordered_pending", table_name=DELIVERIES)
    op.drop_column(DELIVERIES, "event_position")
    op.drop_index("ix_outbox_events_unrelayed_position", table_name=EVENTS)
    op.drop_column(EVENTS, "position")  # drops the sequence it owns
