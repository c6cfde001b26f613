/** Where the API is: the page's own origin when the API serves the console at /console, or
 * VITE_API_BASE_URL when the console is a static site of its own (docs/CONSOLE.md). */
export function apiBaseUrl(): string {
  const configured = import.meta.env.VITE_API_BASE_URL as string | undefined;
  return (configured && configured.length > 0 ? configured : window.location.origin).replace(/\/+$/, "");
}

export function graphqlUrl(tenant: string): string {
  return `${apiBaseUrl()}/v1/tenants/${encodeURIComponent(tenant)}/graphql`;
}

export function websocketUrl(tenant: string): string {
  return graphqlUrl(tenant).replace(/^http/, "ws");
}
