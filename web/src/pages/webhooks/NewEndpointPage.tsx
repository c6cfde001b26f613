import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { useMutation } from "urql";
import { graphql } from "../../gql";
import type { Ordering } from "../../gql/graphql";
import { useTenantPath } from "../../components/Layout";
import { ErrorState } from "../../components/States";
import { EventTypeChoices } from "./EventTypeChoices";
import { SecretBox } from "./SecretBox";
import { eventTypesInput } from "./format";
import "./webhooks.css";

const CreateEndpointMutation = graphql(`
  mutation ConsoleCreateWebhookEndpoint($input: CreateWebhookEndpointInput!, $idempotencyKey: String!) {
    createWebhookEndpoint(input: $input, idempotencyKey: $idempotencyKey) {
      endpoint {
        id
        url
      }
      secret
    }
  }
`);

interface Created {
  id: string;
  url: string;
  secret: string;
}

export function NewEndpointPage() {
  const path = useTenantPath();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [ordering, setOrdering] = useState<Ordering>("NONE");
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [catalog, setCatalog] = useState<string[]>([]);
  const [created, setCreated] = useState<Created | null>(null);
  const [result, create] = useMutation(CreateEndpointMutation);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const answer = await create({
      input: {
        url: url.trim(),
        description: description.trim() || null,
        eventTypes: eventTypesInput(ticked, catalog),
        ordering,
      },
      idempotencyKey: crypto.randomUUID(),
    });
    const payload = answer.data?.createWebhookEndpoint;
    if (payload) setCreated({ id: payload.endpoint.id, url: payload.endpoint.url, secret: payload.secret });
  }

  if (created) {
    return (
      <section aria-labelledby="new-endpoint-heading">
        <h1 id="new-endpoint-heading">Endpoint created</h1>
        <p>
          Events now go to <code>{created.url}</code>. Verify their signatures with this secret.
        </p>
        <SecretBox secret={created.secret} heading="Signing secret" />
        <p>
          <Link to={path(`webhooks/${created.id}`)}>Open the endpoint</Link>
        </p>
      </section>
    );
  }

  return (
    <section aria-labelledby="new-endpoint-heading">
      <p>
        <Link to={path("webhooks")}>← All endpoints</Link>
      </p>
      <h1 id="new-endpoint-heading">New webhook endpoint</h1>
      <form onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor="endpoint-url">URL</label>
          <input
            id="endpoint-url"
            type="url"
            required
            placeholder="https://example.com/webhooks"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="endpoint-description">Description</label>
          <input
            id="endpoint-description"
            maxLength={1000}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="endpoint-ordering">Ordering</label>
          <select id="endpoint-ordering" value={ordering} onChange={(event) => setOrdering(event.target.value as Ordering)}>
            <option value="NONE">None: send as due</option>
            <option value="PER_RESOURCE">Per resource: in event order</option>
          </select>
        </div>
        <EventTypeChoices
          ticked={ticked}
          onChange={(next, types) => {
            setTicked(next);
            setCatalog(types);
          }}
        />
        {result.error && <ErrorState error={result.error} />}
        <p className="actions">
          <button type="submit" className="primary" disabled={result.fetching}>
            {result.fetching ? "Creating…" : "Create endpoint"}
          </button>
        </p>
      </form>
    </section>
  );
}
