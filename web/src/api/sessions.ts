import { apiBaseUrl } from "./config";
import { refusalOf, type Refusal } from "./refusal";

/** A signed-in console: the tenant it acts for and its session token, kept in memory only. */
export interface Session {
  tenant: string;
  token: string;
  expiresAt: string;
  scopes: string[];
  subject: string;
}

/** Every scope a session token may carry; a key grants the ones it holds. */
export const CONSOLE_SCOPES = [
  "reports:read",
  "reports:write",
  "automations:read",
  "automations:write",
  "webhooks:read",
  "webhooks:write",
] as const;

export const SESSION_TTL_SECONDS = 8 * 60 * 60;

export class SignInRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

interface SessionResponse {
  data: { id: string; token: string; expiresAt: string; subject: string; scopes: string[] };
}

interface ErrorEnvelope {
  error?: { code?: string; message?: string; details?: { path: string; message: string }[] };
}

/** Scopes the API said the key lacks (422 details `scopes.N`: "the API key does not hold ..."). */
export function lackedScopes(requested: readonly string[], details: { path: string }[]): Set<string> {
  const lacked = new Set<string>();
  for (const detail of details) {
    const match = /^scopes\.(\d+)$/.exec(detail.path);
    const scope = match ? requested[Number(match[1])] : undefined;
    if (scope !== undefined) lacked.add(scope);
  }
  return lacked;
}

async function requestSession(
  tenant: string,
  apiKey: string,
  scopes: readonly string[],
): Promise<{ ok: true; body: SessionResponse } | { ok: false; status: number; body: ErrorEnvelope; retryAfter: string | null }> {
  const response = await fetch(`${apiBaseUrl()}/v1/tenants/${encodeURIComponent(tenant)}/sessions`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${apiKey}`,
      "Content-Type": "application/json",
      "Idempotency-Key": crypto.randomUUID(),
    },
    body: JSON.stringify({
      subject: "console",
      scopes,
      origins: [window.location.origin],
      ttlSeconds: SESSION_TTL_SECONDS,
    }),
  });
  const body: unknown = await response.json().catch(() => ({}));
  if (response.ok) return { ok: true, body: body as SessionResponse };
  return { ok: false, status: response.status, body: body as ErrorEnvelope, retryAfter: response.headers.get("Retry-After") };
}

/** Exchange an API key (holding `sessions:write`) for a session token with every console scope
 * the key holds. The key is used for this one request and never stored. */
export async function signInWithKey(tenant: string, apiKey: string): Promise<Session> {
  let scopes: string[] = [...CONSOLE_SCOPES];
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const result = await requestSession(tenant, apiKey, scopes);
    if (result.ok) {
      const data = result.body.data;
      return { tenant, token: data.token, expiresAt: data.expiresAt, scopes: data.scopes, subject: data.subject };
    }
    const details = result.body.error?.details ?? [];
    const lacked = result.status === 422 ? lackedScopes(scopes, details) : new Set<string>();
    if (attempt === 0 && lacked.size > 0 && lacked.size < scopes.length) {
      scopes = scopes.filter((scope) => !lacked.has(scope));
      continue;
    }
    const error = result.body.error ?? {};
    const refusal =
      lacked.size > 0 && lacked.size === scopes.length
        ? ({ kind: "forbidden", message: "This API key holds none of the console's scopes." } as const)
        : refusalOf(
            { message: error.message ?? `The API answered ${result.status}.`, extensions: { code: error.code, details } },
            result.retryAfter,
          );
    throw new SignInRefused(refusal);
  }
  throw new SignInRefused({ kind: "other", message: "The API refused the key's scopes." });
}

/** The session a console link carries in its fragment: `#tenant=T&token=JWT`. */
export function sessionFromFragment(fragment: string): Session | null {
  const params = new URLSearchParams(fragment.replace(/^#/, ""));
  const tenant = params.get("tenant");
  const token = params.get("token");
  if (!tenant || !token) return null;
  const claims = decodeClaims(token);
  if (claims === null || typeof claims.exp !== "number") return null;
  return {
    tenant,
    token,
    expiresAt: new Date(claims.exp * 1000).toISOString(),
    scopes: typeof claims.scope === "string" ? claims.scope.split(" ").filter(Boolean) : [],
    subject: typeof claims.sub === "string" ? claims.sub : "console-link",
  };
}

/** A JWT's claims, unverified (the API verifies; the console only reads `exp` and `scope`). */
export function decodeClaims(token: string): Record<string, unknown> | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "=");
    const claims: unknown = JSON.parse(atob(base64));
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
