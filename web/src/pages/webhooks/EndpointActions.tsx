import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useMutation, type CombinedError } from "urql";
import { useTenantPath } from "../../components/Layout";
import { ErrorState, formatTime } from "../../components/States";
import { ConfirmButton } from "./Confirm";
import type { EndpointDelivery } from "./EndpointDeliveries";
import { SecretBox } from "./SecretBox";
import { DeleteEndpointMutation, RotateSecretMutation, SendTestMutation, UpdateEndpointMutation } from "./mutations";

interface Rotated {
  secret: string;
  previousSecretExpiresAt: string;
}

/** Rotate the secret, enable or disable, send a test event, delete; the irreversible ones ask
 * first. `onChanged` refetches what the page shows; `onTestSent` adds the test's delivery. */
export function EndpointActions({
  endpoint,
  testDelivery,
  onChanged,
  onTestSent,
}: {
  endpoint: { id: string; enabled: boolean };
  testDelivery: EndpointDelivery | null;
  onChanged: () => void;
  onTestSent: (delivery: EndpointDelivery) => void;
}) {
  const path = useTenantPath();
  const navigate = useNavigate();
  const [rotated, setRotated] = useState<Rotated | null>(null);
  const [failure, setFailure] = useState<CombinedError | null>(null);
  const [update, updateEndpoint] = useMutation(UpdateEndpointMutation);
  const [rotation, rotateSecret] = useMutation(RotateSecretMutation);
  const [test, sendTest] = useMutation(SendTestMutation);
  const [removal, deleteEndpoint] = useMutation(DeleteEndpointMutation);
  const busy = update.fetching || rotation.fetching || test.fetching || removal.fetching;
  const variables = () => ({ id: endpoint.id, idempotencyKey: crypto.randomUUID() });

  async function setEnabled(enabled: boolean) {
    setFailure(null);
    const answer = await updateEndpoint({ ...variables(), input: { enabled } });
    if (answer.error) setFailure(answer.error);
    else onChanged();
  }

  async function rotate() {
    setFailure(null);
    const answer = await rotateSecret(variables());
    const payload = answer.data?.rotateWebhookEndpointSecret;
    if (answer.error || !payload) setFailure(answer.error ?? null);
    else setRotated(payload);
  }

  async function sendTestEvent() {
    setFailure(null);
    const answer = await sendTest(variables());
    const delivery = answer.data?.sendTestWebhook;
    if (answer.error || !delivery) setFailure(answer.error ?? null);
    else {
      onTestSent(delivery);
      onChanged();
    }
  }

  async function remove() {
    setFailure(null);
    const answer = await deleteEndpoint(variables());
    if (answer.error) setFailure(answer.error);
    else navigate(path("webhooks"));
  }

  return (
    <section aria-labelledby="actions-heading" className="endpoint-actions">
      <h2 id="actions-heading">Actions</h2>
      {failure && <ErrorState error={failure} />}
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void sendTestEvent()}>
          Send test event
        </button>
        {endpoint.enabled ? (
          <ConfirmButton
            label="Disable"
            question="Disable this endpoint? Its events are skipped (not sent) until it is enabled again."
            confirmLabel="Yes, disable"
            busy={busy}
            onConfirm={() => void setEnabled(false)}
          />
        ) : (
          <button type="button" className="primary" disabled={busy} onClick={() => void setEnabled(true)}>
            Enable
          </button>
        )}
        <ConfirmButton
          label="Rotate secret"
          question="Rotate the signing secret? The current one keeps signing beside the new one for 24 hours, then stops."
          confirmLabel="Yes, rotate"
          busy={busy}
          onConfirm={() => void rotate()}
        />
        <Link className="button-link" to={path(`webhooks/${endpoint.id}/recover`)}>
          Recover deliveries
        </Link>
        <ConfirmButton
          label="Delete endpoint"
          question="Delete this endpoint and its delivery log? This cannot be undone."
          confirmLabel="Yes, delete"
          busy={busy}
          onConfirm={() => void remove()}
        />
      </div>
      {testDelivery && (
        <p role="status" className="notice">
          Test event sent:{" "}
          <Link to={path(`deliveries/${testDelivery.id}`)}>delivery {testDelivery.id}</Link> (
          <span className={`status-${testDelivery.status.toLowerCase()}`}>{testDelivery.status.toLowerCase()}</span>).
        </p>
      )}
      {rotated && (
        <SecretBox secret={rotated.secret} heading="New signing secret">
          <p>
            The previous secret keeps signing beside it until {formatTime(rotated.previousSecretExpiresAt)}, then stops
            working.
          </p>
        </SecretBox>
      )}
    </section>
  );
}
