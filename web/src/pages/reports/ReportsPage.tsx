import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { ReportStatus } from "../../gql/graphql";
import { useTenantPath } from "../../components/Layout";
import { Empty, ErrorState, Loading, formatTime } from "../../components/States";
import { Pager } from "../../components/Pager";

const ReportsQuery = graphql(`
  query ConsoleReports($status: ReportStatus!, $first: Int!, $after: String) {
    reports(status: $status, first: $first, after: $after) {
      edges {
        node {
          id
          slug
          title
          summary
          publishedAt
          updatedAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const PAGE_SIZE = 20;
const FILTERS: [string, ReportStatus, string][] = [
  ["published", "PUBLISHED", "Published"],
  ["drafts", "DRAFT", "Drafts"],
  ["all", "ALL", "All"],
];

export function ReportsPage() {
  const [params, setParams] = useSearchParams();
  const path = useTenantPath();
  const filter = FILTERS.find(([name]) => name === params.get("status")) ?? FILTERS[0]!;
  const after = params.get("after");
  const [result, refetch] = useQuery({
    query: ReportsQuery,
    variables: { status: filter[1], first: PAGE_SIZE, after },
  });

  function show(changes: Record<string, string | null>) {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) next.delete(name);
      else next.set(name, value);
    }
    setParams(next);
  }

  const connection = result.data?.reports;
  return (
    <section aria-labelledby="reports-heading">
      <h1 id="reports-heading">Reports</h1>
      <div className="filters" role="group" aria-label="Which reports">
        {FILTERS.map(([name, , label]) => (
          <button
            key={name}
            type="button"
            aria-pressed={filter[0] === name}
            onClick={() => show({ status: name, after: null })}
          >
            {label}
          </button>
        ))}
      </div>
      {result.error && !connection ? (
        <ErrorState error={result.error} onRetry={() => refetch({ requestPolicy: "network-only" })} />
      ) : !connection ? (
        <Loading what="reports" />
      ) : connection.edges.length === 0 ? (
        <Empty>{after ? "No more reports." : `No ${filter[0] === "all" ? "" : `${filter[2].toLowerCase()} `}reports yet.`}</Empty>
      ) : (
        <>
          {result.error && <ErrorState error={result.error} />}
          <table>
            <caption className="visually-hidden">{filter[2]} reports</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Slug</th>
                <th scope="col">Published</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {connection.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td>
                    <Link to={path(`reports/${encodeURIComponent(node.slug)}`)}>{node.title}</Link>
                  </td>
                  <td>
                    <code>{node.slug}</code>
                  </td>
                  <td>{node.publishedAt ? formatTime(node.publishedAt) : <span className="badge">draft</span>}</td>
                  <td>{formatTime(node.updatedAt)}</td>
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
