"""Where tenant-scoped resources live (CONTRACT.md §1)."""

TENANT_PREFIX = "/v1/tenants/{tenantId}"
GRAPHQL_PATH = f"{TENANT_PREFIX}/graphql"
# Public, cacheable and not tenant-scoped (CONTRACT.md §14).
EVENT_TYPES_PATH = "/v1/event-types"
