import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery, useSubscription } from "urql";
import { graphql } from "../../gql";
import { useTenantPath } from "../../components/Layout";
import { ErrorState, Loading, formatTime } from "../../components/States";
import { statusLabel } from "./filters";
import "./deliveries.css";
import { useRefetchOnConnect } from "../../api/useRefetchOnConnect";

const DeliveryQuery = graphql(`
  query ConsoleDelivery($id: ID!) {
    node(id: $id) {
      __typename
      ... on WebhookDelivery {
        id
        endpointId
        eventId
        eventType
        status
        attempts
        lastStatusCode
        lastError
        nextAttemptAt
        deliveredAt
        resourceId
        requestId
        createdAt
        lastResponseExcerpt
      }
    }
  }
`);

const DeliveryUpdates = graphql(`
  subscription ConsoleDeliveryUpdates($endpointId: ID!) {
    webhookDeliveryUpdated(endpointId: $endpointId) {
      id
      status
      attempts
    }
  }
`);

const RetryDelivery = graphql(`
  mutation ConsoleRetryDelivery($id: ID!, $idempotencyKey: String) {
    retryWebhookDelivery(id: $id, idempotencyKey: $idempotencyKey) {
      id
      status
    }
  }
`);

function Code({ value }: { value: string | null | undefined }) {
  return value ? <code>{value}</code> : <>—</>;
}

export function DeliveryPage() {
  const { id = "" } = useParams();
  const path = useTenantPath();
  const [result, refetch] = useQuery({ query: DeliveryQuery, variables: { id } });
  useRefetchOnConnect(() => refetch({ requestPolicy: "network-only" }));
  const node = result.data?.node;
  const delivery = node?.__typename === "WebhookDelivery" ? node : null;
  const endpointId = delivery?.endpointId ?? "";
  const [updates] = useSubscription({
    query: DeliveryUpdates,
    variables: { endpointId },
    pause: endpointId === "",
  });
  const [retry, retryDelivery] = useMutation(RetryDelivery);
  const [retryError, setRetryError] = useState<typeof retry.error>(undefined);

  const update = updates.data?.webhookDeliveryUpdated;
  useEffect(() => {
    // The update carries only what changed; the page reads the rest (the excerpt) again.
    if (update?.id === id) refetch({ requestPolicy: "network-only" });
  }, [update, id, refetch]);

  async function sendAgain() {
    setRetryError(undefined);
    const answer = await retryDelivery({ id, idempotencyKey: crypto.randomUUID() });
    if (answer.error) setRetryError(answer.error);
    refetch({ requestPolicy: "network-only" });
  }

  const heading = <h1 id="delivery-heading">Delivery</h1>;
  return (
    <section aria-labelledby="delivery-heading">
      <p>
        <Link to={path("deliveries")}>← All deliveries</Link>
      </p>
      {result.error && !result.data ? (
        <>
          {heading}
          <ErrorState error={result.error} onRetry={() => refetch({ requestPolicy: "network-only" })} />
        </>
      ) : !result.data ? (
        <>
          {heading}
          <Loading what="the delivery" />
        </>
      ) : delivery === null ? (
        <>
          {heading}
          <p role="status">No delivery has the id {id}.</p>
        </>
      ) : (
        <>
          {heading}
          <p className="live-note">
            <code>{delivery.id}</code> · updates live
          </p>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <span className={`badge delivery-${delivery.status.toLowerCase()}`} data-testid="delivery-status">
                {statusLabel(delivery.status)}
              </span>
            </dd>
            <dt>Attempts</dt>
            <dd>{delivery.attempts}</dd>
            <dt>Last status code</dt>
            <dd>{delivery.lastStatusCode ?? "—"}</dd>
            <dt>Last error</dt>
            <dd>{delivery.lastError ?? "—"}</dd>
            <dt>Next attempt</dt>
            <dd>{formatTime(delivery.nextAttemptAt)}</dd>
            <dt>Delivered at</dt>
            <dd>{formatTime(delivery.deliveredAt)}</dd>
            <dt>Event type</dt>
            <dd>
              <code>{delivery.eventType}</code>
            </dd>
            <dt>Event id</dt>
            <dd>
              <code>{delivery.eventId}</code>
            </dd>
            <dt>Resource id</dt>
            <dd>
              <Code value={delivery.resourceId} />
            </dd>
            <dt>Request id</dt>
            <dd>
              <Code value={delivery.requestId} />
            </dd>
            <dt>Endpoint</dt>
            <dd>
              <Link to={path(`deliveries?endpointId=${encodeURIComponent(delivery.endpointId)}`)}>
                <code>{delivery.endpointId}</code>
              </Link>
            </dd>
            <dt>Created</dt>
            <dd>{formatTime(delivery.createdAt)}</dd>
          </dl>
          <h2>Response excerpt of the last attempt</h2>
          {delivery.lastResponseExcerpt == null ? (
            <p role="status">No answer recorded.</p>
          ) : (
            <pre className="json response-excerpt" tabIndex={0} aria-label="Response excerpt">
              {delivery.lastResponseExcerpt}
            </pre>
          )}
          {updates.error && <ErrorState error={updates.error} />}
          <div className="actions">
            {delivery.status === "DEAD" && (
              <button type="button" onClick={sendAgain} disabled={retry.fetching}>
                Retry
              </button>
            )}
            <Link to={path(`webhooks/${encodeURIComponent(delivery.endpointId)}/recover`)}>
              Recover this endpoint's deliveries
            </Link>
          </div>
          {retryError && <ErrorState error={retryError} />}
        </>
      )}
    </section>
  );
}
