import { useEffect } from "react";
import { useLocation } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { Empty, ErrorState, Loading } from "../../components/States";
import { exampleOf } from "./exampleOf";
import "./events.css";

const EventTypesQuery = graphql(`
  query ConsoleEventTypes {
    eventTypes {
      type
      description
      schema
    }
  }
`);

function EventType({ type, description, schema }: { type: string; description: string; schema: unknown }) {
  // The type itself is the anchor, so `events#report.created` points at one type.
  const anchor = type;
  return (
    <article id={anchor} className="event-type" aria-labelledby={`${anchor}-name`}>
      <h2 id={`${anchor}-name`}>
        <a href={`#${anchor}`} className="event-anchor">
          <code>{type}</code>
        </a>
      </h2>
      <p>{description}</p>
      <details>
        <summary>JSON Schema of the event's data</summary>
        <pre className="json" tabIndex={0} aria-label={`Schema of ${type}`}>
          {JSON.stringify(schema, null, 2)}
        </pre>
      </details>
      <h3>Example payload</h3>
      <pre className="json" tabIndex={0} aria-label={`Example payload of ${type}`}>
        {JSON.stringify({ type, timestamp: "2026-11-24T10:00:00Z", data: exampleOf(schema) }, null, 2)}
      </pre>
    </article>
  );
}

/** Brings the event type the URL's fragment names into view once the catalog is shown. */
function useScrollToHash(ready: boolean) {
  const { hash } = useLocation();
  useEffect(() => {
    if (!ready || hash.length < 2) return;
    const target = document.getElementById(decodeURIComponent(hash.slice(1)));
    target?.scrollIntoView();
  }, [ready, hash]);
}

export function EventsPage() {
  const [result, refetch] = useQuery({ query: EventTypesQuery });
  const types = result.data?.eventTypes;
  useScrollToHash(types !== undefined);
  return (
    <section aria-labelledby="events-heading" className="events">
      <h1 id="events-heading">Event catalog</h1>
      <p>
        Every event AetherFlow sends to webhook endpoints. Each delivery's body is{" "}
        <code>{'{"type", "timestamp", "data"}'}</code>; the schema describes <code>data</code>.
      </p>
      {result.error && !types ? (
        <ErrorState error={result.error} onRetry={() => refetch({ requestPolicy: "network-only" })} />
      ) : !types ? (
        <Loading what="the event catalog" />
      ) : types.length === 0 ? (
        <Empty>No event types are defined.</Empty>
      ) : (
        <>
          <nav aria-label="Event types" className="event-index">
            <ul>
              {types.map(({ type }) => (
                <li key={type}>
                  <a href={`#${type}`}>{type}</a>
                </li>
              ))}
            </ul>
          </nav>
          {types.map((eventType) => (
            <EventType key={eventType.type} {...eventType} />
          ))}
        </>
      )}
    </section>
  );
}
