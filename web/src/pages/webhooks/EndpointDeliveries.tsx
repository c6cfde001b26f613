import { Link } from "react-router-dom";
import { useTenantPath } from "../../components/Layout";
import { Empty, formatTime } from "../../components/States";
import { graphql } from "../../gql";
import type { ConsoleEndpointDeliveryFragment } from "../../gql/graphql";

export const EndpointDeliveryFragment = graphql(`
  fragment ConsoleEndpointDelivery on WebhookDelivery {
    id
    eventId
    eventType
    status
    attempts
    lastStatusCode
    lastError
    nextAttemptAt
    deliveredAt
    createdAt
  }
`);

export const DeliveryUpdatedSubscription = graphql(`
  subscription ConsoleEndpointDeliveryUpdated($endpointId: ID!) {
    webhookDeliveryUpdated(endpointId: $endpointId) {
      ...ConsoleEndpointDelivery
    }
  }
`);

export type EndpointDelivery = ConsoleEndpointDeliveryFragment;

/** The endpoint's recent deliveries, as they change. */
export function EndpointDeliveries({ deliveries }: { deliveries: readonly EndpointDelivery[] }) {
  const path = useTenantPath();
  if (deliveries.length === 0) return <Empty>No deliveries to this endpoint yet.</Empty>;
  return (
    <table aria-label="Recent deliveries">
      <thead>
        <tr>
          <th scope="col">Delivery</th>
          <th scope="col">Event type</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last answer</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((delivery) => (
          <tr key={delivery.id} data-delivery-id={delivery.id}>
            <td>
              <Link to={path(`deliveries/${delivery.id}`)}>
                <code>{delivery.id.slice(0, 8)}</code>
                <span className="visually-hidden"> delivery {delivery.id}</span>
              </Link>
            </td>
            <td>
              <code>{delivery.eventType}</code>
            </td>
            <td>
              <span className={`badge status-${delivery.status.toLowerCase()}`}>{delivery.status.toLowerCase()}</span>
            </td>
            <td>{delivery.attempts}</td>
            <td>
              {delivery.lastStatusCode ?? "—"}
              {delivery.lastError && <div className="hint">{delivery.lastError}</div>}
            </td>
            <td>{formatTime(delivery.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
