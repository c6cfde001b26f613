import { Link, useParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { useTenantPath } from "../../components/Layout";
import { ErrorState, Loading, formatTime } from "../../components/States";

const ReportQuery = graphql(`
  query ConsoleReport($slug: String!) {
    report(slug: $slug) {
      id
      slug
      title
      summary
      content
      publishedAt
      createdAt
      updatedAt
    }
  }
`);

export function ReportPage() {
  const { slug = "" } = useParams();
  const path = useTenantPath();
  const [result, refetch] = useQuery({ query: ReportQuery, variables: { slug } });
  const report = result.data?.report;
  return (
    <section aria-labelledby="report-heading">
      <p>
        <Link to={path("reports?status=all")}>← All reports</Link>
      </p>
      {result.error && !result.data ? (
        <>
          <h1 id="report-heading">Report {slug}</h1>
          <ErrorState error={result.error} onRetry={() => refetch({ requestPolicy: "network-only" })} />
        </>
      ) : result.fetching && !result.data ? (
        <>
          <h1 id="report-heading">Report {slug}</h1>
          <Loading what="the report" />
        </>
      ) : !report ? (
        <>
          <h1 id="report-heading">Report {slug}</h1>
          <p role="status">No report has the slug {slug}.</p>
        </>
      ) : (
        <>
          <h1 id="report-heading">{report.title}</h1>
          <dl className="facts">
            <dt>Slug</dt>
            <dd>
              <code>{report.slug}</code>
            </dd>
            <dt>Status</dt>
            <dd>{report.publishedAt ? `published ${formatTime(report.publishedAt)}` : "draft"}</dd>
            <dt>Created</dt>
            <dd>{formatTime(report.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>{formatTime(report.updatedAt)}</dd>
          </dl>
          {report.summary && <p className="summary">{report.summary}</p>}
          <h2>Content</h2>
          <pre className="json" tabIndex={0} aria-label="Report content">
            {JSON.stringify(report.content, null, 2)}
          </pre>
        </>
      )}
    </section>
  );
}
