import type { StatsWindow } from "../../gql/graphql";

/** The stats windows an operator can pick, by their URL value. */
export const WINDOWS: readonly { param: string; window: StatsWindow; label: string }[] = [
  { param: "1h", window: "ONE_HOUR", label: "Last hour" },
  { param: "24h", window: "TWENTY_FOUR_HOURS", label: "Last 24 hours" },
];

/** The window a `window` search param names; the last hour by default. */
export function windowOf(param: string | null): (typeof WINDOWS)[number] {
  return WINDOWS.find((option) => option.param === param) ?? WINDOWS[0]!;
}

export function formatRate(rate: number | null | undefined): string {
  if (rate == null) return "—";
  return `${(Math.round(rate * 1000) / 10).toString()} %`;
}

export function formatLatency(milliseconds: number | null | undefined): string {
  if (milliseconds == null) return "—";
  if (milliseconds < 1000) return `${milliseconds} ms`;
  return `${(Math.round(milliseconds / 100) / 10).toString()} s`;
}

export function formatAge(seconds: number | null | undefined): string {
  if (seconds == null) return "—";
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** The event types an endpoint gets, in words: null is every type. */
export function describeEventTypes(eventTypes: readonly string[] | null | undefined): string {
  if (eventTypes == null) return "All events";
  if (eventTypes.length === 0) return "No events";
  return eventTypes.join(", ");
}

/** What the API takes for a set of ticked event types: none ticked means every type (null). */
export function eventTypesInput(ticked: ReadonlySet<string>, catalog: readonly string[]): string[] | null {
  if (ticked.size === 0) return null;
  const ordered = catalog.filter((type) => ticked.has(type));
  const unknown = [...ticked].filter((type) => !catalog.includes(type)).sort();
  return [...ordered, ...unknown];
}

/** Why an endpoint is not receiving events, in words. */
export function describeState(enabled: boolean, reason: string | null | undefined): string {
  if (enabled) return "Enabled";
  if (reason === "FAILING") return "Disabled (failing: every attempt failed for too long)";
  if (reason === "MANUAL") return "Disabled (by hand)";
  return "Disabled";
}

interface Identified {
  id: string;
}

/** A queried list of deliveries (newest first) with the live changes since applied: a changed
 * delivery takes its new state in place, a new one goes on top (newest change first). */
export function withLiveChanges<T extends Identified>(queried: readonly T[], changes: readonly T[]): T[] {
  const latest = new Map<string, T>();
  for (const change of changes) latest.set(change.id, change);
  const known = new Set(queried.map((item) => item.id));
  const added = [...latest.values()].filter((item) => !known.has(item.id)).reverse();
  return [...added, ...queried.map((item) => latest.get(item.id) ?? item)];
}
