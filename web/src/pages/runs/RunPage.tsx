import { Link, useParams } from "react-router-dom";
import { useQuery, useSubscription } from "urql";
import { useTenantPath } from "../../components/Layout";
import { ErrorState, Loading, formatTime } from "../../components/States";
import type { ConsoleRunFieldsFragment } from "../../gql/graphql";
import { RunQuery, RunUpdatedSubscription } from "./documents";
import { RunStatus } from "./RunStatus";
import "./runs.css";

function Json({ label, value }: { label: string; value: unknown }) {
  return (
    <pre className="json" tabIndex={0} aria-label={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

function RunFacts({ run }: { run: ConsoleRunFieldsFragment }) {
  return (
    <>
      <dl className="facts">
        <dt>Status</dt>
        <dd aria-live="polite" data-testid="run-status">
          <RunStatus status={run.status} />
        </dd>
        <dt>Id</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
        <dt>Flow</dt>
        <dd>
          <code>{run.flowId}</code>
        </dd>
        <dt>Provider</dt>
        <dd>{run.provider}</dd>
        <dt>Correlation id</dt>
        <dd>
          <code>{run.correlationId}</code>
        </dd>
        <dt>Provider's run id</dt>
        <dd>{run.providerRunId ? <code>{run.providerRunId}</code> : "—"}</dd>
        <dt>Attempts</dt>
        <dd>{run.attempts}</dd>
        <dt>Created</dt>
        <dd>{formatTime(run.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>{formatTime(run.updatedAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(run.startedAt)}</dd>
        <dt>Completed</dt>
        <dd>{formatTime(run.completedAt)}</dd>
      </dl>
      <h2>Input</h2>
      <Json label="Run input" value={run.input} />
      <h2>Output</h2>
      {run.output == null ? <p>None yet.</p> : <Json label="Run output" value={run.output} />}
      <h2>Error</h2>
      {run.error == null ? <p>None.</p> : <Json label="Run error" value={run.error} />}
    </>
  );
}

/** One run; its status follows `automationRunUpdated`, which sends the current state first and
 * ends after a terminal status. */
export function RunPage() {
  const { id = "" } = useParams();
  const path = useTenantPath();
  const [result, refetch] = useQuery({ query: RunQuery, variables: { id } });
  const [live] = useSubscription({ query: RunUpdatedSubscription, variables: { id } });
  const run = live.data?.automationRunUpdated ?? result.data?.automationRun;
  const title = <h1 id="run-heading">Run {run ? <code>{run.flowId}</code> : <code>{id}</code>}</h1>;
  return (
    <section aria-labelledby="run-heading" className="run-detail">
      <p>
        <Link to={path("runs")}>← All runs</Link>
      </p>
      {title}
      {run ? (
        <>
          {live.error && result.data?.automationRun && <ErrorState error={live.error} />}
          <RunFacts run={run} />
        </>
      ) : result.error ? (
        <ErrorState error={result.error} onRetry={() => refetch({ requestPolicy: "network-only" })} />
      ) : result.fetching || !result.data ? (
        <Loading what="the run" />
      ) : (
        <p role="status">This tenant has no run with the id {id}.</p>
      )}
    </section>
  );
}
