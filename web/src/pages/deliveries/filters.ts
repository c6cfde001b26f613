import type { WebhookDeliveryFilter, WebhookDeliveryStatus } from "../../gql/graphql";

export const STATUSES: [string, WebhookDeliveryStatus, string][] = [
  ["pending", "PENDING", "Pending"],
  ["delivered", "DELIVERED", "Delivered"],
  ["dead", "DEAD", "Dead"],
  ["skipped", "SKIPPED", "Skipped"],
];

/** The log's filters as the URL holds them (search param names), empty ones left out. */
export interface DeliveryFilters {
  status?: string;
  eventType?: string;
  resourceId?: string;
  requestId?: string;
  endpointId?: string;
}

export const FILTER_NAMES = ["status", "eventType", "resourceId", "requestId", "endpointId"] as const;

/** The filters a URL's search params carry; an unknown status counts as none. */
export function filtersFromParams(params: URLSearchParams): DeliveryFilters {
  const filters: DeliveryFilters = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name)?.trim();
    if (value) filters[name] = value;
  }
  if (filters.status !== undefined && !STATUSES.some(([name]) => name === filters.status)) {
    delete filters.status;
  }
  return filters;
}

/** Search params for these filters (a new list starts at its first page). */
export function paramsFromFilters(filters: DeliveryFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = filters[name]?.trim();
    if (value) params.set(name, value);
  }
  return params;
}

/** The filters from the filter form's fields (named as the search params). */
export function filtersFromForm(form: FormData): DeliveryFilters {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = form.get(name);
    if (typeof value === "string") params.set(name, value);
  }
  return filtersFromParams(params);
}

/** The GraphQL filter of the log's filters. */
export function graphqlFilter(filters: DeliveryFilters): WebhookDeliveryFilter {
  const status = STATUSES.find(([name]) => name === filters.status)?.[1];
  return {
    ...(status !== undefined && { status }),
    ...(filters.eventType !== undefined && { eventType: filters.eventType }),
    ...(filters.resourceId !== undefined && { resourceId: filters.resourceId }),
    ...(filters.requestId !== undefined && { requestId: filters.requestId }),
    ...(filters.endpointId !== undefined && { endpointId: filters.endpointId }),
  };
}

export function statusLabel(status: WebhookDeliveryStatus): string {
  return STATUSES.find(([, value]) => value === status)?.[2] ?? status;
}
