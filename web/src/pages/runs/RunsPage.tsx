import { useMemo } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { useTenantPath } from "../../components/Layout";
import { Empty, ErrorState, Loading, formatTime } from "../../components/States";
import { RunsQuery } from "./documents";
import { RUN_STATUSES, RunStatus } from "./RunStatus";
import { StartRunForm } from "./StartRunForm";
import { useLiveRuns } from "./useLiveRuns";
import "./runs.css";
import { Pager } from "../../components/Pager";
import { useRefetchOnConnect } from "../../api/useRefetchOnConnect";

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

function pageSize(value: string | null): number {
  const size = Number(value);
  return Number.isInteger(size) && size >= 1 ? Math.min(size, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
}

export function RunsPage() {
  const [params, setParams] = useSearchParams();
  const path = useTenantPath();
  const filter = RUN_STATUSES.find(([name]) => name === params.get("status")) ?? null;
  const after = params.get("after");
  const first = pageSize(params.get("first"));
  const [result, refetch] = useQuery({
    query: RunsQuery,
    variables: { status: filter?.[1] ?? null, first, after },
  });
  useRefetchOnConnect(() => refetch({ requestPolicy: "network-only" }));
  const connection = result.data?.automationRuns;
  const queried = useMemo(() => connection?.edges.map(({ node }) => node), [connection]);
  const runs = useLiveRuns(queried, {
    status: filter?.[1] ?? null,
    firstPage: after === null,
    lastPage: connection?.pageInfo.hasNextPage === false,
  });

  function show(changes: Record<string, string | null>) {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) next.delete(name);
      else next.set(name, value);
    }
    setParams(next);
  }

  const which = filter ? `${filter[2].toLowerCase()} ` : "";
  return (
    <section aria-labelledby="runs-heading" className="runs">
      <h1 id="runs-heading">Automation runs</h1>
      <StartRunForm />
      <h2>Runs</h2>
      <p className="live-note">New runs and status changes appear here as they happen.</p>
      <div className="filters" role="group" aria-label="Which runs">
        <button type="button" aria-pressed={filter === null} onClick={() => show({ status: null, after: null })}>
          All
        </button>
        {RUN_STATUSES.map(([name, , label]) => (
          <button
            key={name}
            type="button"
            aria-pressed={filter?.[0] === name}
            onClick={() => show({ status: name, after: null })}
          >
            {label}
          </button>
        ))}
      </div>
      {result.error && !connection ? (
        <ErrorState error={result.error} onRetry={() => refetch({ requestPolicy: "network-only" })} />
      ) : !connection || !runs ? (
        <Loading what="automation runs" />
      ) : runs.length === 0 ? (
        <Empty>{after ? "No more runs." : `No ${which}runs yet.`}</Empty>
      ) : (
        <>
          {result.error && <ErrorState error={result.error} />}
          <table className="runs-table">
            <caption className="visually-hidden">{filter ? filter[2] : "All"} automation runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Flow</th>
                <th scope="col">Provider</th>
                <th scope="col">Attempts</th>
                <th scope="col">Created</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id} data-run-id={run.id}>
                  <td>
                    <Link to={path(`runs/${encodeURIComponent(run.id)}`)} aria-label={`Run ${run.id}`}>
                      <code>{run.id.slice(0, 8)}</code>
                    </Link>
                  </td>
                  <td>
                    <RunStatus status={run.status} />
                  </td>
                  <td>
                    <code>{run.flowId}</code>
                  </td>
                  <td>{run.provider}</td>
                  <td>{run.attempts}</td>
                  <td>{formatTime(run.createdAt)}</td>
                  <td>{formatTime(run.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager after={after} pageInfo={connection.pageInfo} onPage={(cursor) => show({ after: cursor })} />
        </>
      )}
    </section>
  );
}
