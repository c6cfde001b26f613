"""upsert_reports(): a batch of reports and its outbox events written by one statement

A write took five round trips (BEGIN, the advisory locks, the upsert, the outbox insert,
COMMIT). Called alone, outside a transaction, this function is one: its statements run in the
statement's own transaction, which commits when it returns.

Inside a VOLATILE PL/pgSQL function each statement takes a new snapshot (READ COMMITTED), so the
upsert, run after the locks are held, still sees every report a concurrent batch committed
while this one waited for them: which items are new, and which were published before, is exact
(docs/PERFORMANCE.md, "Locks").

Each written report's events carry its representation as the API answers it (`ReportOut`):
timestamps in RFC 3339 at millisecond precision, cut rather than rounded, in UTC with `Z`
(app/core/time.py), a draft's `publishedAt` and an absent summary as null.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RFC3339 = """
CREATE OR REPLACE FUNCTION rfc3339(moment timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN to_char(moment AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""

# The items (slug, title, summary, content, published_at) come as one JSON document in the order
# they are written, their slugs as an array in the same order. The returned rows are the
# written reports and, with `inserted` null, the ones found unchanged (equal to the item:
# timestamps as instants, content as JSON values), which are not rewritten and emit no event.
UPSERT_REPORTS = """
CREATE OR REPLACE FUNCTION upsert_reports(
    p_tenant_id uuid, p_slugs text[], p_items jsonb, p_correlation_id text
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
        INSERT INTO outbox_events (id, tenant_id, event_type, payload, correlation_id)
        SELECT gen_random_uuid(), p_tenant_id, e.event_type, w.payload, p_correlation_id
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


def upgrade() -> None:
    op.execute(RFC3339)
    op.execute(UPSERT_REPORTS)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS upsert_reports(uuid, text[], jsonb, text)")
    op.execute("DROP FUNCTION IF EXISTS rfc3339(timestamptz)")
