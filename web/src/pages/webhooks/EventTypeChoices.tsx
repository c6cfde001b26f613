import { useQuery } from "urql";
import { graphql } from "../../gql";
import { ErrorState, Loading } from "../../components/States";

const EventTypesQuery = graphql(`
  query ConsoleWebhookEventTypes {
    eventTypes {
      type
      description
    }
  }
`);

/** Checkboxes of the event catalog; none ticked means every event. */
export function EventTypeChoices({
  ticked,
  onChange,
}: {
  ticked: ReadonlySet<string>;
  onChange: (ticked: Set<string>, catalog: string[]) => void;
}) {
  const [result, refetch] = useQuery({ query: EventTypesQuery });
  const catalog = result.data?.eventTypes ?? [];
  const types = catalog.map((eventType) => eventType.type);
  function toggle(type: string, on: boolean) {
    const next = new Set(ticked);
    if (on) next.add(type);
    else next.delete(type);
    onChange(next, types);
  }
  return (
    <fieldset className="event-types">
      <legend>Event types (none ticked: every event)</legend>
      {result.error && !result.data ? (
        <ErrorState error={result.error} onRetry={() => refetch({ requestPolicy: "network-only" })} />
      ) : !result.data ? (
        <Loading what="event types" />
      ) : (
        <ul>
          {catalog.map((eventType) => (
            <li key={eventType.type}>
              <label>
                <input
                  type="checkbox"
                  checked={ticked.has(eventType.type)}
                  onChange={(event) => toggle(eventType.type, event.target.checked)}
                />{" "}
                <code>{eventType.type}</code> <span className="hint">{eventType.description}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
