"""Where tenant-scoped resources live (CONTRACT.md §1)."""

TENANT_PREFIX = "/v1/tenants/{tenantId}"
GRAPHQL_PATH = f"{TENANT_PREFIX}/graphql"
