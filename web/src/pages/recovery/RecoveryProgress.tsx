import { useEffect } from "react";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { ErrorState, Loading, formatTime } from "../../components/States";
import { progressOf } from "./progress";

const RecoveryQuery = graphql(`
  query ConsoleRecovery($id: ID!) {
    webhookRecovery(id: $id) {
      id
      status
      total
      done
      failed
      createdAt
      completedAt
    }
  }
`);

const POLL_MS = 1000;

/** A recovery's progress, read again every second while it runs. */
export function RecoveryProgress({ recoveryId }: { recoveryId: string }) {
  const [result, refetch] = useQuery({ query: RecoveryQuery, variables: { id: recoveryId } });
  const recovery = result.data?.webhookRecovery;
  const running = recovery?.status === "RUNNING";

  useEffect(() => {
    if (!running) return undefined;
    const timer = window.setInterval(() => refetch({ requestPolicy: "network-only" }), POLL_MS);
    return () => window.clearInterval(timer);
  }, [running, refetch]);

  if (result.error && !recovery) {
    return <ErrorState error={result.error} onRetry={() => refetch({ requestPolicy: "network-only" })} />;
  }
  if (!result.data) return <Loading what="the recovery" />;
  if (!recovery) return <p role="status">No recovery has the id {recoveryId}.</p>;
  const progress = progressOf(recovery);
  return (
    <div className="recovery-progress">
      <h2>Recovery</h2>
      <label htmlFor="recovery-bar">Deliveries sent back to pending</label>
      <progress id="recovery-bar" value={progress.value} max={progress.max}>
        {progress.text}
      </progress>
      <p role="status" aria-live="polite" data-testid="recovery-status">
        {progress.text}
      </p>
      <dl className="facts">
        <dt>Status</dt>
        <dd>{recovery.status.toLowerCase()}</dd>
        <dt>Total</dt>
        <dd data-testid="recovery-total">{recovery.total}</dd>
        <dt>Done</dt>
        <dd>{recovery.done}</dd>
        <dt>Failed</dt>
        <dd>{recovery.failed}</dd>
        <dt>Started</dt>
        <dd>{formatTime(recovery.createdAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(recovery.completedAt)}</dd>
      </dl>
      {result.error && <ErrorState error={result.error} />}
    </div>
  );
}
