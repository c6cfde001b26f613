import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { ErrorState } from "../../components/States";
import { EventTypeChoices } from "./EventTypeChoices";
import { UpdateEndpointMutation } from "./mutations";
import { eventTypesInput } from "./format";

interface Editable {
  id: string;
  url: string;
  description?: string | null;
  eventTypes?: string[] | null;
}

/** The endpoint's URL, description and event types, saved together. */
export function EditEndpointForm({
  endpoint,
  onSaved,
  onCancel,
}: {
  endpoint: Editable;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [url, setUrl] = useState(endpoint.url);
  const [description, setDescription] = useState(endpoint.description ?? "");
  const [ticked, setTicked] = useState<Set<string>>(new Set(endpoint.eventTypes ?? []));
  const [catalog, setCatalog] = useState<string[]>([]);
  const [result, update] = useMutation(UpdateEndpointMutation);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const answer = await update({
      id: endpoint.id,
      input: {
        url: url.trim(),
        description: description.trim() || null,
        eventTypes: eventTypesInput(ticked, catalog),
      },
      idempotencyKey: crypto.randomUUID(),
    });
    if (answer.data) onSaved();
  }

  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Edit endpoint">
      <div className="field">
        <label htmlFor="edit-url">URL</label>
        <input id="edit-url" type="url" required value={url} onChange={(event) => setUrl(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="edit-description">Description</label>
        <input
          id="edit-description"
          maxLength={1000}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
        />
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
          {result.fetching ? "Saving…" : "Save changes"}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </p>
    </form>
  );
}
