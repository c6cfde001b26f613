import type { WebhookRecoveryStatus } from "../../gql/graphql";

interface RecoveryCounts {
  status: WebhookRecoveryStatus;
  total: number;
  done: number;
  failed: number;
}

/** What the progress bar shows: a recovery of nothing that completed is full. */
export function progressOf(recovery: RecoveryCounts): { value: number; max: number; text: string } {
  const max = Math.max(recovery.total, 1);
  const value = recovery.total === 0 && recovery.status !== "RUNNING" ? max : Math.min(recovery.done, max);
  switch (recovery.status) {
    case "RUNNING":
      return { value, max, text: `Running: ${recovery.done} of ${recovery.total} done.` };
    case "COMPLETED":
      return { value, max, text: `Completed: ${recovery.done} of ${recovery.total} done, ${recovery.failed} failed.` };
    default:
      return {
        value,
        max,
        text: `Failed: ${recovery.done} of ${recovery.total} done, ${recovery.failed} not sent back (the endpoint was disabled or deleted).`,
      };
  }
}
