import type { CombinedError } from "@urql/core";

/** What went wrong with a request, in the terms the console shows to an operator. */
export type Refusal =
  | { kind: "rate_limited"; retryAfterSeconds: number | null; message: string }
  | { kind: "too_expensive"; requested: number | null; message: string }
  | { kind: "unauthenticated"; message: string }
  | { kind: "forbidden"; message: string }
  | { kind: "not_found"; message: string }
  | { kind: "invalid"; message: string; details: { path: string; message: string }[] }
  | { kind: "unavailable"; retryAfterSeconds: number | null; message: string }
  | { kind: "other"; message: string };

interface ErrorShape {
  message: string;
  extensions?: Record<string, unknown> | undefined;
}

function retryAfter(header: string | null | undefined): number | null {
  if (header == null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function costReset(extensions: Record<string, unknown> | undefined): number | null {
  const cost = extensions?.cost as { resetSeconds?: unknown } | undefined;
  return typeof cost?.resetSeconds === "number" ? cost.resetSeconds : null;
}

/** A refusal from an error's code (GraphQL `extensions.code` or a REST `error.code`), the
 * response's `Retry-After` header and the response's `extensions`. */
export function refusalOf(
  error: ErrorShape,
  retryAfterHeader: string | null,
  responseExtensions?: Record<string, unknown>,
): Refusal {
  const code = String(error.extensions?.code ?? "");
  const message = error.message;
  switch (code) {
    case "rate_limited":
      return {
        kind: "rate_limited",
        retryAfterSeconds: retryAfter(retryAfterHeader) ?? costReset(responseExtensions),
        message,
      };
    case "query_too_expensive": {
      const cost = (error.extensions?.cost ?? error.extensions?.details ?? responseExtensions?.cost) as
        | { requested?: unknown }
        | undefined;
      return { kind: "too_expensive", requested: typeof cost?.requested === "number" ? cost.requested : null, message };
    }
    case "unauthenticated":
      return { kind: "unauthenticated", message };
    case "forbidden":
    case "insufficient_scope":
    case "tenant_forbidden":
    case "origin_forbidden":
      return { kind: "forbidden", message };
    case "not_found":
      return { kind: "not_found", message };
    case "validation_error":
    case "conflict":
      return {
        kind: "invalid",
        message,
        details: Array.isArray(error.extensions?.details)
          ? (error.extensions.details as { path: string; message: string }[])
          : [],
      };
    case "service_unavailable":
    case "overloaded":
      return { kind: "unavailable", retryAfterSeconds: retryAfter(retryAfterHeader), message };
    default:
      return { kind: "other", message };
  }
}

/** The refusal an urql error stands for (its first GraphQL error, else the network failure). */
export function refusalOfCombined(error: CombinedError): Refusal {
  const response = error.response as Response | undefined;
  const header = response?.headers?.get?.("Retry-After") ?? null;
  const first = error.graphQLErrors[0];
  if (first) return refusalOf({ message: first.message, extensions: first.extensions }, header);
  if (response?.status === 429) {
    return { kind: "rate_limited", retryAfterSeconds: retryAfter(header), message: "Too many requests." };
  }
  return { kind: "other", message: error.networkError?.message ?? error.message };
}

/** One sentence for an operator. */
export function describeRefusal(refusal: Refusal): string {
  switch (refusal.kind) {
    case "rate_limited":
      return refusal.retryAfterSeconds != null
        ? `Rate limited: try again in ${refusal.retryAfterSeconds} s.`
        : "Rate limited: try again shortly.";
    case "too_expensive":
      return refusal.requested != null
        ? `This view asks for too much at once (cost ${refusal.requested}); show fewer rows.`
        : "This view asks for too much at once; show fewer rows.";
    case "unavailable":
      return refusal.retryAfterSeconds != null
        ? `The service is busy: try again in ${refusal.retryAfterSeconds} s.`
        : "The service is busy: try again shortly.";
    case "invalid":
      return refusal.details.length > 0
        ? `${refusal.message} ${refusal.details.map((detail) => `${detail.path}: ${detail.message}`).join("; ")}`
        : refusal.message;
    default:
      return refusal.message;
  }
}
