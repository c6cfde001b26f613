import { Link } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { useTenantPath } from "../../components/Layout";
import { Empty, ErrorState, Loading, formatTime } from "../../components/States";
import { describeEventTypes, describeState, formatLatency, formatRate } from "./format";
import { WindowPicker, useStatsWindow } from "./WindowPicker";
import "./webhooks.css";

const EndpointsQuery = graphql(`
  query ConsoleWebhookEndpoints($window: StatsWindow!) {
    webhookEndpoints {
      id
      url
      description
      eventTypes
      enabled
      disabledReason
      disabledAt
      stats(window: $window) {
        ...ConsoleEndpointStats
      }
    }
  }
`);

export function EndpointsPage() {
  const path = useTenantPath();
  const statsWindow = useStatsWindow();
  const [result, refetch] = useQuery({ query: EndpointsQuery, variables: { window: statsWindow.current.window } });
  const endpoints = result.data?.webhookEndpoints;
  return (
    <section aria-labelledby="endpoints-heading">
      <h1 id="endpoints-heading">Webhook endpoints</h1>
      <p className="actions">
        <Link className="button-link" to={path("webhooks/new")}>
          New endpoint
        </Link>
      </p>
      <WindowPicker {...statsWindow} />
      {result.error && !endpoints ? (
        <ErrorState error={result.error} onRetry={() => refetch({ requestPolicy: "network-only" })} />
      ) : !endpoints ? (
        <Loading what="webhook endpoints" />
      ) : endpoints.length === 0 ? (
        <Empty>No webhook endpoints yet: add one to receive events.</Empty>
      ) : (
        <div className="table-scroll">
          {result.error && <ErrorState error={result.error} />}
          <table>
            <caption className="visually-hidden">
              Webhook endpoints, statistics of the {statsWindow.current.label.toLowerCase()}
            </caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Event types</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Success rate</th>
                <th scope="col">Latency p50 / p95</th>
                <th scope="col">Pending</th>
                <th scope="col">Last success</th>
                <th scope="col">Last failure</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((endpoint) => (
                <tr key={endpoint.id}>
                  <td>
                    <Link to={path(`webhooks/${endpoint.id}`)}>{endpoint.url}</Link>
                    {endpoint.description && <div className="hint">{endpoint.description}</div>}
                  </td>
                  <td>{describeEventTypes(endpoint.eventTypes)}</td>
                  <td>
                    <span className={endpoint.enabled ? "badge state-enabled" : "badge state-disabled"}>
                      {describeState(endpoint.enabled, endpoint.disabledReason)}
                    </span>
                  </td>
                  <td>{endpoint.stats?.attempts ?? 0}</td>
                  <td>{formatRate(endpoint.stats?.successRate)}</td>
                  <td>
                    {formatLatency(endpoint.stats?.latencyP50Ms)} / {formatLatency(endpoint.stats?.latencyP95Ms)}
                  </td>
                  <td>{endpoint.stats?.pending ?? 0}</td>
                  <td>{formatTime(endpoint.stats?.lastSuccessAt)}</td>
                  <td>{formatTime(endpoint.stats?.lastFailureAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
