"""webhooks, wave 2 (CONTRACT.md §14): endpoint state and pacing, skipped deliveries, the chain
from an API request to its deliveries

Endpoints gain why and since when they are disabled, their ordering, their rate cap and the
run of failures that disables them. Deliveries gain the `skipped` status and the resource and
request they are about, copied from their event, which now keeps its request id, idempotency
key and resource id: upsert_reports() takes the request's id and key and records each report's
id on its events (otherwise as in 0004). Endpoints disabled before this revision are disabled by
hand.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENDPOINTS = "webhook_endpoints"
DELIVERIES = "webhook_deliveries"
EVENTS = "outbox_events"
STATUS_CHECK = "ck_webhook_deliveries_status"
OLD_UPSERT = "upsert_reports(uuid, text[], jsonb, text)"
NEW_UPSERT = "upsert_reports(uuid, text[], jsonb, text, text, text)"

# As in 0004, with the request's id and idempotency key, and each event's resource (the report).
UPSERT_REPORTS = """
CREATE OR REPLACE FUNCTION upsert_reports(
    p_tenant_id uuid, p_slugs text[], p_items jsonb, p_correlation_id text,
    p_request_id text, p_idempotency_key text
) RETURNS TABLE (
    id uuid, slug text, title text, summary text, published_at timestamptz,
    created_at timestamptz, updated_at timestamptz, inserted boolean
)
LANGUAGE plpgsql VOLATILE
-- PL/pgSQL keeps each statement's plan, but PostgreSQL's choice (plan_cache_mode = auto) planned
-- the upsert anew on every call, which doubled the call's cost (docs/PERFORMANCE.md).
SET plan_cache_mode = force_generic_plan
AS $function$
#variable_conflict use_column
BEGIN
    -- One transaction-scoped lock per (tenant, slug), taken in the order of the keys, so
    -- concurrent batches cannot deadlock.
    PERFORM pg_advisory_xact_lock(key)
       FROM (SELECT DISTINCT hashtextextended('report/' || p_tenant_id || '/' || slug, 0) AS key
               FROM unnest(p_slugs) AS slug
              ORDER BY key) AS keys;

    -- Every CTE reads the snapshot of this statement's start: `stored` holds the rows as they
    -- were before the insert. `publishedAt` is stored at the precision the API shows.
    RETURN QUERY
    WITH stored AS (
        SELECT r.id, r.slug, r.title, r.summary, r.published_at, r.created_at, r.updated_at
          FROM reports AS r
         WHERE r.tenant_id = p_tenant_id AND r.slug = ANY(p_slugs)
    ), written AS (
        INSERT INTO reports AS r (id, tenant_id, slug, title, summary, content, published_at)
        SELECT gen_random_uuid(), p_tenant_id, u.slug, u.title, u.summary, u.content,
               date_trunc('milliseconds', u.published_at)
          FROM ROWS FROM (jsonb_to_recordset(p_items)
                          AS (slug text, title text, summary text, content jsonb,
                              published_at timestamptz))
               WITH ORDINALITY AS u(slug, title, summary, content, published_at, position)
         ORDER BY u.position
            ON CONFLICT (tenant_id, slug) DO UPDATE
           SET title = EXCLUDED.title, summary = EXCLUDED.summary, content = EXCLUDED.content,
               published_at = EXCLUDED.published_at, updated_at = now()
         WHERE (r.title, r.summary, r.content, r.published_at)
               IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.summary, EXCLUDED.content,
                                 EXCLUDED.published_at)
        RETURNING r.id, r.slug, r.title, r.summary, r.published_at, r.created_at, r.updated_at,
                  r.xmax = 0 AS inserted,
                  jsonb_build_object(
                      'id', r.id, 'slug', r.slug, 'title', r.title, 'summary', r.summary,
                      'content', r.content, 'publishedAt', rfc3339(r.published_at),
                      'createdAt', rfc3339(r.created_at), 'updatedAt', rfc3339(r.updated_at)
                  ) AS payload
    ), events AS (
        -- report.created or report.updated, then report.published when publishedAt went from
        -- null to a value; in the order the reports were written.
        INSERT INTO outbox_events (id, tenant_id, event_type, payload, correlation_id,
                                   resource_id, request_id, idempotency_key)
        SELECT gen_random_uuid(), p_tenant_id, e.event_type, w.payload, p_correlation_id,
               w.id, p_request_id, p_idempotency_key
          FROM written AS w
               LEFT JOIN stored AS s ON s.slug = w.slug
               CROSS JOIN LATERAL (
                   VALUES (1, CASE WHEN w.inserted THEN 'report.created'
                                   ELSE 'report.updated' END),
                          (2, CASE WHEN w.published_at IS NOT NULL AND s.published_at IS NULL
                                   THEN 'report.published' END)
               ) AS e(position, event_type)
         WHERE e.event_type IS NOT NULL
         ORDER BY w.slug COLLATE "C", e.position
    )
    SELECT w.id, w.slug, w.title, w.summary, w.published_at, w.created_at, w.updated_at,
           w.inserted
      FROM written AS w
     UNION ALL
    SELECT s.*, NULL
      FROM stored AS s
     WHERE s.slug NOT IN (SELECT w.slug FROM written AS w);
END
$function$"""

ENDPOINT_CHECKS = {
    "disabled_reason": "disabled_reason IN ('failing', 'manual')",
    "ordering": "ordering IN ('none', 'per-resource')",
    "max_deliveries_per_second": "max_deliveries_per_second BETWEEN 1 AND 1000",
}


def upgrade() -> None:
    op.add_column(ENDPOINTS, sa.Column("disabled_at", postgresql.TIMESTAMP(timezone=True)))
    op.add_column(ENDPOINTS, sa.Column("disabled_reason", sa.Text()))
    op.add_column(
        ENDPOINTS, sa.Column("ordering", sa.Text(), server_default="none", nullable=False)
    )
    op.add_column(ENDPOINTS, sa.Column("max_deliveries_per_second", sa.Integer()))
    op.add_column(ENDPOINTS, sa.Column("failing_since", postgresql.TIMESTAMP(timezone=True)))
    op.add_column(
        ENDPOINTS,
        sa.Column("consecutive_failures", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(ENDPOINTS, sa.Column("failing_notice_at", postgresql.TIMESTAMP(timezone=True)))
    for check, condition in ENDPOINT_CHECKS.items():
        op.create_check_constraint(op.f(f"ck_{ENDPOINTS}_{check}"), ENDPOINTS, condition)
    op.execute(
        f"UPDATE {ENDPOINTS} SET disabled_at = updated_at, disabled_reason = 'manual' "  # noqa: S608
        "WHERE NOT enabled"
    )

    op.add_column(EVENTS, sa.Column("resource_id", postgresql.UUID(as_uuid=True)))
    op.add_column(EVENTS, sa.Column("request_id", sa.Text()))
    op.add_column(EVENTS, sa.Column("idempotency_key", sa.Text()))

    op.execute(f"DROP FUNCTION {OLD_UPSERT}")
    op.execute(UPSERT_REPORTS)

    op.add_column(DELIVERIES, sa.Column("resource_id", postgresql.UUID(as_uuid=True)))
    op.add_column(DELIVERIES, sa.Column("request_id", sa.Text()))
    op.drop_constraint(op.f(STATUS_CHECK), DELIVERIES, type_="check")
    op.create_check_constraint(
        op.f(STATUS_CHECK), DELIVERIES, "status IN ('pending', 'delivered', 'dead', 'skipped')"
    )
    op.create_index(
        "ix_webhook_deliveries_tenant_log",
        DELIVERIES,
        ["tenant_id", sa.text("created_at DESC"), sa.text("id DESC")],
    )
    op.create_index(
        "ix_webhook_deliveries_request",
        DELIVERIES,
        ["tenant_id", "request_id"],
        postgresql_where=sa.text("request_id IS NOT NULL"),
    )
    op.create_index(
        "ix_webhook_deliveries_resource",
        DELIVERIES,
        ["tenant_id", "resource_id"],
        postgresql_where=sa.text("resource_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_resource", table_name=DELIVERIES)
    op.drop_index("ix_webhook_deliveries_request", table_name=DELIVERIES)
    op.drop_index("ix_webhook_deliveries_tenant_log", table_name=DELIVERIES)
    op.execute(f"DELETE FROM {DELIVERIES} WHERE status = 'skipped'")  # noqa: S608
    op.drop_constraint(op.f(STATUS_CHECK), DELIVERIES, type_="check")
    op.create_check_constraint(
        op.f(STATUS_CHECK), DELIVERIES, "status IN ('pending', 'delivered', 'dead')"
    )
    op.drop_column(DELIVERIES, "request_id")
    op.drop_column(DELIVERIES, "resource_id")
    op.execute(f"DROP FUNCTION {NEW_UPSERT}")
    op.execute(_upsert_reports_of_0004())
    for column in ("idempotency_key", "request_id", "resource_id"):
        op.drop_column(EVENTS, column)
    for check in ENDPOINT_CHECKS:
        op.drop_constraint(op.f(f"ck_{ENDPOINTS}_{check}"), ENDPOINTS, type_="check")
    for column in (
        "failing_notice_at",
        "consecutive_failures",
        "failing_since",
        "max_deliveries_per_second",
        "ordering",
        "disabled_reason",
        "disabled_at",
    ):
        op.drop_column(ENDPOINTS, column)


def _upsert_reports_of_0004() -> str:
    """The function as revision 0004 created it (its module's name starts with a digit)."""
    spec = importlib.util.spec_from_file_location(
        "revision_0004", Path(__file__).with_name("0004_upsert_reports_function.py")
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text: str = module.UPSERT_REPORTS
    return text
