import { graphql } from "../../gql";
import { formatTime } from "../../components/States";
import { formatAge, formatLatency, formatRate } from "./format";

export interface Stats {
  attempts: number;
  delivered: number;
  failed: number;
  successRate?: number | null;
  latencyP50Ms?: number | null;
  latencyP95Ms?: number | null;
  pending: number;
  oldestPendingAgeSeconds?: number | null;
  lastSuccessAt?: string | null;
  lastFailureAt?: string | null;
}

export const EndpointStatsFragment = graphql(`
  fragment ConsoleEndpointStats on WebhookEndpointStats {
    attempts
    delivered
    failed
    successRate
    latencyP50Ms
    latencyP95Ms
    pending
    oldestPendingAgeSeconds
    lastSuccessAt
    lastFailureAt
  }
`);

/** An endpoint's delivery statistics, in full. */
export function StatsFacts({ stats, label }: { stats: Stats | null | undefined; label: string }) {
  if (!stats) return <p role="status">No statistics for this window.</p>;
  return (
    <dl className="facts" aria-label={label}>
      <dt>Attempts</dt>
      <dd>
        {stats.attempts} ({stats.delivered} succeeded, {stats.failed} failed)
      </dd>
      <dt>Success rate</dt>
      <dd>{formatRate(stats.successRate)}</dd>
      <dt>Latency p50 / p95</dt>
      <dd>
        {formatLatency(stats.latencyP50Ms)} / {formatLatency(stats.latencyP95Ms)}
      </dd>
      <dt>Pending</dt>
      <dd>
        {stats.pending}
        {stats.oldestPendingAgeSeconds != null && ` (oldest ${formatAge(stats.oldestPendingAgeSeconds)})`}
      </dd>
      <dt>Last success</dt>
      <dd>{formatTime(stats.lastSuccessAt)}</dd>
      <dt>Last failure</dt>
      <dd>{formatTime(stats.lastFailureAt)}</dd>
    </dl>
  );
}
