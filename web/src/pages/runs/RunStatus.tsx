import type { AutomationRunStatus } from "../../gql/graphql";

export const RUN_STATUSES: [string, AutomationRunStatus, string][] = [
  ["queued", "QUEUED", "Queued"],
  ["running", "RUNNING", "Running"],
  ["succeeded", "SUCCEEDED", "Succeeded"],
  ["failed", "FAILED", "Failed"],
  ["timed_out", "TIMED_OUT", "Timed out"],
];

export function RunStatus({ status }: { status: AutomationRunStatus }) {
  const label = RUN_STATUSES.find(([, value]) => value === status)?.[2] ?? status;
  return <span className={`badge run-status status-${status.toLowerCase()}`}>{label}</span>;
}
