import type { RecoverWebhookEndpointInput, WebhookDeliveryStatus } from "../../gql/graphql";

export const RECOVERABLE: [string, WebhookDeliveryStatus, string][] = [
  ["dead", "DEAD", "Dead"],
  ["skipped", "SKIPPED", "Skipped"],
];

/** The window a recovery takes, from the URL (`since`, `until` as ISO moments, `statuses` as
 * a comma list); null without a valid `since`. Every recoverable status when none is named. */
export function recoveryInputOf(params: URLSearchParams): RecoverWebhookEndpointInput | null {
  const since = validMoment(params.get("since"));
  if (since === null) return null;
  const until = validMoment(params.get("until"));
  const named = (params.get("statuses") ?? "").split(",");
  const statuses = RECOVERABLE.filter(([name]) => named.includes(name)).map(([, value]) => value);
  return {
    since,
    ...(until !== null && { until }),
    ...(statuses.length > 0 && statuses.length < RECOVERABLE.length && { statuses }),
  };
}

/** The URL's search params for a window (the recovery's id is not part of it). */
export function paramsOfRecoveryInput(since: string, until: string | null, statuses: string[]): URLSearchParams {
  const params = new URLSearchParams({ since });
  if (until) params.set("until", until);
  const chosen = RECOVERABLE.map(([name]) => name).filter((name) => statuses.includes(name));
  if (chosen.length > 0 && chosen.length < RECOVERABLE.length) params.set("statuses", chosen.join(","));
  return params;
}

function validMoment(value: string | null): string | null {
  if (!value) return null;
  return Number.isNaN(Date.parse(value)) ? null : value;
}
