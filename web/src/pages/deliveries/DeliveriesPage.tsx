import type { FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { useTenantPath } from "../../components/Layout";
import { Empty, ErrorState, Loading, formatTime } from "../../components/States";
import { STATUSES, filtersFromForm, filtersFromParams, graphqlFilter, paramsFromFilters, statusLabel } from "./filters";
import "./deliveries.css";
import { Pager } from "../../components/Pager";

const DeliveriesQuery = graphql(`
  query ConsoleDeliveries($first: Int!, $after: String, $filter: WebhookDeliveryFilter) {
    webhookDeliveries(first: $first, after: $after, filter: $filter) {
      edges {
        node {
          id
          endpointId
          eventType
          status
          attempts
          lastStatusCode
          resourceId
          requestId
          createdAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const EventTypesQuery = graphql(`
  query ConsoleDeliveryEventTypes {
    eventTypes {
      type
    }
  }
`);

const PAGE_SIZE = 25;

export function DeliveriesPage() {
  const [params, setParams] = useSearchParams();
  const path = useTenantPath();
  const filters = filtersFromParams(params);
  const after = params.get("after");
  const [result, refetch] = useQuery({
    query: DeliveriesQuery,
    variables: { first: PAGE_SIZE, after, filter: graphqlFilter(filters) },
  });
  const [eventTypes] = useQuery({ query: EventTypesQuery });
  const filtered = Object.keys(filters).length > 0;

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setParams(paramsFromFilters(filtersFromForm(new FormData(event.currentTarget))));
  }

  function page(cursor: string | null) {
    const next = paramsFromFilters(filters);
    if (cursor !== null) next.set("after", cursor);
    setParams(next);
  }

  const connection = result.data?.webhookDeliveries;
  const types = eventTypes.data?.eventTypes.map(({ type }) => type) ?? [];
  if (filters.eventType !== undefined && !types.includes(filters.eventType)) types.unshift(filters.eventType);
  return (
    <section aria-labelledby="deliveries-heading">
      <h1 id="deliveries-heading">Deliveries</h1>
      <form className="inline delivery-filters" aria-label="Filter deliveries" onSubmit={apply} key={params.toString()}>
        <label>
          Status
          <select name="status" defaultValue={filters.status ?? ""}>
            <option value="">Any status</option>
            {STATUSES.map(([name, , label]) => (
              <option key={name} value={name}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Event type
          <select name="eventType" defaultValue={filters.eventType ?? ""}>
            <option value="">Any event type</option>
            {types.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label>
          Resource id
          <input name="resourceId" defaultValue={filters.resourceId ?? ""} spellCheck={false} />
        </label>
        <label>
          Request id
          <input name="requestId" defaultValue={filters.requestId ?? ""} spellCheck={false} />
        </label>
        <label>
          Endpoint id
          <input name="endpointId" defaultValue={filters.endpointId ?? ""} spellCheck={false} />
        </label>
        <button type="submit">Apply filters</button>
        {filtered && (
          <button type="button" onClick={() => setParams(new URLSearchParams())}>
            Clear filters
          </button>
        )}
      </form>
      {eventTypes.error && <ErrorState error={eventTypes.error} />}
      {result.error && !connection ? (
        <ErrorState error={result.error} onRetry={() => refetch({ requestPolicy: "network-only" })} />
      ) : !connection ? (
        <Loading what="deliveries" />
      ) : connection.edges.length === 0 ? (
        <Empty>
          {after ? "No more deliveries." : filtered ? "No deliveries match these filters." : "No deliveries yet."}
        </Empty>
      ) : (
        <>
          {result.error && <ErrorState error={result.error} />}
          <table className="deliveries">
            <caption className="visually-hidden">Deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Event type</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Request id</th>
              </tr>
            </thead>
            <tbody>
              {connection.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td>
                    <Link to={path(`deliveries/${encodeURIComponent(node.id)}`)}>{formatTime(node.createdAt)}</Link>
                  </td>
                  <td>
                    <code>{node.eventType}</code>
                  </td>
                  <td>
                    <span className={`badge delivery-${node.status.toLowerCase()}`}>{statusLabel(node.status)}</span>
                  </td>
                  <td>{node.attempts}</td>
                  <td>{node.lastStatusCode ?? "—"}</td>
                  <td>{node.requestId ? <code>{node.requestId}</code> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager after={after} pageInfo={connection.pageInfo} onPage={page} />
        </>
      )}
    </section>
  );
}
