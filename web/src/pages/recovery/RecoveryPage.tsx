import { useState, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { useTenantPath } from "../../components/Layout";
import { ErrorState, Loading, formatTime } from "../../components/States";
import { isoToLocalInput, localInputToIso } from "./datetime";
import { RECOVERABLE, paramsOfRecoveryInput, recoveryInputOf } from "./params";
import { RecoveryProgress } from "./RecoveryProgress";
import "./recovery.css";

const EndpointQuery = graphql(`
  query ConsoleRecoveryEndpoint($id: ID!) {
    webhookEndpoint(id: $id) {
      id
      url
    }
  }
`);

const PreviewQuery = graphql(`
  query ConsoleRecoveryPreview($endpointId: ID!, $input: RecoverWebhookEndpointInput!) {
    webhookRecoveryPreview(endpointId: $endpointId, input: $input) {
      count
      sample
    }
  }
`);

const RecoverEndpoint = graphql(`
  mutation ConsoleRecoverEndpoint($id: ID!, $input: RecoverWebhookEndpointInput!, $idempotencyKey: String) {
    recoverWebhookEndpoint(id: $id, input: $input, idempotencyKey: $idempotencyKey) {
      id
    }
  }
`);

function plural(count: number): string {
  return count === 1 ? "1 delivery" : `${count} deliveries`;
}

export function RecoveryPage() {
  const { id = "" } = useParams();
  const path = useTenantPath();
  const [params, setParams] = useSearchParams();
  const input = recoveryInputOf(params);
  const recoveryId = params.get("recovery");
  const [endpoint] = useQuery({ query: EndpointQuery, variables: { id } });
  const [preview, refetchPreview] = useQuery({
    query: PreviewQuery,
    variables: { endpointId: id, input: input ?? { since: "" } },
    pause: input === null || recoveryId !== null,
  });
  const [recover, recoverEndpoint] = useMutation(RecoverEndpoint);
  const [formProblem, setFormProblem] = useState<string | null>(null);
  const [recoverError, setRecoverError] = useState<typeof recover.error>(undefined);

  function previewWindow(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const since = localInputToIso(String(form.get("since") ?? ""));
    const untilValue = String(form.get("until") ?? "");
    const until = untilValue === "" ? null : localInputToIso(untilValue);
    if (since === null || (untilValue !== "" && until === null)) {
      setFormProblem("Give the start (and any end) as a date and time.");
      return;
    }
    setFormProblem(null);
    const statuses = form.getAll("statuses").map(String);
    setParams(paramsOfRecoveryInput(since, until, statuses));
  }

  async function start() {
    if (input === null) return;
    setRecoverError(undefined);
    const answer = await recoverEndpoint({ id, input, idempotencyKey: crypto.randomUUID() });
    const started = answer.data?.recoverWebhookEndpoint;
    if (answer.error || !started) {
      setRecoverError(answer.error);
      return;
    }
    const next = new URLSearchParams(params);
    next.set("recovery", started.id);
    setParams(next);
  }

  const statusesInUrl = (input?.statuses ?? RECOVERABLE.map(([, value]) => value)) as string[];
  const count = preview.data?.webhookRecoveryPreview.count;
  return (
    <section aria-labelledby="recovery-heading">
      <p>
        <Link to={path(`deliveries?endpointId=${encodeURIComponent(id)}`)}>← This endpoint's deliveries</Link>
      </p>
      <h1 id="recovery-heading">Recover deliveries</h1>
      {endpoint.error ? (
        <ErrorState error={endpoint.error} />
      ) : endpoint.data && !endpoint.data.webhookEndpoint ? (
        <p role="status">No webhook endpoint has the id {id}.</p>
      ) : (
        <p>
          Endpoint{" "}
          {endpoint.data?.webhookEndpoint ? <code>{endpoint.data.webhookEndpoint.url}</code> : <code>{id}</code>}: its
          dead or skipped deliveries created in a window go back to pending and are sent again.
        </p>
      )}
      {recoveryId === null ? (
        <>
          <form className="inline recovery-window" aria-label="Deliveries to recover" onSubmit={previewWindow} key={params.toString()}>
            <label>
              Since
              <input type="datetime-local" name="since" step={1} required defaultValue={isoToLocalInput(input?.since)} />
            </label>
            <label>
              Until (optional)
              <input type="datetime-local" name="until" step={1} defaultValue={isoToLocalInput(input?.until)} />
            </label>
            <fieldset>
              <legend>Statuses</legend>
              {RECOVERABLE.map(([name, value, label]) => (
                <label key={name} className="check">
                  <input type="checkbox" name="statuses" value={name} defaultChecked={statusesInUrl.includes(value)} />
                  {label}
                </label>
              ))}
            </fieldset>
            <button type="submit">Preview</button>
          </form>
          {formProblem && (
            <p className="problem" role="alert">
              {formProblem}
            </p>
          )}
          {input !== null &&
            (preview.error ? (
              <ErrorState error={preview.error} onRetry={() => refetchPreview({ requestPolicy: "network-only" })} />
            ) : count === undefined ? (
              <Loading what="the preview" />
            ) : (
              <div className="recovery-preview">
                <h2>Preview</h2>
                <p role="status" data-testid="preview-count">
                  {count === 0
                    ? "No deliveries match this window."
                    : `${plural(count)} would go back to pending.`}
                </p>
                {count > 0 && (
                  <>
                    <p>Some of them:</p>
                    <ul className="recovery-sample">
                      {preview.data!.webhookRecoveryPreview.sample.map((sampleId) => (
                        <li key={sampleId}>
                          <Link to={path(`deliveries/${encodeURIComponent(sampleId)}`)}>
                            <code>{sampleId}</code>
                          </Link>
                        </li>
                      ))}
                    </ul>
                    <button type="button" onClick={start} disabled={recover.fetching}>
                      Recover {plural(count)}
                    </button>
                  </>
                )}
              </div>
            ))}
          {recoverError && <ErrorState error={recoverError} />}
        </>
      ) : (
        <>
          <p>
            Window: since {formatTime(input?.since)}
            {input?.until ? ` until ${formatTime(input.until)}` : ""}.
          </p>
          <RecoveryProgress recoveryId={recoveryId} />
        </>
      )}
    </section>
  );
}
