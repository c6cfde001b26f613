import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useQuery, useSubscription } from "urql";
import { graphql } from "../../gql";
import { useTenantPath } from "../../components/Layout";
import { ErrorState, Loading, formatTime } from "../../components/States";
import { EditEndpointForm } from "./EditEndpointForm";
import { EndpointActions } from "./EndpointActions";
import { DeliveryUpdatedSubscription, EndpointDeliveries, type EndpointDelivery } from "./EndpointDeliveries";
import { StatsFacts } from "./StatsFacts";
import { WindowPicker, useStatsWindow } from "./WindowPicker";
import { describeEventTypes, describeState, withLiveChanges } from "./format";
import "./webhooks.css";
import { useRefetchOnConnect } from "../../api/useRefetchOnConnect";

const EndpointQuery = graphql(`
  query ConsoleWebhookEndpoint($id: ID!, $window: StatsWindow!) {
    webhookEndpoint(id: $id) {
      id
      url
      description
      eventTypes
      enabled
      disabledAt
      disabledReason
      ordering
      maxDeliveriesPerSecond
      createdAt
      updatedAt
      stats(window: $window) {
        ...ConsoleEndpointStats
      }
      deliveries(first: 20) {
        edges {
          node {
            ...ConsoleEndpointDelivery
          }
        }
      }
    }
  }
`);

export function EndpointPage() {
  const { id = "" } = useParams();
  const path = useTenantPath();
  const statsWindow = useStatsWindow();
  const [editing, setEditing] = useState(false);
  const [testDeliveries, setTestDeliveries] = useState<EndpointDelivery[]>([]);
  const [result, refetch] = useQuery({ query: EndpointQuery, variables: { id, window: statsWindow.current.window } });
  const [live] = useSubscription(
    { query: DeliveryUpdatedSubscription, variables: { endpointId: id } },
    (changes: EndpointDelivery[] = [], data) => [...changes, data.webhookDeliveryUpdated],
  );
  const endpoint = result.data?.webhookEndpoint;
  const reload = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnConnect(reload);
  const finishedChanges = (live.data ?? []).filter((change) => change.status !== "PENDING").length;
  useEffect(() => {
    if (finishedChanges > 0) refetch({ requestPolicy: "network-only" });
  }, [finishedChanges, refetch]);

  const queried = endpoint?.deliveries.edges.map((edge) => edge.node) ?? [];
  const deliveries = withLiveChanges(queried, [...testDeliveries, ...(live.data ?? [])]);
  const lastTest = testDeliveries.at(-1);
  const testDelivery = lastTest ? (deliveries.find((delivery) => delivery.id === lastTest.id) ?? lastTest) : null;

  if (result.error && !result.data) {
    return (
      <section aria-labelledby="endpoint-heading">
        <h1 id="endpoint-heading">Webhook endpoint</h1>
        <ErrorState error={result.error} onRetry={reload} />
      </section>
    );
  }
  if (!result.data) {
    return (
      <section aria-labelledby="endpoint-heading">
        <h1 id="endpoint-heading">Webhook endpoint</h1>
        <Loading what="the endpoint" />
      </section>
    );
  }
  if (!endpoint) {
    return (
      <section aria-labelledby="endpoint-heading">
        <p>
          <Link to={path("webhooks")}>← All endpoints</Link>
        </p>
        <h1 id="endpoint-heading">Webhook endpoint</h1>
        <p role="status">This tenant has no webhook endpoint with the id {id}.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="endpoint-heading">
      <p>
        <Link to={path("webhooks")}>← All endpoints</Link>
      </p>
      <h1 id="endpoint-heading">
        Endpoint <span className="endpoint-url">{endpoint.url}</span>
      </h1>
      {result.error && <ErrorState error={result.error} onRetry={reload} />}
      <dl className="facts" aria-label="Endpoint">
        <dt>URL</dt>
        <dd>
          <code>{endpoint.url}</code>
        </dd>
        <dt>Description</dt>
        <dd>{endpoint.description ?? "—"}</dd>
        <dt>Event types</dt>
        <dd data-testid="endpoint-event-types">{describeEventTypes(endpoint.eventTypes)}</dd>
        <dt>State</dt>
        <dd data-testid="endpoint-state">
          <span className={endpoint.enabled ? "state-enabled" : "state-disabled"}>
            {describeState(endpoint.enabled, endpoint.disabledReason)}
          </span>
          {endpoint.disabledAt && ` since ${formatTime(endpoint.disabledAt)}`}
        </dd>
        <dt>Ordering</dt>
        <dd>{endpoint.ordering === "PER_RESOURCE" ? "Per resource" : "None"}</dd>
        <dt>Rate cap</dt>
        <dd>{endpoint.maxDeliveriesPerSecond != null ? `${endpoint.maxDeliveriesPerSecond} per second` : "None"}</dd>
        <dt>Created</dt>
        <dd>{formatTime(endpoint.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>{formatTime(endpoint.updatedAt)}</dd>
      </dl>
      {editing ? (
        <EditEndpointForm
          key={endpoint.updatedAt}
          endpoint={endpoint}
          onSaved={() => {
            setEditing(false);
            reload();
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <p className="actions">
          <button type="button" onClick={() => setEditing(true)}>
            Edit endpoint
          </button>
        </p>
      )}
      <EndpointActions
        endpoint={endpoint}
        testDelivery={testDelivery}
        onChanged={reload}
        onTestSent={(delivery) => setTestDeliveries((sent) => [...sent, delivery])}
      />
      <h2>Statistics</h2>
      <WindowPicker {...statsWindow} />
      <StatsFacts stats={endpoint.stats} label={`Statistics of the ${statsWindow.current.label.toLowerCase()}`} />
      <h2>Recent deliveries</h2>
      {live.error && <ErrorState error={live.error} />}
      <EndpointDeliveries deliveries={deliveries} />
    </section>
  );
}
